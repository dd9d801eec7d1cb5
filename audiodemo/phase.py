"""Sound from a magnitude spectrogram: with a known phase, or a phase found by Griffin-Lim.

A magnitude spectrogram throws the phase away. `reconstruct` puts a given phase back
(for a denoiser, the noisy input's phase); `griffin_lim` searches for a phase whose signal has
that magnitude, plain (Griffin & Lim 1984) or fast, with the momentum of Perraudin, Balazs and
Søndergaard, "A fast Griffin-Lim algorithm" (2013), the paper's reference 8;
`griffin_lim_each_method` rebuilds a sound by both, step by step, to compare them.

The loop is written here rather than taken from librosa: librosa 0.11's `griffinlim`, given a
complex initial value, re-applies that initial phase at every iteration.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import torch

from audiodemo.spectrogram import SpectrogramConfig, istft, stft

METHODS = ("fast", "plain")


@dataclass
class GriffinLimResult:
    """The rebuilt wave and the spectral convergence after 0, 1, ..., n_iter iterations.

    `convergence[k]` is that of the wave after k iterations, so `convergence[-1]` is the
    returned wave's and `convergence[0]` that of the starting phase.
    """

    wave: torch.Tensor | None  # (..., T); None while iterating (`griffin_lim_steps`)
    convergence: list[float]


def spectral_convergence(target: torch.Tensor, estimate: torch.Tensor) -> float:
    """‖|S| − |Ŝ|‖_F / ‖|S|‖_F: 0 when the magnitudes agree; 1 for a silent estimate."""
    norm = torch.linalg.vector_norm(target)
    if norm == 0:
        return 0.0
    return float(torch.linalg.vector_norm(target - estimate) / norm)


def reconstruct(
    mag: torch.Tensor, phase: torch.Tensor, cfg: SpectrogramConfig, length: int | None = None
) -> torch.Tensor:
    """Wave from a magnitude `(..., F, N)` and a phase in radians of the same shape."""
    return istft(torch.polar(mag, phase), cfg, length)


def random_phase(shape: torch.Size, generator: torch.Generator | None = None) -> torch.Tensor:
    """Uniform phase in [-π, π), reproducible through `generator`."""
    return (torch.rand(shape, generator=generator) * 2 - 1) * torch.pi


def griffin_lim(mag: torch.Tensor, cfg: SpectrogramConfig, *args, **kwargs) -> GriffinLimResult:
    """Find a wave whose STFT magnitude is close to `mag`: the last of `griffin_lim_steps`,
    whose arguments it takes.

    Returns:
        The wave and the spectral convergence of each iterate, `n_iter + 1` values.
    """
    *_, result = griffin_lim_steps(mag, cfg, *args, **kwargs)
    return result


def griffin_lim_steps(
    mag: torch.Tensor,
    cfg: SpectrogramConfig,
    n_iter: int = 32,
    method: str = "fast",
    momentum: float = 0.99,
    init_phase: torch.Tensor | None = None,
    length: int | None = None,
    generator: torch.Generator | None = None,
) -> Iterator[GriffinLimResult]:
    """Griffin-Lim one iteration at a time, so a caller can report progress or stop.

    Args:
        mag: linear magnitude `(..., F, N)` (not dB, not mel).
        cfg: the STFT that made `mag`.
        n_iter: number of iterations (0 yields the initial phase's wave).
        method: `fast` (Perraudin et al. momentum) or `plain` (Griffin-Lim).
        momentum: α of the fast method; Perraudin et al. recommend 0.99.
        init_phase: phase in radians to start from, e.g. a noisy recording's; random if None.
        length: samples of the returned wave.
        generator: seeds the random initial phase.

    Yields:
        `n_iter` partial results (`wave` None, `convergence` so far), then the final one:
        the wave and the spectral convergence of each iterate, `n_iter + 1` values.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if n_iter < 0:
        raise ValueError(f"n_iter must be >= 0, got {n_iter}")
    alpha = momentum if method == "fast" else 0.0
    mag = mag.to(torch.float32)
    phase = random_phase(mag.shape, generator) if init_phase is None else init_phase
    c = torch.polar(mag, phase.to(mag.dtype))  # current coefficients
    t_prev = None
    history = []
    for _ in range(n_iter):
        # project onto the consistent spectrograms: the STFT of the current wave
        t = stft(istft(c, cfg, length), cfg)
        history.append(spectral_convergence(mag, t.abs()))
        t_prev = t if t_prev is None else t_prev
        # impose the target magnitude, extrapolating along the last step (α = 0: plain GLA)
        c = torch.polar(mag, torch.angle(t + alpha * (t - t_prev)))
        t_prev = t
        yield GriffinLimResult(wave=None, convergence=list(history))
    wave = istft(c, cfg, length)
    history.append(spectral_convergence(mag, stft(wave, cfg).abs()))
    yield GriffinLimResult(wave=wave, convergence=history)


@dataclass
class MethodsStep:
    """Where `griffin_lim_each_method` is: the method iterating and its iterations done, the
    iterations every method has done (of `n_iter` × `len(METHODS)`), and the results of the
    methods finished so far (on the last step, of every method)."""

    method: str
    iteration: int
    done: int
    results: dict[str, GriffinLimResult]


def griffin_lim_each_method(wave: torch.Tensor, cfg: SpectrogramConfig, n_iter: int,
                            seed: int = 0) -> Iterator[MethodsStep]:
    """Rebuild `wave` (a 1-D tensor or array) from its STFT magnitude by each of `METHODS` in
    turn, every one from the same random phase (seeded by `seed`) and at the wave's length,
    one iteration at a time (`griffin_lim_steps`), so a caller can report progress or stop."""
    wave = torch.as_tensor(wave)
    mag = stft(wave, cfg).abs()
    results: dict[str, GriffinLimResult] = {}
    for i, method in enumerate(METHODS):
        steps = griffin_lim_steps(mag, cfg, n_iter, method, length=len(wave),
                                  generator=torch.Generator().manual_seed(seed))
        for step in steps:
            iteration = len(step.convergence) - (step.wave is not None)
            if step.wave is not None:
                results[method] = step
            yield MethodsStep(method, iteration, i * n_iter + iteration, results)
