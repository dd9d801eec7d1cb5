"""A post-filter for a masking denoiser's output: where the model already takes a cell down,
take it down further; where it keeps a cell, keep it.

The idea is PercepNet's (Valin et al., "A perceptually-motivated approach for low-complexity,
real-time enhancement of fullband speech", Interspeech 2020), which DeepFilterNet applies to
its band gains: a gain g in [0, 1] becomes

    g' = (1 + beta) g / (1 + beta / sin(pi g / 2)^2),

so g = 1 stays 1, g = 0.5 barely moves, and small gains fall about as g^3: the residual
noise between words goes, the speech stays. `beta` sets how hard. A cell the model made
louder than the noisy one (gain above 1) is left as it is.
"""

from __future__ import annotations

import math

import torch

EPS = 1e-12


def check_beta(beta: float) -> float:
    """`beta` if it is a finite number of 0 or more, else `ValueError`."""
    if not (math.isfinite(beta) and beta >= 0):
        raise ValueError(f"The post-filter's beta must be a finite number of 0 or more, "
                         f"got {beta}")
    return beta


def post_filter_gain(gain: torch.Tensor, beta: float) -> torch.Tensor:
    """The post-filtered gain for gains in [0, 1] (outside, clamped into it)."""
    check_beta(beta)
    g = gain.clamp(0.0, 1.0)
    s = torch.sin(math.pi / 2 * g).clamp_min(EPS)
    return (1 + beta) * g / (1 + beta / s**2)


def post_filtered(estimate: torch.Tensor, noisy: torch.Tensor, beta: float) -> torch.Tensor:
    """A complex (or magnitude) estimate with its gains over `noisy` post-filtered, its phase
    kept; cells with a gain above 1 unchanged. `beta` 0 returns the estimate itself."""
    if check_beta(beta) == 0:
        return estimate
    gain = estimate.abs() / noisy.abs().clamp_min(EPS)
    scale = post_filter_gain(gain, beta) / gain.clamp_min(EPS)  # 0 where the gain is 0
    return estimate * torch.where(gain >= 1, torch.ones_like(scale), scale)
