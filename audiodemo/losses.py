"""Training losses, each returning a dict of its terms with the total under "loss"."""

from __future__ import annotations

import torch

from audiodemo.spectrogram import SpectrogramConfig, istft, stft

COMPRESSION = 0.3  # magnitudes^0.3 weigh quiet speech more than plain MSE does
SI_SDR_WEIGHT = 0.05  # per dB


def si_sdr(reference: torch.Tensor, estimate: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """SI-SDR in dB per row of `(B, T)` waves."""
    reference = reference - reference.mean(-1, keepdim=True)
    estimate = estimate - estimate.mean(-1, keepdim=True)
    scale = (estimate * reference).sum(-1, keepdim=True) / (reference.pow(2).sum(-1, keepdim=True)
                                                            + eps)
    target = scale * reference
    ratio = target.pow(2).sum(-1) / ((estimate - target).pow(2).sum(-1) + eps)
    return 10 * torch.log10(ratio + eps)


def compress(mag: torch.Tensor) -> torch.Tensor:
    return mag.clamp_min(1e-6).pow(COMPRESSION)


def mask_loss(
    mask: torch.Tensor, noisy_spec: torch.Tensor, clean: torch.Tensor, cfg: SpectrogramConfig
) -> dict[str, torch.Tensor]:
    """Compressed-magnitude L1 plus negative SI-SDR of the wave rebuilt with the noisy phase.

    Args:
        mask: `(B, 1, F, N)` in [0, 1].
        noisy_spec: complex STFT of the noisy wave, `(B, F, N)`.
        clean: clean waves `(B, T)`.
    """
    estimate = mask[:, 0] * noisy_spec.abs()  # (B, F, N) magnitude, real: no |0| gradient
    clean_mag = stft(clean, cfg).abs()
    # x^0.3 has an infinite slope at 0, so magnitudes below 1e-6 are held there
    spectral = (compress(estimate) - compress(clean_mag)).abs().mean()
    wave = istft(torch.polar(estimate, noisy_spec.angle()), cfg, length=clean.shape[-1])
    sdr = si_sdr(clean, wave).mean()
    return {"loss": spectral - SI_SDR_WEIGHT * sdr, "spectral": spectral, "si_sdr": sdr}
