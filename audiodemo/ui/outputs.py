"""Where the tabs write the files they hand to the page: each in a fresh folder.

Gradio serves outputs from its cache, named by a hash of their content. Handed a numpy array,
`gr.Audio` writes that cache file in place on every call, so when two users get the same
sound (the same example, the same seed) one request rewrites the file while the other's
browser is downloading it, and that download breaks off empty. Handed a path, Gradio copies
the file under a temporary name and renames it into place, once. So every player here is a
WAV file written once into a folder of its own (or its request's, where a tab writes several
files together); folders older than an hour are removed.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from audiodemo.audio import save_wav

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


def player(wave: np.ndarray, sample_rate: int, name: str = "audio.wav",
           folder: Path | None = None) -> str:
    """What `gr.Audio` plays unchanged: `wave` as a 16-bit WAV (no peak normalisation, so
    loudness differences stay audible) called `name` (what a download is called), written
    once into `folder` (a fresh one by default); its path."""
    path = (folder or output_dir()) / name
    save_wav(path, wave, sample_rate)
    return str(path)
