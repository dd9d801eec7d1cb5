"""Codes of the autoencoders: encode recordings, project and measure the codes, decode any point.

`Encodings` holds the latent means of every FSDD recording with its labels (arrays `z`,
`digit`, `speaker`, `take`, `split`, `file`), saved as plain arrays; a model with more than
two latent dimensions is projected to the plane (PCA, or t-SNE) and the file says which.
The latent models reconstruct clean digits (`--preset latent`); any point of their plane
decodes to a spectrogram in absolute dB, which Griffin-Lim turns into sound.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import torch

from audiodemo import fsdd
from audiodemo.checkpoint import Checkpoint
from audiodemo.denoise.features import model_input, output_magnitude
from audiodemo.npz import save_npz
from audiodemo.phase import griffin_lim
from audiodemo.spectrogram import stft

PROJECTIONS = ("pca", "tsne")
GRID_CELLS = 20  # per side, for the share of the ±2σ square that holds codes


@dataclass
class Encodings:
    """Codes of recordings with their labels; `z` is `(n, 2)` for the picture."""

    z: np.ndarray  # (n, 2) float32: latent means, or their projection
    digit: np.ndarray  # (n,) int
    speaker: np.ndarray  # (n,) str
    take: np.ndarray  # (n,) int
    split: np.ndarray  # (n,) "train" or "test"
    file: np.ndarray  # (n,) file name
    projection: str = "none"  # "none" (a 2-D model), "pca" or "tsne"
    model: str = ""

    def save(self, path: str | os.PathLike) -> None:
        """Write the arrays (and the projection and model names) to an .npz file."""
        save_npz(path, dict(
            z=self.z.astype(np.float32), digit=self.digit, speaker=self.speaker,
            take=self.take, split=self.split, file=self.file,
            projection=np.array(self.projection), model=np.array(self.model),
        ))

    @classmethod
    def load(cls, path: str | os.PathLike) -> Encodings:
        """Read a file written by `save` (plain arrays only: no pickles are loaded)."""
        with np.load(path, allow_pickle=False) as data:
            return cls(
                z=data["z"], digit=data["digit"], speaker=data["speaker"], take=data["take"],
                split=data["split"], file=data["file"], projection=str(data["projection"]),
                model=str(data["model"]),
            )

    def where(self, digit: int | None = None, speaker: str | None = None,
              split: str | None = None) -> np.ndarray:
        """Boolean mask of the codes matching every filter given."""
        keep = np.ones(len(self.z), bool)
        if digit is not None:
            keep &= self.digit == digit
        if speaker is not None:
            keep &= self.speaker == speaker
        if split is not None:
            keep &= self.split == split
        return keep


def model_inputs(checkpoint: Checkpoint, waves: list[np.ndarray]) -> torch.Tensor:
    """Waves at the model's rate -> the model's input `(B, 1, F, N)`, clipped or padded to
    its clip length as in training."""
    cfg = checkpoint.spectrogram
    n = int(checkpoint.preprocessing["clip_seconds"] * cfg.sample_rate)
    clips = np.stack([np.pad(w[:n], (0, max(0, n - len(w)))) for w in waves])
    x, _ = model_input(stft(torch.from_numpy(clips), cfg).abs(), cfg,
                       checkpoint.preprocessing["features"])
    return x


@torch.no_grad()
def encode(checkpoint: Checkpoint, waves: list[np.ndarray], batch: int = 256) -> np.ndarray:
    """Latent means `(n, latent_dim)` of waves at the model's rate."""
    model = checkpoint.model
    codes = [model.encode(model_inputs(checkpoint, waves[i : i + batch]))[0]
             for i in range(0, len(waves), batch)]
    return torch.cat(codes).numpy()


def project(z: np.ndarray, method: str = "pca", seed: int = 0) -> np.ndarray:
    """`(n, d)` codes -> `(n, 2)`: unchanged when d is 2, else PCA or t-SNE."""
    if z.shape[1] == 2:
        return z
    if method == "pca":
        centred = z - z.mean(0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        return centred @ vt[:2].T
    if method == "tsne":
        from sklearn.manifold import TSNE

        return TSNE(2, random_state=seed, init="pca").fit_transform(z)
    raise ValueError(f"projection must be one of {PROJECTIONS}, got {method!r}")


def encode_fsdd(checkpoint: Checkpoint, data=None, projection: str = "pca",
                name: str = "") -> Encodings:
    """Every FSDD recording encoded, labelled and (for d > 2) projected."""
    recordings = fsdd.list_recordings(data)
    z = encode(checkpoint, fsdd.load_waves(recordings, checkpoint.spectrogram.sample_rate))
    return Encodings(
        z=project(z, projection).astype(np.float32),
        digit=np.array([r.digit for r in recordings]),
        speaker=np.array([r.speaker for r in recordings]),
        take=np.array([r.take for r in recordings]),
        split=np.array(["test" if r.take in fsdd.TEST_TAKES else "train" for r in recordings]),
        file=np.array([r.path.name for r in recordings]),
        projection="none" if z.shape[1] == 2 else projection,
        model=name,
    )


def latent_stats(z: np.ndarray) -> dict:
    """Mean and standard deviation per dimension, and the share of the plane within two
    standard deviations of the mean (a `GRID_CELLS`² grid) that holds at least one code."""
    mean, std = z.mean(0), z.std(0)
    lo, hi = mean - 2 * std, mean + 2 * std
    inside = np.all((z >= lo) & (z < hi), axis=1)
    cells = np.floor((z[inside] - lo) / (hi - lo) * GRID_CELLS).astype(int)
    occupied = len({tuple(c) for c in cells[:, :2]})
    return {"mean": mean.tolist(), "std": std.tolist(),
            "coverage": occupied / GRID_CELLS ** min(2, z.shape[1])}


@torch.no_grad()
def decode(checkpoint: Checkpoint, z: np.ndarray) -> torch.Tensor:
    """Latent points `(n, latent_dim)` -> linear magnitudes `(n, F, N)`."""
    out = checkpoint.model.decode(torch.as_tensor(np.asarray(z, np.float32)))
    return output_magnitude(out, None, checkpoint.preprocessing["features"], None,
                            checkpoint.spectrogram)


def to_audio(checkpoint: Checkpoint, magnitude: torch.Tensor, n_iter: int = 32,
             seed: int = 0) -> np.ndarray:
    """A decoded magnitude `(F, N)` as sound: fast Griffin-Lim from a seeded random phase."""
    gen = torch.Generator().manual_seed(seed)
    return griffin_lim(magnitude, checkpoint.spectrogram, n_iter, "fast",
                       generator=gen).wave.numpy()


def walk(z_a: np.ndarray, z_b: np.ndarray, steps: int) -> np.ndarray:
    """`steps` points on the straight line from `z_a` to `z_b`, both ends included."""
    if not 2 <= steps <= 64:
        raise ValueError(f"A walk needs between 2 and 64 steps, got {steps}")
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return ((1 - t) * np.asarray(z_a) + t * np.asarray(z_b)).astype(np.float32)


def grid_points(extent: tuple[float, float, float, float], n: int) -> np.ndarray:
    """An `n`×`n` grid over (x0, x1, y0, y1), row by row from the top (largest y)."""
    xs = np.linspace(extent[0], extent[1], n)
    ys = np.linspace(extent[3], extent[2], n)
    return np.array([(x, y) for y in ys for x in xs], np.float32)
