"""Speech quality scores: SI-SDR, PESQ (narrow-band) and STOI, on numpy waves.

SI-SDR (Le Roux et al. 2019) is scale-invariant signal-to-distortion ratio in dB; PESQ
(ITU-T P.862, narrow-band mode, at 8 kHz) approximates a listening score from 1 to 4.5;
STOI (Taal et al. 2011) predicts intelligibility from 0 to 1. PESQ and STOI are computed at
8 kHz, resampling when needed, so scores compare across models whatever their own rate.
`wideband_quality` scores the same at 16 kHz, with wide-band PESQ (P.862.2, 1 to 4.64).
"""

from __future__ import annotations

import librosa
import numpy as np

from audiodemo.denoise.pesq_process import pesq_score

METRIC_RATE = 8000
WIDE_RATE = 16000


def si_sdr(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Scale-invariant SDR in dB of `estimate` against `reference` (same length)."""
    reference = reference.astype(np.float64) - reference.mean()
    estimate = estimate.astype(np.float64) - estimate.mean()
    energy = np.dot(reference, reference)
    if energy == 0:
        raise ValueError("SI-SDR needs a reference that is not silent")
    target = np.dot(estimate, reference) / energy * reference
    distortion = estimate - target
    return float(10 * np.log10(np.dot(target, target) / max(np.dot(distortion, distortion),
                                                                1e-20)))


def pesq_nb(reference: np.ndarray, estimate: np.ndarray, sample_rate: int) -> float:
    """Narrow-band PESQ at 8 kHz; NaN when PESQ finds no speech or cannot score the signal
    (computed in a child process, which its C code may crash: `pesq_process`)."""
    ref, est = _at_metric_rate(reference, estimate, sample_rate)
    return pesq_score(METRIC_RATE, ref, est, "nb")


def stoi(reference: np.ndarray, estimate: np.ndarray, sample_rate: int) -> float:
    """Short-time objective intelligibility (0 to 1)."""
    from pystoi import stoi as _stoi

    ref, est = _at_metric_rate(reference, estimate, sample_rate)
    return float(_stoi(ref, est, METRIC_RATE, extended=False))


def quality(reference: np.ndarray, estimate: np.ndarray, sample_rate: int) -> dict[str, float]:
    """All three scores, as `{"SI-SDR": dB, "PESQ": score, "STOI": score}`."""
    n = min(len(reference), len(estimate))
    reference, estimate = reference[:n], estimate[:n]
    return {
        "SI-SDR": si_sdr(reference, estimate),
        "PESQ": pesq_nb(reference, estimate, sample_rate),
        "STOI": stoi(reference, estimate, sample_rate),
    }


def quality_before_and_after(
    clean: np.ndarray, noisy: np.ndarray, denoised: np.ndarray, mix_rate: int,
    denoised_rate: int,
) -> tuple[dict[str, float], dict[str, float]]:
    """`quality` of the noisy input and of the denoised output against the clean speech, all
    at `METRIC_RATE`: `clean` and `noisy` at `mix_rate`, `denoised` at `denoised_rate`."""
    reference = resampled(clean, mix_rate)
    return (quality(reference, resampled(noisy, mix_rate), METRIC_RATE),
            quality(reference, resampled(denoised, denoised_rate), METRIC_RATE))


def resampled(wave: np.ndarray, sample_rate: int, target: int = METRIC_RATE) -> np.ndarray:
    """`wave` at `target` (itself where the rates agree)."""
    if sample_rate == target:
        return wave
    return librosa.resample(wave, orig_sr=sample_rate, target_sr=target)


def _at_metric_rate(reference, estimate, sample_rate, target: int = METRIC_RATE):
    n = min(len(reference), len(estimate))
    return [resampled(np.asarray(x[:n], dtype=np.float64), sample_rate, target)
            for x in (reference, estimate)]


def wideband_quality(reference: np.ndarray, estimate: np.ndarray,
                     sample_rate: int) -> dict[str, float]:
    """SI-SDR, wide-band PESQ and STOI at `WIDE_RATE`: `{"SI-SDR", "PESQ-WB", "STOI"}`."""
    from pystoi import stoi as _stoi

    ref, est = _at_metric_rate(reference, estimate, sample_rate, WIDE_RATE)
    return {"SI-SDR": si_sdr(ref, est), "PESQ-WB": pesq_score(WIDE_RATE, ref, est, "wb"),
            "STOI": float(_stoi(ref, est, WIDE_RATE, extended=False))}
