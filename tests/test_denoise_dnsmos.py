"""DNSMOS through its wrapper: scores in range, noise lowers BAK, long sounds in windows."""

from __future__ import annotations

import numpy as np
import pytest

from audiodemo.denoise import dnsmos
from tests.test_denoise_peers import _speech

pytestmark = pytest.mark.skipif(not dnsmos.available(),
                                reason="speechmos or onnxruntime is not installed")


def test_noise_lowers_the_background_score_and_every_score_is_from_1_to_5():
    clean = _speech(16000)
    noisy = clean + np.random.default_rng(0).standard_normal(len(clean)).astype(np.float32) * 0.05
    a, b = dnsmos.dnsmos(clean, 16000), dnsmos.dnsmos(noisy, 16000)
    assert set(a) == {"OVRL", "SIG", "BAK"}
    assert all(1 <= v <= 5 for v in [*a.values(), *b.values()])
    assert b["BAK"] < a["BAK"] - 0.5


def test_any_rate_is_scored_and_a_too_short_sound_is_refused():
    wave = _speech(48000)
    assert dnsmos.dnsmos(wave, 48000)["OVRL"] == pytest.approx(
        dnsmos.dnsmos(_speech(16000), 16000)["OVRL"], abs=0.3)
    with pytest.raises(ValueError, match="at least"):
        dnsmos.dnsmos(wave[:1000], 48000)
