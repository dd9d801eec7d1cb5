"""Helpers shared by the tabs: example files, error messages, sounds in, their limits."""

from __future__ import annotations

import functools
import inspect

import gradio as gr
import numpy as np

from audiodemo.audio import length_text, load_excerpt
from audiodemo.paths import ASSETS

ERROR_SECONDS = 12  # a message stays this long: one mistake must not leave toasts piling up


def example(name: str) -> str:
    """Path of an example sound in `assets/`."""
    return str(ASSETS / name)


def user_errors(fn):
    """Show a handler's `ValueError` as a message in the page; the server keeps serving.
    Works for generator handlers too (those that report progress and can be stopped)."""

    def shown(err: ValueError) -> gr.Error:
        return gr.Error(str(err), duration=ERROR_SECONDS, print_exception=False)

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except ValueError as err:
                raise shown(err) from None

        return generator

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValueError as err:
            raise shown(err) from None

    return wrapper


def cleared_on_error(event, outputs: list) -> None:
    """Empty an event's outputs when it fails: an earlier answer left under the error badge
    reads as the answer to the new question."""
    def empty():
        return None if len(outputs) == 1 else [None] * len(outputs)

    event.failure(empty, outputs=outputs, queue=False, api_visibility="private")


def sound_in(audio, sample_rate: int | None, max_seconds: float,
             channels: bool = False) -> tuple[np.ndarray, int, str]:
    """A user's sound (mono, or `(T, channels)` with `channels`), its first `max_seconds`
    where it is longer, and a sentence saying so ("" when it fitted)."""
    wave, rate, cut = load_excerpt(audio, sample_rate, max_seconds, channels)
    if cut is None:
        return wave, rate, ""
    return wave, rate, (f"The audio is {length_text(cut)}; only its first {max_seconds:g} s "
                        f"are used here (the limit that keeps every request to a few seconds).")


def limits_note(max_seconds: float, upload_mb: int) -> str:
    """The line under a sound input that states its limits."""
    return (f"WAV, FLAC, OGG or MP3, up to {upload_mb} MB; a longer sound than "
            f"{max_seconds:g} s is cut to its first {max_seconds:g} s.")
