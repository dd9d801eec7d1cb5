"""A post-filter for a masking denoiser's output: where the model already takes a cell down,
take it down further; where it keeps a cell, keep it.

The idea is PercepNet's (Valin et al., "A perceptually-motivated approach for low-complexity,
real-time enhancement of fullband speech", Interspeech 2020), which DeepFilterNet applies to
its band gains: a gain g in [0, 1] becomes

    g' = (1 + beta) g / (1 + beta (g / w)^2),   w = g sin(pi g / 2),

so g = 1 stays 1, g = 0.5 barely moves, and small gains fall about as g^3: the residual
noise between words goes, the speech stays. `beta` sets how hard.
"""

from __future__ import annotations

import math

import torch

EPS = 1e-12


def post_filter_gain(gain: torch.Tensor, beta: float) -> torch.Tensor:
    """The post-filtered gain for gains in [0, 1] (outside, clamped into it)."""
    if not beta >= 0:
        raise ValueError(f"The post-filter's beta must be 0 or more, got {beta}")
    g = gain.clamp(0.0, 1.0)
    warped = g * torch.sin(math.pi / 2 * g)
    ratio = torch.where(warped > EPS, g / warped.clamp_min(EPS), torch.full_like(g, 1 / EPS))
    return (1 + beta) * g / (1 + beta * ratio**2)


def post_filtered(estimate: torch.Tensor, noisy: torch.Tensor, beta: float) -> torch.Tensor:
    """A complex (or magnitude) estimate with its gain over `noisy` post-filtered, its phase
    kept. `beta` 0 returns the estimate."""
    if beta == 0:
        return estimate
    gain = estimate.abs() / noisy.abs().clamp_min(EPS)
    scale = post_filter_gain(gain, beta) / gain.clamp_min(EPS)
    return estimate * torch.where(gain > EPS, scale, torch.zeros_like(scale))
