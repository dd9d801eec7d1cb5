"""Where the tabs write the files they hand to the page: each in a fresh folder.

Gradio serves outputs from its cache, named by a hash of their content. Handed a numpy array,
`gr.Audio` writes that cache file in place on every call, so when two users get the same
sound (the same example, the same seed) one request rewrites the file while the other's
browser is downloading it, and that download breaks off empty. Handed a path, Gradio copies
the file under a temporary name and renames it into place, once. So every player here is a
WAV file written once into a folder of its own (or its request's, where a tab writes several
files together); folders older than an hour are removed.

Loudness, one policy for every player in the app (`LOUDNESS_NOTE` says it in the tabs): the
sounds one answer plays (noisy and denoised, original and rebuilt, recording and decode) share
one gain, which brings the loudest of them to `LEVEL_DBFS` (RMS over its active part) unless a
peak would clip. So every answer plays at about the same loudness, whatever the recording or
the decoder made, and within an answer what a model removed still sounds quieter.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from audiodemo.audio import save_wav

LEVEL_DBFS = -20.0  # the loudest sound of an answer, RMS over blocks within 40 dB of its loudest
PEAK = 0.99  # no player's peak above this: int16 must not clip
MAX_GAIN_DB = 40.0  # silence and hiss stay quiet: nothing is raised by more than this
LOUDNESS_NOTE = (f"Every answer's players are set to one loudness ({LEVEL_DBFS:g} dBFS for the "
                 f"loudest, never clipping), with one gain for all the sounds of an answer, so "
                 f"differences between them stay audible.")
OUTPUT_ROOT = Path(tempfile.gettempdir()) / "audiodemo-outputs"
KEEP_SECONDS = 3600  # output folders older than this are removed
CLEAN_EVERY = 60  # seconds between looks for old folders (a busy hour leaves thousands)
_last_clean = 0.0


def output_dir() -> Path:
    """A fresh folder for one request's files; at most once a minute, folders older than an
    hour are removed first."""
    global _last_clean
    OUTPUT_ROOT.mkdir(exist_ok=True)
    now = time.time()
    if now - _last_clean >= CLEAN_EVERY:
        _last_clean = now
        for old in OUTPUT_ROOT.iterdir():
            try:
                if now - old.stat().st_mtime > KEEP_SECONDS:
                    shutil.rmtree(old, ignore_errors=True)
            except FileNotFoundError:  # another request removed it first
                pass
    return Path(tempfile.mkdtemp(dir=OUTPUT_ROOT))


def active_level_db(wave: np.ndarray, sample_rate: int) -> float:
    """RMS in dBFS over the 50 ms blocks within 40 dB of the loudest one, so pauses between
    words do not count (-inf for silence)."""
    if wave.size == 0:
        return float("-inf")
    size = max(1, sample_rate // 20)
    n = max(1, len(wave) // size)
    blocks = np.asarray(wave[: n * size], np.float64).reshape(n, -1)  # (blocks, samples)
    power = (blocks**2).mean(axis=1)
    if power.max() == 0:
        return float("-inf")
    return float(10 * np.log10(power[power >= power.max() * 1e-4].mean()))


def playback_gain(waves: list[tuple[np.ndarray, int]]) -> float:
    """The one gain for sounds played together (`(wave, rate)` pairs): the loudest reaches
    `LEVEL_DBFS`, no peak goes above `PEAK`, nothing is raised by more than `MAX_GAIN_DB`."""
    level = max(active_level_db(w, r) for w, r in waves)
    peak = max(float(np.abs(w).max()) if w.size else 0.0 for w, _ in waves)
    if peak == 0:
        return 1.0
    gain_db = min(LEVEL_DBFS - level, MAX_GAIN_DB)
    return min(10 ** (gain_db / 20), PEAK / peak)


def player(wave: np.ndarray, sample_rate: int, name: str = "audio.wav",
           folder: Path | None = None) -> str:
    """What `gr.Audio` plays unchanged: `wave` at the app's loudness (`playback_gain`) as a
    16-bit WAV called `name` (what a download is called), written once into `folder` (a fresh
    one by default); its path."""
    return players([(wave, sample_rate, name)], folder)[0]


def players(sounds: list[tuple[np.ndarray, int, str]], folder: Path | None = None) -> list[str]:
    """Players for sounds heard together, `(wave, rate, name)` each, sharing one gain (the
    loudness policy above), written once into `folder` (a fresh one by default)."""
    folder = folder or output_dir()
    gain = playback_gain([(wave, rate) for wave, rate, _ in sounds])
    for wave, rate, name in sounds:
        save_wav(folder / name, wave * gain, rate)
    return [str(folder / name) for _, _, name in sounds]
