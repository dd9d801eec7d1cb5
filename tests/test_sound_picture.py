"""Pictures that play their sound: where each time axis lies in the image, and zoom."""

from __future__ import annotations

import base64
import io

import gradio as gr
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from audiodemo.ui.common import example
from audiodemo.ui.region import excerpt, parse_region, picked, zoom
from audiodemo.ui.sound_picture import Picture, render
from audiodemo.ui.spectrogram_tab import analyse


def red_column(value: dict) -> float:
    """The x (a fraction of the width) of the red line drawn in a rendered picture."""
    png = base64.b64decode(value["image"].split(",", 1)[1])
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    red = (rgb[..., 0] > 200) & (rgb[..., 1] < 60) & (rgb[..., 2] < 60)
    return float(np.flatnonzero(red.any(axis=0)).mean() / rgb.shape[1])


def red_row(value: dict) -> float:
    """The y (a fraction of the height) of the red line drawn in a rendered picture."""
    png = base64.b64decode(value["image"].split(",", 1)[1])
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    red = (rgb[..., 0] > 200) & (rgb[..., 1] < 60) & (rgb[..., 2] < 60)
    return float(np.flatnonzero(red.any(axis=1)).mean() / rgb.shape[0])


@pytest.mark.parametrize("scale", ["linear", "log", "mel"])
@pytest.mark.parametrize("compare", ["none", "2048"])
def test_a_click_on_the_frequency_axis_names_the_frequency_drawn_there(scale, compare):
    """Issue 17: a click on a frequency asks for its harmonic series; the page reads the
    frequency from each axis's table of Hz by height, on every scale with Hz on its axis."""
    wave, spec, _, _ = analyse(example("piano_middle_c.wav"), "512", 128, "hann", scale, True,
                               80, "viridis", compare=compare)  # viridis has no red
    spec.figure.axes[0].axhline(1000.0, color="red", linewidth=1)  # on the first picture
    value = render(spec, cache=str, frequencies=True)
    assert len(value["freqs"]) == (1 if compare == "none" else 2)  # colour bars: dB, no Hz
    left, top, right, bottom, hz = value["freqs"][0]
    assert 0 <= left < right <= 1 and 0 <= top < bottom <= 1
    at = (red_row(value) - top) / (bottom - top) * (len(hz) - 1)
    assert np.interp(at, np.arange(len(hz)), hz) == pytest.approx(1000.0, rel=0.02)
    assert hz[0] > hz[-1]  # top to bottom
    assert render(wave, cache=str, frequencies=True)["freqs"] == []  # amplitude: no Hz
    assert render(spec, cache=str)["freqs"] == []  # asked for only where a click names Hz


@pytest.mark.parametrize("side_by_side", [False, True])
def test_a_time_on_the_axis_is_where_the_playhead_puts_it(side_by_side):
    fig = Figure(figsize=(9, 3), layout="constrained")
    axes = fig.subplots(1, 2 if side_by_side else 1, squeeze=False)[0]
    for ax in axes:
        ax.set(xlabel="time (s)", xlim=(0.5, 3.5))
    axes[0].axvline(2.0, color="red", linewidth=1)  # one red line, on the first time axis
    fig.colorbar(axes[0].imshow(np.zeros((2, 2)), extent=(0.5, 3.5, 0, 1)), ax=axes[-1])
    value = render(Picture(fig, [("Play", "x.wav")]), cache=lambda path: f"cached/{path}")
    assert len(value["axes"]) == len(axes)  # the colour bar is no time axis
    assert all(type(v) is float for box in value["axes"] for v in box)  # JSON numbers
    left, top, right, bottom, t0, t1 = value["axes"][0]
    assert (t0, t1) == (0.5, 3.5) and 0 <= left < right <= 1 and 0 <= top < bottom <= 1
    playhead = left + (2.0 - t0) / (t1 - t0) * (right - left)
    assert abs(playhead - red_column(value)) < 2 / 900  # within two pixels
    assert value["sounds"] == [["Play", "cached/x.wav"]]


def test_zooming_draws_only_the_stretch_at_its_place_in_the_sound():
    args = (example("piano_middle_c.wav"), "512", 128, "hann", "linear", True, 80, "magma")
    wave, spec, _, text = analyse(*args, region="0.500-1.250")
    assert wave.figure.axes[0].get_xlim() == pytest.approx((0.5, 1.25), abs=1e-4)
    spec_box = render(spec, cache=str)["axes"][0]
    assert spec_box[4] == pytest.approx(0.5, abs=0.01) and spec_box[5] == pytest.approx(1.25,
                                                                                      abs=0.01)
    assert "Zoomed in on 0.50-1.25 s" in text
    whole = analyse(*args)[0].figure.axes[0].get_xlim()
    assert whole[0] == 0 and whole[1] > 1.25


def test_a_region_is_checked_and_kept_inside_the_sound():
    assert parse_region("") is None and parse_region("1-2.5") == (1.0, 2.5)
    for bad in ("2-1", "a-b", "1", "-1-2", "nan-3"):
        with pytest.raises(ValueError, match="region"):
            parse_region(bad)
    wave = np.zeros(8000)
    part, start = excerpt(wave, 8000, "0.9-5.0")  # past the end: up to the end
    assert start == 0.9 and len(part) == 800
    part, start = excerpt(wave, 8000, "5-6")  # wholly past it: its last 50 ms
    assert len(part) == 400 and start == pytest.approx(0.95)


class Select:
    def __init__(self, index, value=None):
        self.index, self.value = index, value


def test_zoom_and_whole_sound_set_the_region():
    assert zoom(Select([0.25, 1.5])) == "0.250-1.500"
    assert zoom(Select(None)) == ""
    assert picked(Select([0.25, 1.5], "in")) == ("0.250-1.500", gr.skip())


def test_a_frequency_clicked_sets_the_harmonic_series_and_leaves_the_region():
    assert picked(Select(523.2513, "harmonics")) == (gr.skip(), 523.3)
    for bad in (0, -3, float("nan")):
        with pytest.raises(gr.Error, match="above 0 Hz"):
            picked(Select(bad, "harmonics"))


def test_the_pages_config_holds_only_plain_values():
    """Each page load deep-copies the config: a listener in it (`gr.HTML` answers a missing
    attribute with one) copied the whole app, 1.4 s a page instead of 40 ms."""
    import app

    def leaves(x, path=""):
        if isinstance(x, dict):
            for k, v in x.items():
                yield from leaves(v, f"{path}/{k}")
        elif isinstance(x, (list, tuple)):
            for k, v in enumerate(x):
                yield from leaves(v, f"{path}/{k}")
        else:
            yield path, x

    odd = [(path, type(v).__name__) for path, v in leaves(app.build_demo().config)
           if not isinstance(v, (str, int, float, bool, type(None)))]
    assert odd == []
