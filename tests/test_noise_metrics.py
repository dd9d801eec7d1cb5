"""Noise at an exact SNR, and the quality figures on cases with known answers."""

from __future__ import annotations

import signal
import subprocess
import sys

import numpy as np
import pytest

from audiodemo.metrics import pesq_nb, quality, si_sdr, stoi
from audiodemo.noise import NOISE_TYPES, add_noise
from tests.conftest import ROOT, tone


def speech_like(seconds=2.0, rate=8000):
    """A voiced, syllable-rate modulated harmonic signal PESQ and STOI accept as speech."""
    t = np.arange(int(seconds * rate)) / rate
    f0 = 120 + 20 * np.sin(2 * np.pi * 0.5 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    voiced = sum(np.sin(k * phase) / k for k in range(1, 15))
    return (0.1 * voiced * (0.55 + 0.45 * np.sin(2 * np.pi * 4 * t))).astype(np.float32)


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


def test_si_sdr_equals_the_snr_of_added_white_noise():
    clean = speech_like()
    noisy = add_noise(clean, "white", 7.0, 8000, np.random.default_rng(0))
    assert si_sdr(clean, noisy) == pytest.approx(7.0, abs=0.1)
    assert si_sdr(clean, 3 * clean) > 100  # scale does not matter


def test_pesq_and_stoi_rank_clean_above_noisy():
    clean = speech_like()
    noisy = add_noise(clean, "white", 0.0, 8000, np.random.default_rng(0))
    assert pesq_nb(clean, clean, 8000) > 4.0 > pesq_nb(clean, noisy, 8000)
    assert stoi(clean, clean, 8000) > 0.99 > stoi(clean, noisy, 8000)


def test_quality_resamples_to_8k_and_trims_to_the_shorter():
    clean = speech_like(2.0, 16000)
    q = quality(clean, np.concatenate([clean, np.zeros(50, np.float32)]), 16000)
    assert q["SI-SDR"] > 100 and q["PESQ"] > 4.0 and q["STOI"] > 0.99


def tone_bursts(seconds: float, rate: int = 8000) -> np.ndarray:
    """Harmonic tone bursts twice a second: 30 s of them crash PESQ's C code (60 utterances)."""
    t = np.arange(int(seconds * rate)) / rate
    phase = 2 * np.pi * np.cumsum(150 + 50 * np.sin(np.pi * t)) / rate
    wave = sum(np.sin(k * phase) / k for k in range(1, 12)) * (np.sin(4 * np.pi * t) > 0)
    return 0.1 * wave / np.abs(wave).max()


CRASH = """
import numpy as np
from pesq import pesq
from tests.test_noise_metrics import tone_bursts
bursts = tone_bursts(30.0)
pesq(8000, bursts, bursts + 0.05 * np.random.default_rng(1234).standard_normal(len(bursts)), "nb")
"""


def test_a_signal_that_crashes_pesq_scores_nan_and_the_next_one_is_scored(rng):
    bursts = tone_bursts(30.0)
    noisy = bursts + 0.05 * rng.standard_normal(len(bursts))
    crashed = subprocess.run([sys.executable, "-c", CRASH], cwd=ROOT, capture_output=True)
    assert crashed.returncode == -signal.SIGSEGV  # what PESQ itself does with this signal
    assert np.isnan(pesq_nb(bursts, noisy, 8000))  # here only its worker died
    short = bursts[:8000 * 5]
    assert 1.0 <= pesq_nb(short, noisy[: len(short)], 8000) <= 4.6
