"""Which stretch of a sound the Spectrogram tab draws: all of it, or a region a picture's
"Zoom in" chose (`audiodemo.ui.sound_picture`), kept in a hidden textbox as "1.2-2.5"; and
what else a picture's `select` may ask for (a frequency's harmonic series)."""

from __future__ import annotations

import gradio as gr
import numpy as np

WHOLE = ""  # the region of a sound shown: all of it


def parse_region(region) -> tuple[float, float] | None:
    """`"1.2-2.5"` (seconds) -> (1.2, 2.5); `""` -> None, the whole sound."""
    if region in (None, WHOLE):
        return None
    try:
        start, end = (float(part) for part in str(region).split("-"))
    except ValueError:
        raise ValueError(f"A region is two times in seconds, '1.2-2.5', got {region!r}") from None
    if not (np.isfinite(start) and np.isfinite(end) and 0 <= start < end):
        raise ValueError(f"A region needs 0 <= start < end, got {region!r}")
    return start, end


def excerpt(wave: np.ndarray, sr: int, region) -> tuple[np.ndarray, float]:
    """The stretch of `wave` a region names (at least 50 ms, within the sound) and its start."""
    bounds = parse_region(region)
    if bounds is None:
        return wave, 0.0
    a = min(int(bounds[0] * sr), max(0, len(wave) - sr // 20))
    b = max(min(int(bounds[1] * sr), len(wave)), a + sr // 20)
    return wave[a:b], a / sr


def picked(evt: gr.SelectData) -> tuple:
    """(region, harmonics) from a picture's `select`: a frequency clicked for its harmonic
    series (`value` "harmonics", `index` in Hz), else a zoom (`zoom`); `gr.skip()` for the
    one it leaves alone."""
    if evt.value == "harmonics":
        hz = float(evt.index)
        if not np.isfinite(hz) or hz <= 0:
            raise gr.Error(f"A harmonic series needs a frequency above 0 Hz, got {hz}",
                           print_exception=False)
        return gr.skip(), round(hz, 1)
    return zoom(evt), gr.skip()


def zoom(evt: gr.SelectData) -> str:
    """A picture's "Zoom in" (`index`: [start, end] s) or "Whole sound" (`index`: null)."""
    if not evt.index:
        return WHOLE
    start, end = (float(t) for t in evt.index)
    return f"{max(0.0, start):.3f}-{end:.3f}"
