"""Display views: scales, dB, pooling, resolution text."""

from __future__ import annotations

import numpy as np
import pytest

from audiodemo.spectrogram import SpectrogramConfig
from audiodemo.view import pool, resolution_text, spectrogram_view
from tests.conftest import tone

CFG = SpectrogramConfig(sample_rate=22050, n_fft=1024, hop_length=256)


@pytest.mark.parametrize("scale,rows", [("linear", 513), ("log", 513), ("mel", 128)])
def test_view_shapes_follow_the_scale(scale, rows):
    view = spectrogram_view(tone(1000, 1.0), CFG, scale)
    assert view.values.shape == (rows, 1 + 22050 // 256)
    assert view.freqs.shape == (rows,) and view.times.shape == (view.values.shape[1],)
    assert np.all(np.diff(view.freqs) > 0)


def test_a_tone_peaks_at_its_frequency_in_every_scale():
    for scale in ["linear", "mel"]:
        view = spectrogram_view(tone(1000, 1.0), CFG, scale)
        peak_hz = view.freqs[view.values.mean(axis=1).argmax()]
        assert peak_hz == pytest.approx(1000, rel=0.05)


def test_db_view_is_relative_to_the_peak_and_floored():
    view = spectrogram_view(tone(1000, 1.0), CFG, in_db=True, db_range=60)
    assert view.values.max() == pytest.approx(0.0, abs=1e-4)
    assert view.values.min() >= -60.0 - 1e-4


def test_linear_view_is_the_magnitude():
    centred = 46 * CFG.bin_hz  # on a bin, so no scalloping loss
    view = spectrogram_view(tone(centred, 1.0), CFG, in_db=False)
    # a half-scale sine under a Hann window of n_fft peaks at 0.5 * sum(window) / 2
    assert view.values.max() == pytest.approx(0.5 * 1024 / 4, rel=0.01)


def test_silence_gives_a_finite_view():
    view = spectrogram_view(np.zeros(4000, np.float32), CFG)
    assert np.isfinite(view.values).all()


def test_pool_bounds_the_size_and_keeps_the_peak(rng):
    x = rng.standard_normal(22050 * 20).astype(np.float32) * 0.01
    x[100000] = 1.0  # a click
    view = spectrogram_view(x, CFG.with_(hop_length=64))
    small = pool(view, max_frames=300, max_rows=100)
    assert small.values.shape[0] <= 100 and small.values.shape[1] <= 300
    assert small.values.shape == (len(small.freqs), len(small.times))
    assert small.values.max() == pytest.approx(view.values.max())
    # the click keeps its time: the pooled column holding the peak is centred on it
    column = int(np.argmax(small.values.max(axis=0)))
    t_step = small.times[1] - small.times[0]
    assert abs(small.times[column] - 100000 / 22050) <= t_step / 2 + 64 / 22050
    assert small.times[0] == pytest.approx(view.times[: len(view.times) // 300 + 1].mean())


def test_unknown_scale_is_refused():
    with pytest.raises(ValueError, match="'bark'"):
        spectrogram_view(tone(), CFG, scale="bark")


def test_resolution_text_states_delta_t_and_delta_f():
    text = resolution_text(SpectrogramConfig(sample_rate=8000, n_fft=256, hop_length=64))
    assert "Δt = 8.0 ms" in text and "Δf = 31.2 Hz" in text and "75 % overlap" in text
