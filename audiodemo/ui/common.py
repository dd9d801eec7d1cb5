"""Helpers shared by the tabs: example files, error messages, players."""

from __future__ import annotations

import functools
from pathlib import Path

import gradio as gr
import numpy as np

from audiodemo.ui.outputs import wav_file

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"


def example(name: str) -> str:
    """Path of an example sound in `assets/`."""
    return str(ASSETS / name)


def user_errors(fn):
    """Show a handler's `ValueError` as a message in the page; the server keeps serving."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValueError as err:
            raise gr.Error(str(err), print_exception=False) from None

    return wrapper


def turned_down(wave: np.ndarray, peak: float = 0.99) -> tuple[np.ndarray, float]:
    """The wave scaled to peak at most `peak` (so an int16 player cannot clip it), and by
    how many dB it was turned down (0 when it fitted)."""
    top = float(np.abs(wave).max()) if wave.size else 0.0
    if top <= peak:
        return wave, 0.0
    return wave * (peak / top), 20 * np.log10(top / peak)


def player(wave: np.ndarray, sample_rate: int, name: str = "audio.wav") -> str:
    """What `gr.Audio` plays unchanged: a 16-bit WAV (no peak normalisation, so loudness
    differences stay audible) written once into a fresh folder (see `outputs`); `name` is
    what a download of it is called."""
    return wav_file(wave, sample_rate, name=name)
