"""Noise at an exact SNR, reproducible from its seed."""

from __future__ import annotations

import numpy as np
import pytest

from audiodemo.denoise.noise import NOISE_TYPES, add_noise
from tests.conftest import speech_like, tone


@pytest.mark.parametrize("kind", NOISE_TYPES)
@pytest.mark.parametrize("snr", [-5.0, 0.0, 12.5])
def test_noise_is_added_at_exactly_the_requested_snr(kind, snr):
    clean = tone(300, 1.0, 8000)
    talkers = [speech_like(1.0)]
    noisy = add_noise(clean, kind, snr, 8000, np.random.default_rng(0), talkers)
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
