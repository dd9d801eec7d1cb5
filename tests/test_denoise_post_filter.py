"""The post-filter: kept cells stay, taken-down cells go further, phase untouched."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from audiodemo.denoise.denoiser import Denoiser, load_denoiser
from audiodemo.denoise.post_filter import post_filter_gain, post_filtered


def test_a_kept_cell_stays_and_small_gains_fall_further():
    g = torch.linspace(0, 1, 101)
    pf = post_filter_gain(g, 0.05)
    assert pf[-1] == pytest.approx(1.0) and pf[0] == 0
    assert (pf <= g + 1e-7).all()  # never louder than the model's own gain
    assert (pf[1:] > pf[:-1]).all()  # a louder cell stays louder
    # 0.5 barely moves, 0.1 loses about two thirds (0.035)
    assert pf[50] / g[50] > 0.9 and 0.25 < pf[10] / g[10] < 0.45
    # a harder beta takes more
    assert (post_filter_gain(g[1:-1], 0.1) < post_filter_gain(g[1:-1], 0.02)).all()


def test_beta_zero_is_the_identity_and_a_bad_beta_is_refused():
    g = torch.rand(50)
    torch.testing.assert_close(post_filter_gain(g, 0.0), g)
    for bad in (-0.1, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="beta"):
            post_filter_gain(g, bad)


def test_the_estimate_keeps_its_phase_and_loses_only_level():
    gen = torch.Generator().manual_seed(0)
    noisy = torch.randn(64, 20, generator=gen, dtype=torch.complex64)
    mask = torch.rand(64, 20, generator=gen) * torch.exp(1j * torch.rand(64, 20, generator=gen))
    estimate = noisy * mask
    out = post_filtered(estimate, noisy, 0.05)
    assert torch.allclose(torch.angle(out), torch.angle(estimate), atol=1e-4)
    assert (out.abs() <= estimate.abs() + 1e-6).all()
    assert post_filtered(estimate, noisy, 0.0) is estimate


def test_a_cell_louder_than_the_noisy_one_and_a_silent_one_are_left_alone():
    noisy = torch.tensor([1.0, 1.0, 0.0, 1.0], dtype=torch.complex64)
    estimate = torch.tensor([2.0, 1.0, 0.0, 0.0], dtype=torch.complex64)
    out = post_filtered(estimate, noisy, 0.1)
    torch.testing.assert_close(out, estimate)  # above 1, at 1, silent, and taken to 0
    assert torch.isfinite(out).all()


def test_the_denoiser_post_filters_ours_and_takes_more_noise_away():
    ours = load_denoiser("ours_wideband")
    rng = np.random.default_rng(0)
    t = np.arange(16000) / 16000
    tone = 0.3 * np.sin(2 * np.pi * 220 * t) * (t < 0.5)  # sound, then only noise
    noisy = (tone + 0.03 * rng.standard_normal(t.size)).astype(np.float32)
    plain = Denoiser(ours.checkpoint, post_filter_beta=0.0)(noisy, 16000)
    harder = Denoiser(ours.checkpoint, post_filter_beta=0.1)(noisy, 16000)
    quiet = slice(10000, 16000)  # the noise alone
    assert np.sqrt(np.mean(harder[quiet] ** 2)) < np.sqrt(np.mean(plain[quiet] ** 2))
    loud = slice(1000, 7000)
    assert np.sqrt(np.mean(harder[loud] ** 2)) == pytest.approx(
        np.sqrt(np.mean(plain[loud] ** 2)), rel=0.1)
    with pytest.raises(ValueError, match="beta"):
        Denoiser(ours.checkpoint, post_filter_beta=-1)
    with pytest.raises(ValueError, match="complex-mask"):  # a magnitude model has no such gain
        Denoiser(load_denoiser("ours").checkpoint, post_filter_beta=0.1)
