"""DeepFilterNet3 and RNNoise through their wrappers: aligned, same length and rate, and
cleaner than their input (skipped, saying why, where a package is absent)."""

from __future__ import annotations

import numpy as np
import pytest

from audiodemo.audio import load_audio
from audiodemo.denoise import peers
from audiodemo.denoise.metrics import si_sdr
from audiodemo.ui.common import example


def _speech(rate: int):
    """Five spoken digits (a bundled FSDD recording, 8 kHz), at `rate`."""
    return load_audio(example("digits_31415_theo.wav"), rate)[0]


@pytest.mark.parametrize("name", ["deepfilternet3", "rnnoise"])
@pytest.mark.parametrize("rate", [16000, 48000])
def test_a_peer_returns_the_input_rate_and_length_cleaner(name, rate):
    if not peers.available()[name]:
        pytest.skip(f"{name}'s package is not installed (requirements-dev.txt installs it)")
    clean = _speech(rate)
    noisy = clean + np.random.default_rng(0).standard_normal(len(clean)).astype(np.float32) * 0.02
    out = getattr(peers, name)(noisy, rate)
    assert out.shape == noisy.shape and out.dtype == np.float32
    assert si_sdr(clean, out) > si_sdr(clean, noisy) + 3  # aligned: a delay would ruin it
