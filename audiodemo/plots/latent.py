"""Pictures of decoded latent points: a pair, a walk (a strip) and a grid over the plane.

Decoded magnitudes are shown in dB relative to one shared peak, so panels compare; a strip
or grid is drawn as one image (a mosaic with thin gaps), which stays fast for 15×15 decodes.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from audiodemo.spectrogram import SpectrogramConfig, amplitude_to_db

DB_RANGE = 80.0


def _db(mags: torch.Tensor) -> np.ndarray:
    """`(n, F, N)` magnitudes -> dB re their shared peak, floored at -DB_RANGE."""
    peak = max(float(mags.max()), 1e-12)
    return amplitude_to_db(mags / peak, floor_db=-DB_RANGE).numpy()


def pair_figure(mags: dict[str, torch.Tensor], cfg: SpectrogramConfig) -> Figure:
    """Spectrograms `(F, N)` side by side in seconds and Hz, on shared colour limits."""
    db = _db(torch.stack(list(mags.values())))
    # a fixed layout: constrained layout doubles the time to render, and a click is waiting
    width = 3.0 * len(mags) + 1.8  # inches: panels, then 0.8 left and 1.0 right of them
    fig = Figure(figsize=(width, 2.8), dpi=90)
    right = 1 - 1.0 / width
    fig.subplots_adjust(left=0.8 / width, right=right, bottom=0.17, top=0.88, wspace=0.08)
    axes = fig.subplots(1, len(mags), sharey=True, squeeze=False)[0]
    extent = (0, db.shape[-1] * cfg.frame_seconds, 0, cfg.sample_rate / 2)
    for ax, name, values in zip(axes, mags, db, strict=True):
        # imshow, not pcolormesh: a click's figure must render in tens of milliseconds
        image = ax.imshow(values, origin="lower", aspect="auto", extent=extent, cmap="magma",
                          vmin=-DB_RANGE, vmax=0, interpolation="nearest")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("time (s)")
    axes[0].set_ylabel("frequency (Hz)")
    bar = fig.add_axes((right + 0.15 / width, 0.17, 0.12 / width, 0.71))
    fig.colorbar(image, cax=bar, label="dB re peak")
    return fig


def mosaic(db: np.ndarray, rows: int, cols: int, gap: int = 2,
           pool: tuple[int, int] = (1, 1)) -> np.ndarray:
    """`(rows·cols, F, N)` panels -> one image with `gap` blank pixels between panels, low
    bins down; each panel first max-pooled by `pool` (bins, frames) so small panels keep
    their peaks and the gaps survive on screen."""
    if pool != (1, 1):
        db = torch.nn.functional.max_pool2d(torch.from_numpy(db)[:, None], pool,
                                            ceil_mode=True)[:, 0].numpy()
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
    for ax, (name, (mags, (x0, x1, y0, y1))) in zip(axes, grids.items(), strict=True):
        # the decodes sit at the cell centres, the extent's edges included: widen by half a cell
        dx, dy = (x1 - x0) / max(n - 1, 1) / 2, (y1 - y0) / max(n - 1, 1) / 2
        extent = (x0 - dx, x1 + dx, y0 - dy, y1 + dy)
        ax.imshow(mosaic(_db(mags), n, n, gap=3, pool=(4, 2)), aspect="auto", cmap="magma",
                  vmin=-DB_RANGE,
                  vmax=0, extent=extent, interpolation="nearest")
        ax.set(title=name, xlabel="z₁", ylabel="z₂")
    return fig
