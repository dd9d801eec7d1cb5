"""The FSDD test recordings packed as int16 audio, so the app plays the recording behind a
point of a latent plane without the dataset (`python -m audiodemo.latent bundle`)."""

from __future__ import annotations

import os

import numpy as np

from audiodemo import fsdd
from audiodemo.npz import save_npz


def bundle_test_audio(data, out: str | os.PathLike, sample_rate: int = 8000) -> int:
    """Pack the official test recordings as int16 audio; returns how many."""
    recordings = [r for r in fsdd.list_recordings(data) if r.take in fsdd.TEST_TAKES]
    waves = fsdd.load_waves(recordings, sample_rate)
    audio = np.concatenate([np.round(np.clip(w, -1, 1) * 32767).astype(np.int16)
                            for w in waves])
    offsets = np.cumsum([0] + [len(w) for w in waves])
    save_npz(out, dict(audio=audio, offsets=offsets, sample_rate=np.array(sample_rate),
                     file=np.array([r.path.name for r in recordings])))
    return len(recordings)


class AudioBundle:
    """Recordings packed by `bundle_test_audio`, played by file name."""

    def __init__(self, path: str | os.PathLike):
        with np.load(path, allow_pickle=False) as data:
            self.audio, self.offsets = data["audio"], data["offsets"]
            self.sample_rate = int(data["sample_rate"])
            self.index = {str(f): i for i, f in enumerate(data["file"])}

    def __contains__(self, name: str) -> bool:
        return name in self.index

    def wave(self, name: str) -> np.ndarray:
        """float32 samples of one recording; `KeyError` for a name not bundled."""
        i = self.index[name]
        return self.audio[self.offsets[i] : self.offsets[i + 1]].astype(np.float32) / 32767
