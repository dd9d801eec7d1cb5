"""Scores of a denoiser on FSDD test digits: the paper's spectrogram MSE and SI-SDR.

Both put white noise at a given SNR on single test takes (0-4) at the model's own rate,
with one fixed seed per recording, so every model meets the same noisy inputs.
- `paper_mse`: the paper's measure, the MSE between the model's output and the clean clip's
  spectrogram, both scaled to [0, 1] by the noisy clip's dB range, on 0.55 s clips;
- `si_sdr`: the scale-invariant SDR (dB) of the denoised wave of each whole digit.
"""

from __future__ import annotations

import numpy as np
import torch

from audiodemo import fsdd
from audiodemo.denoise import metrics
from audiodemo.denoise.denoiser import Denoiser
from audiodemo.denoise.features import clean_target, model_input
from audiodemo.denoise.noise import add_noise
from audiodemo.spectrogram import stft


def test_takes(recordings: list[fsdd.Recording], count: int | None = None):
    """The official test takes; with `count`, a fixed sample of them spread over speakers
    and digits (in the same order)."""
    tests = [r for r in recordings if r.take in fsdd.TEST_TAKES]
    if count is None or count >= len(tests):
        return tests
    return [tests[i] for i in sorted(np.random.default_rng(0).permutation(len(tests))[:count])]


def paper_mse(denoiser: Denoiser, recordings, snr: float) -> float:
    """The paper's measure: MSE of [0, 1]-scaled spectrograms of 0.55 s test digits."""
    cfg = denoiser.checkpoint.spectrogram
    n = int(denoiser.checkpoint.preprocessing["clip_seconds"] * cfg.sample_rate)
    errors = []
    for i, wave in enumerate(fsdd.load_waves(recordings, cfg.sample_rate)):
        clean = np.pad(wave[:n], (0, max(0, n - len(wave))))
        noisy = add_noise(clean, "white", snr, cfg.sample_rate, np.random.default_rng(i))
        noisy_mag = stft(torch.from_numpy(noisy), cfg).abs()[None]
        x, stats = model_input(noisy_mag, cfg, "minmax_db")
        target = clean_target(stft(torch.from_numpy(clean), cfg).abs()[None], noisy_mag, cfg,
                              "minmax_db", stats)
        with torch.no_grad():
            errors.append(float(torch.mean((denoiser.checkpoint.model(x)[0] - target) ** 2)))
    return float(np.mean(errors))


def si_sdr(denoiser: Denoiser, recordings, snr: float) -> float:
    """Mean SI-SDR (dB) of whole denoised test digits at the model's rate (noisy phase)."""
    rate = denoiser.sample_rate
    scores = []
    for i, clean in enumerate(fsdd.load_waves(recordings, rate)):
        noisy = add_noise(clean, "white", snr, rate, np.random.default_rng(i))
        scores.append(metrics.si_sdr(clean, denoiser(noisy, rate)))
    return float(np.mean(scores))


