"""Model inputs from noisy magnitudes, and clean magnitudes from model outputs.

Two front ends, named in a checkpoint's `preprocessing["features"]`:

- `minmax_db` (the paper's): |STFT| in dB, each clip scaled to [0, 1] by its own min and max.
  The model predicts the clean spectrogram in the same scale. The statistics come from the
  *noisy* clip, the only one known at inference, and are returned to the caller (never
  stored by file name, the tutorial's defect), so any new audio maps back to magnitudes.
  The minimum is the clip's own, bounded only by `db_floor`, as the paper's checkpoints were
  trained: no `top_db` bound as in librosa. Half their training clips span more than 80 dB
  (the lowest cell of white noise lies 35-85 dB below its median), so bounding the range at
  80 dB rescales inputs they knew (VAE SI-SDR at 20 dB SNR: -0.3 -> -6.7 dB), and it does not
  help where the minimum comes from an empty band (8 kHz audio at 22.05 kHz): the decoders
  fill that band either way. `Denoiser` caps their estimate at the noisy magnitude instead.
- `mask` (ours): |STFT| in dB scaled by the fixed range of the `SpectrogramConfig`; the model
  predicts a mask in [0, 1] that multiplies the noisy magnitude.
- `fixed_db`: the same input; the model predicts the clean dB spectrogram in the same fixed
  scale (a magnitude, not a mask: the ablation behind our choice of a mask).

Shapes: magnitudes `(B, F, N)`, model tensors `(B, 1, F, N)`.
"""

from __future__ import annotations

import torch

from audiodemo.spectrogram import (
    SpectrogramConfig,
    amplitude_to_db,
    db_to_amplitude,
    denormalise_db,
    normalise_db,
)

FEATURES = ("minmax_db", "mask", "fixed_db")


def model_input(noisy_mag: torch.Tensor, cfg: SpectrogramConfig, features: str):
    """Model input `(B, 1, F, N)` and the per-clip statistics `(B, 2)` (min, max dB)."""
    db = amplitude_to_db(noisy_mag, cfg.db_floor)  # (B, F, N)
    if features in ("mask", "fixed_db"):
        return normalise_db(db, cfg).unsqueeze(1), None
    if features != "minmax_db":
        raise ValueError(f"features must be one of {FEATURES}, got {features!r}")
    lo = db.amin(dim=(-2, -1), keepdim=True)
    hi = db.amax(dim=(-2, -1), keepdim=True)
    span = (hi - lo).clamp_min(1e-6)
    stats = torch.cat([lo, hi], dim=-1)[:, 0]  # (B, 2)
    return ((db - lo) / span).unsqueeze(1), stats


def clean_target(
    clean_mag: torch.Tensor, noisy_mag: torch.Tensor, cfg: SpectrogramConfig, features: str,
    stats: torch.Tensor | None,
) -> torch.Tensor:
    """What the model should output for this pair, `(B, 1, F, N)`."""
    db = amplitude_to_db(clean_mag, cfg.db_floor)
    if features == "fixed_db":
        return normalise_db(db, cfg).unsqueeze(1)
    if features == "minmax_db":
        lo, hi = stats[:, :1, None], stats[:, 1:, None]  # (B, 1, 1)
        return ((db - lo) / (hi - lo).clamp_min(1e-6)).clamp(0, 1).unsqueeze(1)
    mask = clean_mag / noisy_mag.clamp_min(1e-8)  # ideal ratio mask, capped at 1
    return mask.clamp(0, 1).unsqueeze(1)


def output_magnitude(
    output: torch.Tensor, noisy_mag: torch.Tensor, features: str, stats: torch.Tensor | None,
    cfg: SpectrogramConfig | None = None,
) -> torch.Tensor:
    """The clean magnitude `(B, F, N)` a model output stands for (`cfg` for `fixed_db`)."""
    out = output[:, 0]
    if features == "mask":
        return out * noisy_mag
    if features == "fixed_db":
        return db_to_amplitude(denormalise_db(out, cfg))
    lo, hi = stats[:, :1, None], stats[:, 1:, None]
    return db_to_amplitude(out * (hi - lo) + lo)
