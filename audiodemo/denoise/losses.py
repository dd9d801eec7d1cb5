"""Training losses, each returning a dict of its terms with the total under "loss"."""

from __future__ import annotations

import torch

from audiodemo.spectrogram import SpectrogramConfig, amplitude_to_db, istft, normalise_db, stft

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
    """Magnitudes raised to `COMPRESSION`, held above 1e-6 where the slope is infinite."""
    return mag.clamp_min(1e-6).pow(COMPRESSION)


LOSSES = ("l1_si_sdr", "l1", "mse_db")
# earlier spellings, as the training records of shipped checkpoints still hold them
OLD_NAMES = {"l1_sisdr": "l1_si_sdr"}


def denoising_loss(
    estimate: torch.Tensor, noisy_spec: torch.Tensor, clean: torch.Tensor,
    cfg: SpectrogramConfig, loss: str = "l1_si_sdr",
) -> dict[str, torch.Tensor]:
    """Loss of an estimated clean magnitude; every loss reports all three terms.

    Losses: `l1_si_sdr` (ours; `l1_sisdr` in the records of shipped checkpoints) the
    compressed-magnitude L1 minus `SI_SDR_WEIGHT` × SI-SDR of the wave rebuilt with the noisy
    phase; `l1` the compressed L1 alone; `mse_db` the paper's measure, MSE of dB spectrograms
    in the config's fixed [0, 1] scale.

    Args:
        estimate: `(B, F, N)` magnitudes (a mask times the noisy magnitude, or a prediction).
        noisy_spec: complex STFT of the noisy wave, `(B, F, N)`.
        clean: clean waves `(B, T)`.
    """
    loss = OLD_NAMES.get(loss, loss)
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    clean_mag = stft(clean, cfg).abs()
    # x^0.3 has an infinite slope at 0, so magnitudes below 1e-6 are held there
    spectral = (compress(estimate) - compress(clean_mag)).abs().mean()
    wave = istft(torch.polar(estimate, noisy_spec.angle()), cfg, length=clean.shape[-1])
    mean_si_sdr = si_sdr(clean, wave).mean()
    mse = (normalise_db(amplitude_to_db(estimate, cfg.db_floor), cfg)
           - normalise_db(amplitude_to_db(clean_mag, cfg.db_floor), cfg)).pow(2).mean()
    total = {"l1_si_sdr": spectral - SI_SDR_WEIGHT * mean_si_sdr, "l1": spectral,
             "mse_db": mse}[loss]
    return {"loss": total, "spectral": spectral, "si_sdr": mean_si_sdr, "mse_db": mse}


def squeezed(spec: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A complex spectrum compressed (|X|^0.3 with X's phase) and its compressed magnitude."""
    mag = spec.abs().clamp_min(1e-12)
    return spec * mag.pow(COMPRESSION - 1), mag.pow(COMPRESSION)


def compressed_errors(estimate: torch.Tensor, reference: torch.Tensor):
    """Mean squared errors of the compressed spectra (real and imaginary parts, summed) and of
    the compressed magnitudes, of complex `(B, F, N)` spectra."""
    est_c, est_m = squeezed(estimate)
    ref_c, ref_m = squeezed(reference)
    return (est_c - ref_c).abs().pow(2).mean(), (est_m - ref_m).pow(2).mean()


def hybrid_loss(estimate: torch.Tensor, clean_spec: torch.Tensor, clean: torch.Tensor,
                cfg: SpectrogramConfig, weights: tuple[float, float, float] = (30.0, 70.0, 0.1),
                ) -> dict[str, torch.Tensor]:
    """GTCRN's loss of an estimated complex spectrum (Rong et al. 2024): MSE of the
    compressed spectra (|X|^0.3 with X's phase), real and imaginary parts; MSE of the
    compressed magnitudes; minus SI-SDR (dB) of the rebuilt wave, with `weights` in that
    order (the paper's 30, 70, and 1 per tenth of a dB).

    Args:
        estimate, clean_spec: complex `(B, F, N)`; clean: clean waves `(B, T)`.
    """
    ri, mag = compressed_errors(estimate, clean_spec)
    mean_si_sdr = si_sdr(clean, istft(estimate, cfg, length=clean.shape[-1])).mean()
    w_ri, w_mag, w_sdr = weights
    return {"loss": w_ri * ri + w_mag * mag - w_sdr * mean_si_sdr, "ri": ri, "magnitude": mag,
            "si_sdr": mean_si_sdr}


def component_terms(masked_speech: torch.Tensor, masked_noise: torch.Tensor,
                    clean_spec: torch.Tensor, weights: tuple[float, float] = (30.0, 70.0),
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """The two terms of a component loss (Xu, Elshamy and Fingscheidt, "Using separate losses
    for speech and noise in mask-based speech enhancement", ICASSP 2020), in `hybrid_loss`'s
    compressed-spectrum and magnitude errors (`weights` in that order): the mask the noisy mix
    drew applied to the clean speech alone, against the clean speech (the speech it takes
    away), and applied to the noise alone, against silence (the noise it leaves). The loss on
    the mix weighs the two as one error; a term added weighs its side again.

    Args:
        masked_speech, masked_noise, clean_spec: complex `(B, F, N)`.
    """
    speech = compressed_errors(masked_speech, clean_spec)
    noise = compressed_errors(masked_noise, torch.zeros_like(masked_noise))
    return tuple(weights[0] * ri + weights[1] * mag for ri, mag in (speech, noise))
