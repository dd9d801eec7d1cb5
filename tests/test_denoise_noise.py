"""Noise at an exact SNR, reproducible from its seed, mixed as a recording could hold it."""

from __future__ import annotations

import numpy as np
import pytest

from audiodemo.denoise.noise import NOISE_TYPES, add_noise, mix
from tests.conftest import speech_like, tone


@pytest.mark.parametrize("noise_type", NOISE_TYPES)
@pytest.mark.parametrize("snr", [-5.0, 0.0, 12.5])
def test_noise_is_added_at_exactly_the_requested_snr(noise_type, snr):
    clean = tone(300, 1.0, 8000)
    talkers = [speech_like(1.0)]
    noisy = add_noise(clean, noise_type, snr, 8000, np.random.default_rng(0), talkers)
    noise = noisy - clean
    measured = 10 * np.log10(np.mean(clean**2) / np.mean(noise**2))
    assert measured == pytest.approx(snr, abs=0.01)


def test_noise_is_reproducible_from_its_seed():
    a, b, c = (add_noise(tone(), "pink", 5, 22050, np.random.default_rng(s)) for s in (1, 1, 2))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_noise_on_silence_and_bad_types_are_refused():
    with pytest.raises(ValueError, match="silent"):
        add_noise(np.zeros(100, np.float32), "white", 5, 8000, np.random.default_rng(0))
    with pytest.raises(ValueError, match="'purple'"):
        add_noise(tone(), "purple", 5, 8000, np.random.default_rng(0))


def snr_of(clean: np.ndarray, noisy: np.ndarray) -> float:
    return 10 * np.log10(np.mean(clean.astype(float) ** 2) / np.mean((noisy - clean) ** 2))


def test_a_mix_past_full_scale_is_turned_down_with_its_speech_and_keeps_its_snr():
    clean = 1.9 * tone(200, 1.0, 8000)  # a sine peaking at 0.95
    noisy, speech, down = mix(clean, "white", -5.0, 8000, np.random.default_rng(0))
    assert down > 0 and np.abs(noisy).max() == pytest.approx(0.99)
    np.testing.assert_allclose(speech, clean * 10 ** (-down / 20), rtol=1e-6)
    assert snr_of(speech, noisy) == pytest.approx(-5.0, abs=0.01)


def test_a_mix_within_full_scale_is_the_added_noise_untouched():
    clean = tone(300, 1.0, 8000)
    noisy, speech, down = mix(clean, "pink", 20.0, 8000, np.random.default_rng(3))
    assert down == 0.0 and speech is clean
    assert np.array_equal(noisy, add_noise(clean, "pink", 20.0, 8000, np.random.default_rng(3)))
