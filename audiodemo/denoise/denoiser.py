"""Denoising any length of audio with a trained checkpoint: numpy in, numpy out.

    denoiser = Denoiser.from_checkpoint("checkpoints/ours.pt")
    clean = denoiser(noisy_wave, sample_rate)            # at denoiser.sample_rate
    denoiser = load_denoiser("ours")                     # a shipped one, loaded once

The wave is resampled to the model's rate and turned into a magnitude spectrogram. The model
sees it in bounded pieces: fully convolutional models (ours) in blocks of frames with enough
context on each side that the result equals one pass over the whole; fixed-size models (the
paper's 0.55 s) in half-overlapping windows, cross-faded with a Hann window. The estimated
magnitude is held above the noisy one lowered by an attenuation limit (ours: 30 dB, which
lifts PESQ by 0.06-0.18 at 0-10 dB SNR at no cost in SI-SDR, see BENCHMARKS.md; the paper's
models: none, as in the paper) and below the noisy one raised by a boost limit (every model:
0 dB, so no cell gets louder; see `BOOST_LIMIT_DB`), blended with the noisy one by `strength`
and given a phase: the noisy phase (default), Griffin-Lim from random phase (the paper's), or
fast Griffin-Lim from the noisy phase.
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass

import librosa
import numpy as np
import torch

from audiodemo.checkpoint import Checkpoint, load_checkpoint, shipped_checkpoint
from audiodemo.denoise.features import model_input, output_magnitude
from audiodemo.denoise.post_filter import check_beta, post_filtered
from audiodemo.phase import griffin_lim, reconstruct
from audiodemo.spectrogram import stft

DENOISERS = ("ours_wideband", "ours", "paper_dcae", "paper_vae")  # shipped checkpoint names
RECONSTRUCTIONS = ("noisy_phase", "griffin_lim", "fast_griffin_lim")
# dB a model may take off any cell, by model kind; kinds not listed have no limit
ATTENUATION_LIMITS_DB = {"unet": 30.0}
COMPLEX_KINDS = ("gtcrn",)  # models that mask the complex spectrum, not the magnitude
# dB a model may add to any cell over the noisy magnitude, every kind. A denoiser takes energy
# away; a clean cell louder than its noisy one is one where the noise happened to cancel the
# speech, which no model can tell from magnitudes. The limit matters for the paper's models:
# they only ever saw inputs with white noise in every cell (added at 22.05 kHz to 8 kHz
# digits), and on a recording with an empty band (8 kHz audio, the top octave of anything
# resampled from 44.1 kHz, a clean take) their decoders fill that band near the clip's
# loudest cell: 20-25 dB louder than the input, a fifth to a third of the samples past full
# scale (issue 13). Measured on 40 FSDD test digits with white noise at -5 to 20 dB (22.05 kHz,
# their training condition), a 0 dB limit also raises their SI-SDR (DCAE 3.5 -> 7.0 dB, VAE
# 0.4 -> 4.5 dB on average), more than a 3 dB one does (6.0, 3.6). Ours predicts a mask of
# at most 1, which the limit never touches. `boost_limit_db=math.inf` gives the raw output.
BOOST_LIMIT_DB = 0.0
# the post-filter's beta for the complex-mask kinds (`denoise.post_filter`); kinds not listed
# have none. No beta is shipped: on ours (benchmarks/post_filter.py) beta 0.1 took 0.15-0.31
# off PESQ-WB and moved DNSMOS OVRL by -0.05 to +0.01 on held-out utterances (BAK rose, SIG
# fell).
POST_FILTER_BETAS: dict[str, float] = {}
BLOCK_FRAMES = 512


@dataclass
class Denoiser:
    """A trained denoiser for waves of any length; `gl_iters` for Griffin-Lim outputs."""

    checkpoint: Checkpoint
    gl_iters: int = 32
    attenuation_limit_db: float | None = None  # None: the kind's default; inf: no limit
    boost_limit_db: float = BOOST_LIMIT_DB  # inf: no limit
    post_filter_beta: float | None = None  # None: the kind's default; 0: no post-filter

    def __post_init__(self) -> None:
        if self.attenuation_limit_db is None:
            self.attenuation_limit_db = ATTENUATION_LIMITS_DB.get(self.checkpoint.kind, math.inf)
        if not self.attenuation_limit_db > 0:
            raise ValueError(f"The attenuation limit must be above 0 dB, got "
                             f"{self.attenuation_limit_db}")
        if self.post_filter_beta is None:
            self.post_filter_beta = POST_FILTER_BETAS.get(self.checkpoint.kind, 0.0)
        if check_beta(self.post_filter_beta) and self.checkpoint.kind not in COMPLEX_KINDS:
            raise ValueError(f"The post-filter applies to the complex-mask models "
                             f"({', '.join(COMPLEX_KINDS)}), not to {self.checkpoint.kind!r}")
        if not self.boost_limit_db >= 0:
            raise ValueError(f"The boost limit must be 0 dB or more, got {self.boost_limit_db}")

    @classmethod
    def from_checkpoint(cls, path: str | os.PathLike) -> Denoiser:
        """Load a checkpoint file (`ValueError` if it is not one of ours)."""
        return cls(load_checkpoint(path))

    @property
    def sample_rate(self) -> int:
        """The rate the model works at; outputs come at this rate."""
        return self.checkpoint.spectrogram.sample_rate

    def __call__(
        self, wave: np.ndarray, sample_rate: int, strength: float = 1.0,
        reconstruction: str = "noisy_phase", seed: int = 0,
    ) -> np.ndarray:
        """Denoise a mono wave; returns float32 at `self.sample_rate`, same duration.

        Args:
            wave: `(T,)` float samples.
            sample_rate: their rate.
            strength: 0 returns the input, 1 the model's full estimate, between mixes the
                magnitudes.
            reconstruction: one of `RECONSTRUCTIONS`.
            seed: seeds the random phase of `griffin_lim`.
        """
        wave = np.asarray(wave)
        if wave.ndim != 1 or wave.size == 0:
            raise ValueError(f"Expected a non-empty mono wave, got shape {wave.shape}")
        if not np.isfinite(wave).all():
            raise ValueError("The wave holds NaN or infinite samples")
        if isinstance(sample_rate, bool) or int(sample_rate) != sample_rate or sample_rate <= 0:
            raise ValueError(f"sample_rate must be a positive whole number, got {sample_rate!r}")
        sample_rate = int(sample_rate)
        if not 0.0 <= strength <= 1.0:
            raise ValueError(f"strength must be between 0 and 1, got {strength}")
        if reconstruction not in RECONSTRUCTIONS:
            raise ValueError(f"reconstruction must be one of {RECONSTRUCTIONS}, "
                             f"got {reconstruction!r}")
        if sample_rate != self.sample_rate:
            wave = librosa.resample(wave, orig_sr=sample_rate, target_sr=self.sample_rate)
        cfg = self.checkpoint.spectrogram
        x = torch.from_numpy(np.ascontiguousarray(wave, dtype=np.float32))
        noisy = stft(x, cfg)  # (F, N)
        phase = noisy.angle()
        if self.checkpoint.kind in COMPLEX_KINDS:  # strength blends spectra, phase included
            spectrum = post_filtered(self.estimate_spectrum(noisy), noisy, self.post_filter_beta)
            blend = strength * spectrum + (1 - strength) * noisy
            estimate, phase, strength = blend.abs(), blend.angle(), 1.0
        else:
            estimate = self.estimate_magnitude(noisy.abs())
        if math.isfinite(self.attenuation_limit_db):
            floor = 10 ** (-self.attenuation_limit_db / 20)
            estimate = torch.maximum(estimate, floor * noisy.abs())
        if math.isfinite(self.boost_limit_db):
            estimate = torch.minimum(estimate, 10 ** (self.boost_limit_db / 20) * noisy.abs())
        mag = strength * estimate + (1 - strength) * noisy.abs()
        if reconstruction == "noisy_phase":  # a complex mask's own phase for those models
            out = reconstruct(mag, phase, cfg, length=len(wave))
        else:
            init = None if reconstruction == "griffin_lim" else phase
            gen = torch.Generator().manual_seed(seed)
            out = griffin_lim(mag, cfg, self.gl_iters, "fast", init_phase=init,
                              length=len(wave), generator=gen).wave
        return out.numpy().astype(np.float32)

    @torch.no_grad()
    def estimate_spectrum(self, noisy: torch.Tensor) -> torch.Tensor:
        """A complex-mask model's clean spectrum `(F, N)` from the noisy one, in one causal
        pass (its memory grows with the frames: peak RSS rose 88 MB for 30 s at 16 kHz)."""
        return self.checkpoint.model(noisy[None])[0]

    @torch.no_grad()
    def estimate_magnitude(self, noisy_mag: torch.Tensor) -> torch.Tensor:
        """Clean magnitude `(F, N)` estimated from a noisy one, in bounded memory."""
        if self.checkpoint.kind == "unet":
            return self._by_blocks(noisy_mag)
        return self._by_windows(noisy_mag)

    def _run(self, mags: torch.Tensor) -> torch.Tensor:
        """Model on a batch of magnitudes `(B, F, n)` -> clean magnitudes `(B, F, n)`."""
        cfg, features = self.checkpoint.spectrogram, self.checkpoint.preprocessing["features"]
        x, stats = model_input(mags, cfg, features)
        out = self.checkpoint.model(x)
        out = out[0] if isinstance(out, tuple) else out  # the paper's models return (x, μ, σ)
        return output_magnitude(out, mags, features, stats, cfg)

    def _by_blocks(self, mag: torch.Tensor) -> torch.Tensor:
        """Fully convolutional: blocks of frames plus the model's context on each side."""
        context = self.checkpoint.model.config.context_frames
        n = mag.shape[-1]
        out = torch.empty_like(mag)
        for start in range(0, n, BLOCK_FRAMES):
            stop = min(start + BLOCK_FRAMES, n)
            lo, hi = max(0, start - context), min(n, stop + context)
            block = self._run(mag[None, :, lo:hi])[0]  # (F, hi - lo)
            out[:, start:stop] = block[:, start - lo : stop - lo]
        return out

    def _by_windows(self, mag: torch.Tensor) -> torch.Tensor:
        """Fixed-size model: one padded window, or half-overlapping Hann-weighted windows."""
        size = self.checkpoint.model.config.n_frames
        hop = size // 2
        n = mag.shape[-1]
        if n <= size:  # one window, like the paper's clips
            return self._run(_pad_frames(mag, 0, size - n)[None])[0, :, :n]
        padded_n = max(size, hop * (-(-max(n - size, 0) // hop)) + size)
        # pad half a window in front so the first frames get full weight as well
        padded = _pad_frames(mag, hop, padded_n - n + hop)  # (F, padded)
        starts = list(range(0, padded.shape[-1] - size + 1, hop))
        weight = torch.hann_window(size, periodic=False) + 1e-3  # (size,)
        total = torch.zeros_like(padded)
        norm = torch.zeros(padded.shape[-1])
        for i in range(0, len(starts), 32):  # 32 windows per batch bounds the memory
            batch = torch.stack([padded[:, s : s + size] for s in starts[i : i + 32]])
            for s, est in zip(starts[i : i + 32], self._run(batch), strict=True):
                total[:, s : s + size] += est * weight
                norm[s : s + size] += weight
        return (total / norm.clamp_min(1e-8))[:, hop : hop + n]


@functools.lru_cache(maxsize=len(DENOISERS))
def load_denoiser(name: str) -> Denoiser:
    """A shipped denoiser (one of `DENOISERS`) or a checkpoint path, loaded once per process:
    the tabs that run it share one copy."""
    return Denoiser.from_checkpoint(shipped_checkpoint(name, DENOISERS))


def _pad_frames(mag: torch.Tensor, before: int, after: int) -> torch.Tensor:
    """Repeat the edge frames: the models trained on noise everywhere, never on digital zeros."""
    return torch.nn.functional.pad(mag[None], (before, after), mode="replicate")[0]
