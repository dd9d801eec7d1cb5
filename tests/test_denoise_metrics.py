"""The quality scores on cases with known answers, and PESQ that cannot crash its caller."""

from __future__ import annotations

import signal
import subprocess
import sys

import numpy as np
import pytest

from audiodemo.denoise.metrics import (
    pesq_nb,
    quality,
    quality_before_and_after,
    resampled,
    si_sdr,
    stoi,
)
from audiodemo.denoise.noise import add_noise
from tests.conftest import ROOT, speech_like


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


def test_before_and_after_are_scored_at_8k_each_from_its_own_rate():
    clean = speech_like(2.0, 16000)
    noisy = add_noise(clean, "white", 5.0, 16000, np.random.default_rng(0))
    denoised = resampled(clean, 16000, 8000)
    before, after = quality_before_and_after(clean, noisy, denoised, 16000, 8000)
    assert before == quality(resampled(clean, 16000), resampled(noisy, 16000), 8000)
    assert after["SI-SDR"] > 100 > before["SI-SDR"] and after["PESQ"] > before["PESQ"]


def tone_bursts(seconds: float, rate: int = 8000) -> np.ndarray:
    """Harmonic tone bursts twice a second: 30 s of them crash PESQ's C code (60 utterances)."""
    t = np.arange(int(seconds * rate)) / rate
    phase = 2 * np.pi * np.cumsum(150 + 50 * np.sin(np.pi * t)) / rate
    wave = sum(np.sin(k * phase) / k for k in range(1, 12)) * (np.sin(4 * np.pi * t) > 0)
    return 0.1 * wave / np.abs(wave).max()


CRASH = """
import numpy as np
from pesq import pesq
from tests.test_denoise_metrics import tone_bursts
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


def test_wideband_scores_are_taken_at_16_khz_and_fall_with_noise():
    from audiodemo.audio import load_audio
    from audiodemo.denoise.metrics import wideband_quality
    from audiodemo.ui.common import example

    clean = load_audio(example("digits_31415_theo.wav"), 48000)[0]
    noisy = clean + np.random.default_rng(0).standard_normal(len(clean)).astype(np.float32) * 0.02
    same, worse = wideband_quality(clean, clean, 48000), wideband_quality(clean, noisy, 48000)
    assert same["PESQ-WB"] > 4.5 and same["STOI"] > 0.99 and same["SI-SDR"] > 60
    assert 1 <= worse["PESQ-WB"] < 3 and worse["STOI"] < same["STOI"]
