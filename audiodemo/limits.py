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
# STFT cells times Griffin-Lim iterations, over every run of one request. Measured (the
# dearest rebuilds): 40 M took 1.3-1.4 s alone, 1.7-1.8 s two at once; 120 M 2.6-3.2 s
# alone, 4.3-5.2 s two at once
GRIFFIN_LIM_CELL_ITERATIONS = 120_000_000
MIN_REBUILD_SECONDS = 0.5  # a shorter excerpt says nothing to the ear: refuse instead
# bars times variations one melody request may ask of each model (32 drafts a variation);
# a model not listed may write the tab's most, 4 x 64. Measured beside one other job: 64
# bars of 32 drafts took the transformer 7.8 s, the lookback LSTM 2.6 s
MELODY_BARS = {"transformer": 64}


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


def griffin_lim_excerpt(cfg: SpectrogramConfig, n_iter: int, available: int,
                        runs: int = 1) -> int:
    """How many of a sound's `available` samples `runs` runs of `n_iter` iterations may
    rebuild: all that fit the budget; `ValueError`, naming the most iterations that would
    fit, where that leaves less than `MIN_REBUILD_SECONDS` (or the whole of a shorter sound)."""
    fits = min(available, griffin_lim_samples(cfg, n_iter, runs))
    needed = min(available, int(MIN_REBUILD_SECONDS * cfg.sample_rate))
    if fits < needed:
        most = griffin_lim_iterations(cfg, needed, runs)
        raise ValueError(
            f"{n_iter} iterations at frame {cfg.n_fft}, hop {cfg.hop_length} would take more "
            f"than the ~10 s a request may here, even on {needed / cfg.sample_rate:.2g} s of "
            f"sound: choose at most {most} iterations, a longer hop or a shorter frame.")
    return fits
