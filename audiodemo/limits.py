"""What one request may cost, so that every accepted request answers in about 10 s here.

Each limit was chosen from `python benchmarks/limits.py` (BENCHMARKS.md, "Limits"), which
times the dearest request each limit admits on this project's 2-core machine. Sounds over a
length limit are not refused: the tabs use their first seconds and say so.
"""

from __future__ import annotations

from audiodemo.spectrogram import SpectrogramConfig

UPLOAD_MB = 20  # the server answers HTTP 413 above this
SPECTROGRAM_SECONDS = 60.0
DENOISE_SECONDS = 30.0
PHASE_SECONDS = 10.0  # the most of a sound the phase panel rebuilds
# STFT cells times Griffin-Lim iterations, over every run of one request: 75-240 ns each here
# (more for long frames), so at most about 10 s
GRIFFIN_LIM_CELL_ITERATIONS = 40_000_000
MIN_REBUILD_SECONDS = 0.5  # a shorter excerpt says nothing to the ear: refuse instead


def griffin_lim_seconds(cfg: SpectrogramConfig, n_iter: int, runs: int = 1) -> float:
    """The longest sound `runs` Griffin-Lim runs of `n_iter` iterations may rebuild under
    `cfg` within `GRIFFIN_LIM_CELL_ITERATIONS` (inf for 0 iterations)."""
    if n_iter <= 0:
        return float("inf")
    frames = GRIFFIN_LIM_CELL_ITERATIONS // (cfg.n_freqs * n_iter * runs)
    return max(frames - 1, 0) * cfg.hop_length / cfg.sample_rate


def griffin_lim_iterations(cfg: SpectrogramConfig, seconds: float, runs: int = 1) -> int:
    """The most iterations `runs` Griffin-Lim runs may take on `seconds` of sound."""
    frames = 1 + int(seconds * cfg.sample_rate) // cfg.hop_length
    return GRIFFIN_LIM_CELL_ITERATIONS // (cfg.n_freqs * frames * runs)
