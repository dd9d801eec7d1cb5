"""The Free Spoken Digit Dataset: file listing, the official and leave-one-speaker-out splits.

FSDD holds 3,000 mono 8 kHz WAV files named `{digit}_{speaker}_{take}.wav`; takes 0-4 of
every speaker and digit are the official test set. The folder comes from an argument or the
`AUDIODEMO_FSDD` environment variable (the dataset folder or its `recordings/` folder).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audiodemo.audio import load_audio
from audiodemo.paths import FSDD_ENV

TEST_TAKES = range(5)
_NAME = re.compile(r"^(\d)_([a-z]+)_(\d+)\.wav$")


@dataclass(frozen=True)
class Recording:
    """One FSDD file and the labels its name carries."""

    path: Path
    digit: int
    speaker: str
    take: int


def recordings_dir(path: str | os.PathLike | None = None) -> Path:
    """The folder of WAV files, from `path` or `$AUDIODEMO_FSDD`."""
    path = path or os.environ.get(FSDD_ENV)
    if not path:
        raise ValueError(f"Give the FSDD folder as an argument or in ${FSDD_ENV}.")
    path = Path(path)
    if (path / "recordings").is_dir():
        path = path / "recordings"
    if not path.is_dir():
        raise ValueError(f"No FSDD folder at {path}.")
    return path


def list_recordings(path: str | os.PathLike | None = None) -> list[Recording]:
    """Every recording in the folder, sorted by file name."""
    found = []
    for file in sorted(recordings_dir(path).glob("*.wav")):
        match = _NAME.match(file.name)
        if match:
            digit, speaker, take = match.groups()
            found.append(Recording(file, int(digit), speaker, int(take)))
    if not found:
        raise ValueError(f"No FSDD recordings ({{digit}}_{{speaker}}_{{take}}.wav) in {path}.")
    return found


def split(
    recordings: list[Recording], held_out_speaker: str | None = None
) -> tuple[list[Recording], list[Recording]]:
    """(train, test): the official split, or every take of one speaker held out for testing."""
    if held_out_speaker is None:
        test = [r for r in recordings if r.take in TEST_TAKES]
    else:
        test = [r for r in recordings if r.speaker == held_out_speaker]
        if not test:
            raise ValueError(f"No recordings of speaker {held_out_speaker!r}.")
    test_set = set(test)
    return [r for r in recordings if r not in test_set], test


def load_waves(recordings: list[Recording], sample_rate: int) -> list[np.ndarray]:
    """Each recording as mono float32 at `sample_rate`."""
    return [load_audio(r.path, sample_rate)[0] for r in recordings]
