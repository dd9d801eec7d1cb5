"""Pictures of decoded latent points: a pair, a walk (a strip) and a grid over the plane.

Decoded magnitudes are shown in dB relative to one shared peak, so panels compare; a strip
or grid is drawn as one image (a mosaic with thin gaps), which stays fast for 15×15 decodes.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from audiodemo.plots import draw_spectrogram
from audiodemo.spectrogram import SpectrogramConfig, amplitude_to_db
from audiodemo.view import SpectrogramView

DB_RANGE = 80.0


def _db(mags: torch.Tensor) -> np.ndarray:
    """`(n, F, N)` magnitudes -> dB re their shared peak, floored at -DB_RANGE."""
    peak = max(float(mags.max()), 1e-12)
    return amplitude_to_db(mags / peak, floor_db=-DB_RANGE).numpy()


def pair_figure(mags: dict[str, torch.Tensor], cfg: SpectrogramConfig) -> Figure:
    """Spectrograms `(F, N)` side by side in seconds and Hz, on shared colour limits."""
    db = _db(torch.stack(list(mags.values())))
    fig = Figure(figsize=(3.3 * len(mags) + 0.8, 2.8), layout="constrained")
    axes = fig.subplots(1, len(mags), sharey=True, squeeze=False)[0]
    for ax, name, values in zip(axes, mags, db, strict=True):
        view = SpectrogramView(values, np.arange(cfg.n_freqs) * cfg.bin_hz,
                               np.arange(values.shape[1]) * cfg.frame_seconds, "linear", True,
                               DB_RANGE)
        mesh = draw_spectrogram(ax, view, "magma")
        ax.set_title(name, fontsize=10)
        if ax is not axes[0]:
            ax.set_ylabel("")
    fig.colorbar(mesh, ax=list(axes), label="dB re peak", pad=0.01)
    return fig


def mosaic(db: np.ndarray, rows: int, cols: int, gap: int = 2) -> np.ndarray:
    """`(rows·cols, F, N)` panels -> one `(rows·(F+gap), cols·(N+gap))` image, low bins down."""
    n, f, t = db.shape
    image = np.full((rows * (f + gap), cols * (t + gap)), np.nan)
    for i in range(n):
        r, c = divmod(i, cols)
        image[r * (f + gap) : r * (f + gap) + f, c * (t + gap) : c * (t + gap) + t] = db[i][::-1]
    return image


def strip_figure(mags: torch.Tensor, labels: list[str]) -> Figure:
    """A walk's decoded spectrograms `(steps, F, N)` in one row, start on the left."""
    fig = Figure(figsize=(min(1.1 * len(mags) + 1, 16), 2.4), layout="constrained")
    ax = fig.add_subplot()
    image = mosaic(_db(mags), 1, len(mags))
    ax.imshow(image, aspect="auto", cmap="magma", vmin=-DB_RANGE, vmax=0,
              interpolation="nearest")
    width = image.shape[1] / len(mags)
    ax.set_xticks((np.arange(len(mags)) + 0.5) * width - 1, labels, fontsize=8)
    ax.set_yticks([])
    ax.set_xlabel("step along the walk (frequency up, time right in each panel)")
    return fig


def grid_figure(grids: dict[str, tuple[torch.Tensor, tuple[float, float, float, float]]],
                n: int) -> Figure:
    """For each model, its `n`×`n` decodes over an extent (x0, x1, y0, y1), row 0 at the top."""
    fig = Figure(figsize=(5.2 * len(grids), 5.2), layout="constrained")
    axes = fig.subplots(1, len(grids), squeeze=False)[0]
    for ax, (name, (mags, extent)) in zip(axes, grids.items(), strict=True):
        ax.imshow(mosaic(_db(mags), n, n), aspect="auto", cmap="magma", vmin=-DB_RANGE,
                  vmax=0, extent=extent, interpolation="nearest")
        ax.set(title=name, xlabel="z₁", ylabel="z₂")
    return fig
