"""Pictures of a sound: its waveform, its spectrogram, several on one colour scale, and how
Griffin-Lim converges (`Figure`s without pyplot, see `audiodemo.plots`)."""

from __future__ import annotations

import librosa
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from audiodemo.view import SpectrogramView, pool

WIDE = (9, 3.2)
MAX_WAVE_POINTS = 4000


def waveform_figure(wave: np.ndarray, sample_rate: int, title: str = "") -> Figure:
    """Amplitude against time; long waves are drawn as their min/max envelope."""
    fig = Figure(figsize=(9, 2.2), layout="constrained")
    ax = fig.add_subplot()
    step = max(1, len(wave) // MAX_WAVE_POINTS)
    if step > 1:
        n = len(wave) // step * step
        blocks = wave[:n].reshape(-1, step)  # (points, step)
        t = np.arange(blocks.shape[0]) * step / sample_rate
        ax.fill_between(t, blocks.min(axis=1), blocks.max(axis=1), color="C0", linewidth=0)
    else:
        ax.plot(np.arange(len(wave)) / sample_rate, wave, color="C0", linewidth=0.8)
    ax.set(xlabel="time (s)", ylabel="amplitude", title=title, ylim=(-1.05, 1.05))
    ax.set_xlim(0, len(wave) / sample_rate)
    ax.grid(alpha=0.3)
    return fig


def spectrogram_figure(view: SpectrogramView, cmap: str = "magma", title: str = "") -> Figure:
    """Spectrogram with axes in seconds and Hz and a colour bar."""
    view = pool(view, max_frames=1200, max_rows=600)
    fig = Figure(figsize=WIDE, layout="constrained")
    ax = fig.add_subplot()
    draw_spectrogram(ax, view, cmap, fig=fig)
    ax.set_title(title or f"Spectrogram ({view.scale} frequency scale)")
    return fig


def draw_spectrogram(ax, view: SpectrogramView, cmap: str, fig=None, vmin=None, vmax=None):
    """Draw a view on `ax`; with `fig`, add a colour bar. Returns the image."""
    freqs = view.freqs
    if vmin is None and view.in_db:
        vmin, vmax = -view.db_range, 0.0
    mesh = ax.pcolormesh(
        view.times, freqs, view.values, shading="nearest", cmap=cmap,
        vmin=vmin, vmax=vmax, rasterized=True,
    )
    if view.scale == "log":
        ax.set_yscale("log")
        ax.set_ylim(max(freqs[1], 20.0), freqs[-1])
        ax.yaxis.set_major_formatter(ScalarFormatter())
    elif view.scale == "mel":
        ax.set_yscale("function", functions=(_hz_to_mel, _mel_to_hz))
        ax.set_ylim(0, freqs[-1])
    ax.set(xlabel="time (s)", ylabel="frequency (Hz)")
    if fig is not None:
        fig.colorbar(mesh, ax=ax, label=view.label, pad=0.01)
    return mesh


def _hz_to_mel(f):
    return librosa.hz_to_mel(np.maximum(f, 0.0))


def _mel_to_hz(m):
    return librosa.mel_to_hz(np.maximum(m, 0.0))


def convergence_figure(curves: dict[str, list[float]], highlight: str | None = None) -> Figure:
    """Spectral convergence after 0, 1, ... Griffin-Lim iterations, a line per method, log y."""
    fig = Figure(figsize=(6, 3), layout="constrained")
    ax = fig.add_subplot()
    for name, values in curves.items():
        if not values:
            continue
        width = 2.2 if name == highlight else 1.2
        ax.plot(np.arange(len(values)), values, label=name, linewidth=width)
    ax.set_yscale("log")
    ax.set(xlabel="iteration", ylabel="spectral convergence (lower is better)")
    ax.grid(alpha=0.3, which="both")
    if ax.lines:
        ax.legend()
    return fig


def comparison_figure(views: dict[str, SpectrogramView], cmap: str = "magma") -> Figure:
    """Spectrograms stacked on one time axis, sharing colour limits so levels compare."""
    fig = Figure(figsize=(9, 2.1 * len(views) + 0.4), layout="constrained")
    axes = fig.subplots(len(views), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, view) in zip(axes, views.items(), strict=True):
        mesh = draw_spectrogram(ax, pool(view, 1200, 400), cmap)
        ax.set_title(name, fontsize=10, loc="right")
        if ax is not axes[-1]:
            ax.set_xlabel("")
    fig.colorbar(mesh, ax=list(axes), label=next(iter(views.values())).label, pad=0.01)
    return fig
