"""A recording back at its own rate and channels: a denoiser's band, and the band above it.

A model works at its rate (16 kHz: 0-8 kHz; the paper's 22.05 kHz; the old ours 8 kHz). A
recording at 48 kHz has more: the band above the model's Nyquist is neither dropped nor
passed as it is. Each frame of it gets the gain the model gave the top of its own band
(the denoised energy over the noisy energy between 75 and 95 % of the model's Nyquist,
at most 1), and a crossover joins it to the model's output just below that Nyquist. A
stereo recording is denoised channel by channel.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from audiodemo.audio import load_audio
from audiodemo.denoise.denoiser import Denoiser

TOP_BAND = (0.75, 0.95)  # of the model's Nyquist: where the carried gain is measured
CROSSOVER = (0.92, 0.98)  # of the model's Nyquist: from the model's output to the band above


def _frames(rate: int) -> tuple[int, int]:
    """A frame of about 32 ms (a power of two) and its quarter as the hop."""
    n_fft = 2 ** math.ceil(math.log2(0.032 * rate))
    return n_fft, n_fft // 4


def _spec(wave: np.ndarray, rate: int) -> torch.Tensor:
    n_fft, hop = _frames(rate)
    return torch.stft(torch.from_numpy(np.ascontiguousarray(wave, np.float32)), n_fft, hop,
                      window=torch.hann_window(n_fft), return_complex=True)


def carried_gain(noisy: np.ndarray, denoised: np.ndarray, rate: int) -> tuple[np.ndarray,
                                                                                np.ndarray]:
    """Per frame, the model's gain on the top of its band: `(times in s, gains in [0, 1])`."""
    a, b = _spec(noisy, rate), _spec(denoised, rate)
    freqs = np.linspace(0, rate / 2, a.shape[0])
    top = (freqs >= TOP_BAND[0] * rate / 2) & (freqs <= TOP_BAND[1] * rate / 2)
    before = a[top].abs().pow(2).sum(0).numpy()
    after = b[top].abs().pow(2).sum(0).numpy()
    gain = np.sqrt(after / np.maximum(before, 1e-12)).clip(0, 1)
    return np.arange(len(gain)) * _frames(rate)[1] / rate, gain


def _one_channel(denoiser: Denoiser, wave: np.ndarray, rate: int, **options) -> np.ndarray:
    model_rate = denoiser.sample_rate
    heard = load_audio((rate, wave), model_rate)[0] if rate != model_rate else wave
    denoised = denoiser(heard, model_rate, **options)
    back = load_audio((model_rate, denoised), rate)[0] if rate != model_rate else denoised
    back = np.pad(back, (0, max(0, len(wave) - len(back))))[: len(wave)]
    if rate <= model_rate:
        return back.astype(np.float32)
    times, gain = carried_gain(heard, denoised, model_rate)
    x, e = _spec(wave, rate), _spec(back, rate)
    n_fft, hop = _frames(rate)
    g = torch.from_numpy(np.interp(np.arange(x.shape[1]) * hop / rate, times, gain)).float()
    freqs = torch.linspace(0, rate / 2, x.shape[0])
    low, high = (c * model_rate / 2 for c in CROSSOVER)
    w = ((freqs - low) / (high - low)).clamp(0, 1)[:, None]  # 0: the model's, 1: above it
    joined = (1 - w) * e + w * g[None, :] * x
    out = torch.istft(joined, n_fft, hop, window=torch.hann_window(n_fft), length=len(wave))
    return out.numpy().astype(np.float32)


def denoise_recording(denoiser: Denoiser, wave: np.ndarray, sample_rate: int,
                      **options) -> np.ndarray:
    """`wave` `(T,)` or `(T, channels)` denoised at its own rate and shape (float32);
    `options` go to the denoiser (strength, reconstruction, seed)."""
    wave = np.asarray(wave, np.float32)
    if wave.ndim == 1:
        return _one_channel(denoiser, wave, sample_rate, **options)
    if wave.ndim != 2 or not wave.size:
        raise ValueError(f"Expected (samples,) or (samples, channels), got {wave.shape}")
    return np.stack([_one_channel(denoiser, wave[:, c], sample_rate, **options)
                     for c in range(wave.shape[1])], axis=1)
