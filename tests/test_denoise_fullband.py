"""A recording comes back at its own rate, length and channels, its band above the model's
joined seamlessly and given the gain the model gave the top of its own band."""

from __future__ import annotations

import numpy as np
import pytest

from audiodemo.denoise.denoiser import load_denoiser
from audiodemo.denoise.fullband import carried_gain, denoise_recording


@pytest.fixture(scope="module")
def ours():
    return load_denoiser("ours")  # 8 kHz: every rate above it has a band above the model's


@pytest.mark.parametrize("name", ["ours_wideband", "ours", "paper_dcae"])
@pytest.mark.parametrize(("rate", "channels"), [(8000, 1), (11025, 2), (16000, 1),
                                                (22050, 3), (44100, 2), (48000, 1)])
def test_any_rate_and_channel_count_comes_back_the_same(name, rate, channels):
    rng = np.random.default_rng(rate + channels)
    n = int(rng.integers(rate // 3, 2 * rate))  # any length, not a whole number of frames
    wave = rng.standard_normal((n, channels)).astype(np.float32) * 0.05
    out = denoise_recording(load_denoiser(name), wave[:, 0] if channels == 1 else wave, rate)
    assert out.shape == ((n,) if channels == 1 else (n, channels)) and out.dtype == np.float32
    assert np.isfinite(out).all() and np.abs(out).max() > 0


def test_at_strength_0_the_whole_band_comes_back_as_it_was(ours):
    rng = np.random.default_rng(1)
    wave = rng.standard_normal(48000).astype(np.float32) * 0.05
    out = denoise_recording(ours, wave, 48000, strength=0.0)
    inner = slice(2048, -2048)  # the edges of the resamplers and frames aside
    error = np.sum((out[inner] - wave[inner]) ** 2) / np.sum(wave[inner] ** 2)
    assert 10 * np.log10(error) < -20  # the two bands join without a gap or a double


def test_the_band_above_follows_the_gain_at_the_top_of_the_models_band():
    rate = 8000
    t = np.arange(rate) / rate
    noisy = np.sin(2 * np.pi * 3500 * t)
    quieter = noisy * np.where(t < 0.5, 1.0, 0.1)  # the model took 20 dB off the second half
    times, gain = carried_gain(noisy, quieter, rate)
    assert np.all(gain[(times > 0.1) & (times < 0.4)] > 0.95)
    assert np.all(np.abs(gain[(times > 0.6) & (times < 0.9)] - 0.1) < 0.02)


def test_stereo_channels_are_denoised_apart(ours):
    wave = np.random.default_rng(2).standard_normal((16000, 2)).astype(np.float32) * 0.05
    wave[:, 1] = 0
    out = denoise_recording(ours, wave, 16000)
    assert np.abs(out[:, 1]).max() < 1e-4 < np.abs(out[:, 0]).max()
