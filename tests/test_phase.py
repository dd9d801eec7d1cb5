"""Reconstruction from magnitude: given phase, Griffin-Lim plain and fast, and both in turn."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from audiodemo.phase import (
    METHODS,
    griffin_lim,
    griffin_lim_each_method,
    reconstruct,
    spectral_convergence,
)
from audiodemo.spectrogram import SpectrogramConfig, stft

CFG = SpectrogramConfig(sample_rate=8000, n_fft=256, hop_length=64)


def speechlike(rng, seconds=1.0, sample_rate=8000) -> torch.Tensor:
    """Harmonics with a wandering pitch plus a little noise: hard enough for Griffin-Lim."""
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    f0 = 140 + 40 * np.sin(2 * np.pi * 2 * t)
    phase = 2 * np.pi * np.cumsum(f0) / sample_rate
    x = sum(np.sin(k * phase) / k for k in range(1, 8)) * np.hanning(len(t))
    x += 0.01 * rng.standard_normal(len(t))
    return torch.from_numpy((0.3 * x).astype(np.float32))


def test_reconstruct_with_the_true_phase_returns_the_signal(rng):
    x = speechlike(rng)
    spec = stft(x, CFG)
    y = reconstruct(spec.abs(), spec.angle(), CFG, length=len(x))
    torch.testing.assert_close(y, x, atol=1e-5, rtol=0)


@pytest.mark.parametrize("method", ["fast", "plain"])
def test_griffin_lim_returns_the_requested_length(method, rng):
    for length in rng.integers(500, 5000, size=3):
        x = speechlike(rng)[:length]
        result = griffin_lim(stft(x, CFG).abs(), CFG, n_iter=3, method=method, length=int(length))
        assert result.wave.shape == (length,)
        assert len(result.convergence) == 4  # the start, then after each iteration


def test_the_last_convergence_is_that_of_the_returned_wave(rng):
    x = speechlike(rng)
    mag = stft(x, CFG).abs()
    for n_iter in (0, 1, 7):
        result = griffin_lim(mag, CFG, n_iter=n_iter, length=len(x),
                             generator=torch.Generator().manual_seed(3))
        assert len(result.convergence) == n_iter + 1
        assert result.convergence[-1] == pytest.approx(
            spectral_convergence(mag, stft(result.wave, CFG).abs()), rel=1e-5)


@pytest.mark.parametrize("method", ["fast", "plain"])
def test_griffin_lim_lowers_spectral_convergence(method, rng):
    mag = stft(speechlike(rng), CFG).abs()
    gen = torch.Generator().manual_seed(0)
    curve = griffin_lim(mag, CFG, n_iter=60, method=method, generator=gen).convergence
    assert curve[-1] < 0.5 * curve[0]
    assert curve[-1] < curve[9] < curve[0]


def test_fast_griffin_lim_converges_faster_than_plain(rng):
    mag = stft(speechlike(rng), CFG).abs()
    final = {
        method: griffin_lim(mag, CFG, n_iter=40, method=method,
                            generator=torch.Generator().manual_seed(0)).convergence[-1]
        for method in ["fast", "plain"]
    }
    assert final["fast"] < 0.8 * final["plain"]


def test_starting_from_the_true_phase_keeps_it(rng):
    x = speechlike(rng)
    spec = stft(x, CFG)
    result = griffin_lim(spec.abs(), CFG, n_iter=5, init_phase=spec.angle(), length=len(x))
    assert max(result.convergence) < 1e-3
    torch.testing.assert_close(result.wave, x, atol=1e-3, rtol=0)


def test_a_seeded_random_start_is_reproducible(rng):
    mag = stft(speechlike(rng), CFG).abs()
    a, b = (griffin_lim(mag, CFG, n_iter=4, generator=torch.Generator().manual_seed(7))
            for _ in range(2))
    torch.testing.assert_close(a.wave, b.wave)


def test_spectral_convergence_is_zero_for_equal_and_one_for_silence():
    mag = torch.rand(33, 10) + 0.1
    assert spectral_convergence(mag, mag) == 0.0
    assert spectral_convergence(mag, torch.zeros_like(mag)) == pytest.approx(1.0)


def test_griffin_lim_rejects_an_unknown_method():
    with pytest.raises(ValueError, match="'slow'"):
        griffin_lim(torch.ones(129, 5), CFG, method="slow")


def test_each_method_rebuilds_in_turn_from_the_same_start_counting_its_iterations(rng):
    x = speechlike(rng)[:3000]
    steps = list(griffin_lim_each_method(x.numpy(), CFG, 3, seed=5))
    assert [(s.method, s.iteration, s.done) for s in steps] == [
        (m, k, 3 * i + k) for i, m in enumerate(METHODS) for k in (1, 2, 3, 3)]
    results = steps[-1].results
    assert list(results) == list(METHODS)
    for method, result in results.items():
        alone = griffin_lim(stft(x, CFG).abs(), CFG, n_iter=3, method=method, length=len(x),
                            generator=torch.Generator().manual_seed(5))
        torch.testing.assert_close(result.wave, alone.wave)
        assert result.convergence == alone.convergence and result.wave.shape == x.shape


def test_no_iterations_give_each_method_its_starting_phase_at_once(rng):
    steps = list(griffin_lim_each_method(speechlike(rng), CFG, 0))
    assert [(s.method, s.done) for s in steps] == [(m, 0) for m in METHODS]
    assert all(len(r.convergence) == 1 for r in steps[-1].results.values())
