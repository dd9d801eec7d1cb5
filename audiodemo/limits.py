"""What one request may cost, so that every accepted request answers in about 10 s here.

Each limit was chosen from `python -m benchmarks.limits` (BENCHMARKS.md, "Limits"), which
times the dearest request each limit admits on this project's 2-core machine. Sounds over a
length limit are not refused: the tabs use their first seconds and say so.
"""

from __future__ import annotations

import sys

from audiodemo.spectrogram import SpectrogramConfig

UPLOAD_MB = 20  # the server answers HTTP 413 above this
SPECTROGRAM_SECONDS = 60.0
DENOISE_SECONDS = 30.0
PHASE_SECONDS = 10.0  # the most of a sound the phase panel rebuilds
# STFT cells times Griffin-Lim iterations, over every run of one request: about 35 ns each
# on a free core here (40 M took 1.3-1.4 s, two such requests at once 1.7-1.8 s), up to 4
# times that on a loaded machine: so 3-5 s, 10 s at worst
GRIFFIN_LIM_CELL_ITERATIONS = 120_000_000
MIN_REBUILD_SECONDS = 0.5  # a shorter excerpt says nothing to the ear: refuse instead


def griffin_lim_samples(cfg: SpectrogramConfig, n_iter: int, runs: int = 1) -> int:
    """The most samples of a sound that `runs` Griffin-Lim runs of `n_iter` iterations may
    rebuild under `cfg` within `GRIFFIN_LIM_CELL_ITERATIONS` (unbounded for 0 iterations)."""
    if n_iter <= 0:
        return sys.maxsize
    frames = GRIFFIN_LIM_CELL_ITERATIONS // (cfg.n_freqs * n_iter * runs)
    # the sound ends at the last frame's centre: past it, at a hop of half the frame, the
    # window's tail is too small for the inverse STFT (torch: "window overlap add min")
    return max(frames - 1, 0) * cfg.hop_length


def griffin_lim_iterations(cfg: SpectrogramConfig, samples: int, runs: int = 1) -> int:
    """The most iterations `runs` Griffin-Lim runs may take on `samples` of sound (so that
    `griffin_lim_samples` gives at least `samples` back)."""
    frames = 1 + -(-samples // cfg.hop_length)
    return GRIFFIN_LIM_CELL_ITERATIONS // (cfg.n_freqs * frames * runs)
