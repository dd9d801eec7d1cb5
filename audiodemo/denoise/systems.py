"""The denoisers a user can pick, by name: our checkpoints and, where installed, the field's
reference, DeepFilterNet3.

Each one takes a recording at its own rate and channels and gives it back the same way
(`denoise`). Our checkpoints go through `fullband.denoise_recording`, ours at 16 kHz with a
quiet recording raised into the levels it trained on (`LEVELLED`). DeepFilterNet3 runs
at 48 kHz, one channel at a time, through `peers`. Strength blends the denoised wave with
the input for it, as the phase choices belong to our spectrogram models.
"""

from __future__ import annotations

import numpy as np

from audiodemo.denoise import peers
from audiodemo.denoise.denoiser import DENOISERS, load_denoiser
from audiodemo.denoise.fullband import denoise_recording
from audiodemo.denoise.wideband import WidebandPairs

REFERENCE = "deepfilternet3"
DEFAULT = DENOISERS[0]  # ours, version 2: the 16 kHz complex mask
# DeepFilterNet3 is not level-invariant: it silences speech it hears below about -45 dBFS
# (the bundled digits_31415_theo.wav, whose peak is 0.034, loses 14 dB at 0.8 times its
# level). A quieter recording goes in with its peak raised to this, one gain for every
# channel, and comes out turned down by the same gain; a louder one goes in as it is.
REFERENCE_PEAK = 0.5
# Ours at 16 kHz heard speech at -38 to -12 dBFS RMS in training (`WidebandPairs.level_db`)
# and does worse below it: FSDD's strings sit near -45 dBFS and lose 1.4-2 dB of SI-SDR
# against the same strings raised 20 dB (BENCHMARKS.md). A quieter recording goes in raised
# to the middle of that range, one gain for every channel, and comes out turned down again.
LEVELLED = {"gtcrn": float(np.mean(WidebandPairs.level_db))}  # model kind -> RMS, dBFS


def names() -> tuple[str, ...]:
    """Every denoiser available here: the shipped checkpoints, then the reference if its
    package is installed."""
    return DENOISERS + ((REFERENCE,) if peers.available()[REFERENCE] else ())


def model_rate(name: str) -> int:
    """The rate the named denoiser itself works at (its band is 0 to half of it)."""
    return peers.RATE if name == REFERENCE else load_denoiser(name).sample_rate


def raise_to(wave: np.ndarray, rms_dbfs: float | None) -> float:
    """The gain (at least 1) that raises `wave`'s RMS to `rms_dbfs`; 1 for None or silence."""
    rms = float(np.sqrt(np.mean(np.square(wave, dtype=np.float64)))) if np.size(wave) else 0.0
    if rms_dbfs is None or rms == 0.0:
        return 1.0
    return max(1.0, 10 ** (rms_dbfs / 20) / rms)


def levelled(denoiser, wave: np.ndarray, sample_rate: int, strength: float = 1.0,
             reconstruction: str = "noisy_phase") -> np.ndarray:
    """One of our checkpoints on a recording (`denoise_recording`), raised first to the
    level its kind trained at if it is quieter (`LEVELLED`), and turned down after."""
    gain = raise_to(wave, LEVELLED.get(denoiser.checkpoint.kind))
    return denoise_recording(denoiser, gain * np.asarray(wave, np.float32), sample_rate,
                             strength=strength, reconstruction=reconstruction) / gain


def denoise(name: str, wave: np.ndarray, sample_rate: int, strength: float = 1.0,
            reconstruction: str = "noisy_phase") -> np.ndarray:
    """`wave` `(T,)` or `(T, channels)` denoised by `name` at its own rate and shape."""
    if name not in names():
        raise ValueError(f"Unknown denoiser {name!r}; choose one of {names()}")
    if name != REFERENCE:
        return levelled(load_denoiser(name), wave, sample_rate, strength, reconstruction)
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"strength must be between 0 and 1, got {strength}")
    wave = np.asarray(wave, np.float32)
    columns = wave[:, None] if wave.ndim == 1 else wave
    peak = float(np.abs(columns).max()) if columns.size else 0.0
    gain = max(1.0, REFERENCE_PEAK / peak) if peak > 0 else 1.0
    out = np.stack([peers.deepfilternet3(gain * columns[:, c], sample_rate)
                    for c in range(columns.shape[1])], axis=1) / gain
    out = strength * out + (1 - strength) * columns
    return (out[:, 0] if wave.ndim == 1 else out).astype(np.float32)
