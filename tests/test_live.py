"""The live view's plan: what a browser column means, against the static picture's."""

from __future__ import annotations

import json

import numpy as np
import pytest

from audiodemo import live
from audiodemo.spectrogram import SpectrogramConfig
from audiodemo.ui.live_view import settings_json
from audiodemo.view import FRAME_SIZES, SCALES, spectrogram_view

SETTINGS = dict(sample_rate=48000, n_fft=1024, hop=256, window="hann", scale="linear",
                in_db=False, db_range=80, cmap="magma")


def browser_column(plan: dict, frame: np.ndarray) -> np.ndarray:
    """What live.js computes for one frame, in numpy: |FFT| of the windowed frame, through
    the plan's rows (power summed for mel and chroma)."""
    mag = np.abs(np.fft.rfft(frame * np.asarray(plan["taper"])))
    if plan["rows"] is None:
        return mag
    out = np.zeros(plan["n_rows"])
    for r, (lo, *weights) in enumerate(plan["rows"]):
        part = mag[lo:lo + len(weights)]
        out[r] = np.sqrt(np.dot(weights, part**2)) if plan["power_rows"] else np.dot(weights,
                                                                                     part)
    return out


@pytest.mark.parametrize("scale", ["linear", "mel"])
def test_a_browser_column_is_the_static_pictures_column(scale, rng):
    wave = rng.standard_normal(48000).astype(np.float32) * 0.1
    plan = live.plan(dict(SETTINGS, scale=scale))
    cfg = SpectrogramConfig(sample_rate=48000, n_fft=1024, hop_length=256)
    view = spectrogram_view(wave, cfg, scale, in_db=False)
    k = 40  # a frame well inside the wave (centred frames: frame k starts at k*hop - n/2)
    frame = wave[k * 256 - 512: k * 256 + 512]
    np.testing.assert_allclose(browser_column(plan, frame), view.values[:, k], rtol=2e-3,
                               atol=1e-4)
    assert plan["n_rows"] == view.values.shape[0]


def test_the_chroma_rows_are_librosas_and_a_tone_lands_in_its_pitch_class():
    plan = live.plan(dict(SETTINGS, scale="chroma"))
    t = np.arange(1024) / 48000
    column = browser_column(plan, np.sin(2 * np.pi * 440 * t))
    assert plan["note_names"][int(np.argmax(column))] == "A"


@pytest.mark.parametrize("scale", ["log", "cqt"])
def test_a_tone_is_brightest_in_the_row_of_its_frequency(scale):
    plan = live.plan(dict(SETTINGS, scale=scale))
    t = np.arange(1024) / 48000
    freqs = np.asarray(plan["freqs"])
    for hz in (220.0, 1000.0, 5000.0):
        column = browser_column(plan, np.sin(2 * np.pi * hz * t))
        # within a bin (where rows are finer than bins) or a row's spacing of the tone
        spacing = hz * (freqs[1] / freqs[0] - 1)
        assert abs(freqs[int(np.argmax(column))] - hz) <= max(48000 / 1024, 1.5 * spacing)
    assert np.all(np.diff(plan["freqs"]) > 0)


def test_a_full_scale_sine_is_0_db():
    plan = live.plan(SETTINGS)
    t = np.arange(1024) / 48000
    bin_hz = 48000 / 1024
    peak = browser_column(plan, np.sin(2 * np.pi * 100 * bin_hz * t)).max()
    assert 20 * np.log10(peak / plan["full_scale"]) == pytest.approx(0.0, abs=0.01)


@pytest.mark.parametrize("n_fft", FRAME_SIZES)
def test_every_frame_size_plans_with_the_smallest_hop(n_fft):
    plan = live.plan(dict(SETTINGS, n_fft=n_fft, hop=16, scale="mel"))
    assert len(plan["taper"]) == n_fft and plan["hop"] == 16


@pytest.mark.parametrize("scale", SCALES)
def test_every_scale_plans_rows_ticks_and_256_colours(scale):
    plan = live.plan(dict(SETTINGS, scale=scale, n_fft=4096, sample_rate=8000))
    assert len(plan["freqs"]) == plan["n_rows"] and len(plan["taper"]) == 4096
    assert plan["window"] == "hann" and plan["sample_rate"] == 8000
    assert len(plan["lut"]) == 3 * 256 and all(0 <= r < plan["n_rows"] for r, _ in plan["ticks"])
    if plan["rows"] is not None:
        assert len(plan["rows"]) == plan["n_rows"]
        assert all(0 <= lo and lo + len(w) <= 2049 for lo, *w in plan["rows"])
    json.dumps(plan)  # it travels as JSON


@pytest.mark.parametrize("bad", [
    "a string", {}, dict(SETTINGS, n_fft=1000), dict(SETTINGS, hop=2048),
    dict(SETTINGS, window="kaiser"), dict(SETTINGS, scale="bark"), dict(SETTINGS, cmap="jet"),
    dict(SETTINGS, sample_rate=1e9), dict(SETTINGS, db_range="lots"),
    dict(SETTINGS, sample_rate=None),
])
def test_untrusted_settings_get_a_clear_message(bad):
    with pytest.raises(ValueError, match="live view|must be|Unknown"):
        live.plan(bad)


def test_the_components_value_carries_the_settings_and_the_sound():
    value = json.loads(settings_json("/tmp/x.wav", "128", 256, "hann", "mel", True, 60,
                                     "viridis"))
    assert value["hop"] == 128  # a hop beyond a new frame waits, shortened, for its fit
    assert value["sound"] == "/tmp/x.wav" and value["scale"] == "mel"  # the page asks for it
    assert json.loads(settings_json(None, "512", 256, "hann", "linear", True, 80,
                                    "magma"))["sound"] is None
