"""Helpers shared by the tabs: example files, error messages, loudness."""

from __future__ import annotations

import functools
from pathlib import Path

import gradio as gr
import numpy as np

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

