"""Noisy and clean training pairs made on the fly from clean recordings.

Each call draws new noise, so a model never sees the same corruption twice; a seeded
`Generator` makes a batch (and so a validation or test set) reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from audiodemo.denoise.noise import add_noise


@dataclass
class PairMaker:
    """Draws `(noisy, clean)` batches of `(B, T)` float32 tensors.

    Args:
        clean: clean recordings at `sample_rate`.
        sample_rate: their rate.
        seconds: length of each example.
        snr_range: input SNR in dB, drawn uniformly.
        noise_mix: probability of each noise type; empty for clean pairs (`noisy` is `clean`),
            as for the latent-space models, which learn to reconstruct.
        concat: join random recordings (with short pauses) and crop at random, as for a
            model of any length; else one recording from its start, padded or trimmed with
            zeros (the paper's 0.55 s clips).
        gain_db: range of random level changes of the clean speech (0, 0 for none).
        talkers: recordings to make babble from.
    """

    clean: list[np.ndarray]
    sample_rate: int
    seconds: float
    snr_range: tuple[float, float] = (-5.0, 20.0)
    noise_mix: dict[str, float] = field(default_factory=lambda: {"white": 1.0})
    concat: bool = False
    gain_db: tuple[float, float] = (0.0, 0.0)
    talkers: list[np.ndarray] | None = None

    @property
    def length(self) -> int:
        """Samples per example."""
        return int(self.seconds * self.sample_rate)

    def speech(self, rng: np.random.Generator) -> np.ndarray:
        """One clean example of `length` samples."""
        n = self.length
        if not self.concat:
            clip = self.clean[rng.integers(len(self.clean))][:n]
            return np.pad(clip, (0, n - len(clip)))
        parts, total = [], 0
        while total < 2 * n:
            pause = np.zeros(int(rng.uniform(0, 0.25) * self.sample_rate), np.float32)
            clip = self.clean[rng.integers(len(self.clean))]
            parts += [pause, clip]
            total += len(pause) + len(clip)
        joined = np.concatenate(parts)
        start = rng.integers(0, len(joined) - n)
        return joined[start : start + n]

    def pair(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """One `(noisy, clean)` example, float32 `(length,)` each."""
        clean = self.speech(rng)
        while not np.any(clean):  # a crop of pure pause has no SNR; draw again
            clean = self.speech(rng)
        clean = (clean * 10 ** (rng.uniform(*self.gain_db) / 20)).astype(np.float32)
        if not self.noise_mix:
            return clean, clean
        noise_types, probs = zip(*self.noise_mix.items(), strict=True)
        noise_type = noise_types[rng.choice(len(noise_types), p=np.asarray(probs) / sum(probs))]
        snr = rng.uniform(*self.snr_range)
        noisy = add_noise(clean, noise_type, snr, self.sample_rate, rng, self.talkers)
        return noisy, clean

    def batch(self, size: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """`size` pairs stacked: `(noisy, clean)`, each `(size, length)`."""
        noisy, clean = zip(*(self.pair(rng) for _ in range(size)), strict=True)
        return torch.from_numpy(np.stack(noisy)), torch.from_numpy(np.stack(clean))
