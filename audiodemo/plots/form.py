"""Pictures of a melody's form (`audiodemo.melody.form`): bar-by-bar self-similarity, and the
transformer's attention per bar."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

MARKED_BARS = 24  # up to this many bars, repeats are marked in their cells


@dataclass
class FormPanel:
    """One square picture: `values` `(N, N)` in [0, 1], rows and columns bars 1..N."""

    title: str
    values: np.ndarray
    attention: bool = False  # attention per bar (lower triangle) rather than similarity
    marks: np.ndarray | None = None  # (N, N) text per cell: "=" repeats, "≈" nearly
    seed_bars: int = 0  # the first bars, the seed's, are outlined


def form_figure(rows: list[list[FormPanel | None]]) -> Figure:
    """Rows of panels, each with its colour bar; a None leaves its place empty."""
    columns = max((len(r) for r in rows), default=1)
    fig = Figure(figsize=(4.1 * columns, 3.9 * max(len(rows), 1)), layout="constrained")
    places = [(r * columns + c + 1, p) for r, row in enumerate(rows) for c, p in enumerate(row)
              if p is not None]
    for place, panel in places:
        ax = fig.add_subplot(max(len(rows), 1), columns, place)
        n = len(panel.values)
        if not n:
            ax.set_axis_off()
            ax.set_title(panel.title)
            ax.text(0.5, 0.5, "no whole bar", ha="center", va="center", transform=ax.transAxes)
            continue
        values = np.where(np.tri(n, dtype=bool), panel.values, np.nan) if panel.attention \
            else panel.values
        top = max(float(np.nanmax(values)), 1e-6) if panel.attention else 1.0
        image = ax.imshow(values, cmap="viridis" if panel.attention else "magma_r",
                          vmin=0.0, vmax=top, origin="upper", aspect="equal",
                          extent=(0.5, n + 0.5, n + 0.5, 0.5), interpolation="nearest")
        fig.colorbar(image, ax=ax, shrink=0.8,
                     label="attention" if panel.attention else "share of steps alike")
        if panel.marks is not None and n <= MARKED_BARS:
            for (i, j), text in np.ndenumerate(panel.marks):
                if text:
                    ax.text(j + 1, i + 1, text, ha="center", va="center", fontsize=8,
                            color="white")
        if panel.seed_bars:
            edge = panel.seed_bars + 0.5
            ax.plot([0.5, edge, edge, 0.5, 0.5], [0.5, 0.5, edge, edge, 0.5], color="tab:cyan",
                    linewidth=1.5, label="seed")
            ax.legend(loc="upper right", fontsize=7, framealpha=0.6)
        step = max(1, int(np.ceil(n / 12)))
        ticks = list(range(1, n + 1, step))
        ax.set_xticks(ticks)
        ax.set_yticks(ticks)
        ax.set(title=panel.title,
               xlabel="earlier bar" if panel.attention else "bar",
               ylabel="bar being written" if panel.attention else "bar")
    return fig
