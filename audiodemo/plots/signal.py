"""Pictures of a sound: its waveform, its spectrogram, several on one colour scale, and how
Griffin-Lim converges (`Figure`s without pyplot, see `audiodemo.plots`)."""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter, ScalarFormatter

from audiodemo.pitch import PITCH_CLASSES, PitchTrack
from audiodemo.view import SpectrogramView, pool

WIDE = (9, 3.2)
MAX_WAVE_POINTS = 4000


def waveform_figure(wave: np.ndarray, sample_rate: int, title: str = "",
                    offset: float = 0.0) -> Figure:
    """Amplitude against time (from `offset` seconds: an excerpt at its place in the sound);
    long waves are drawn as their min/max envelope."""
    fig = Figure(figsize=(9, 2.2), layout="constrained")
    ax = fig.add_subplot()
    step = max(1, len(wave) // MAX_WAVE_POINTS)
    if step > 1:
        n = len(wave) // step * step
        blocks = wave[:n].reshape(-1, step)  # (points, step)
        t = offset + np.arange(blocks.shape[0]) * step / sample_rate
        ax.fill_between(t, blocks.min(axis=1), blocks.max(axis=1), color="C0", linewidth=0)
    else:
        ax.plot(offset + np.arange(len(wave)) / sample_rate, wave, color="C0", linewidth=0.8)
    ax.set(xlabel="time (s)", ylabel="amplitude", title=title, ylim=(-1.05, 1.05))
    ax.set_xlim(offset, offset + len(wave) / sample_rate)
    ax.grid(alpha=0.3)
    return fig


@dataclass
class Overlay:
    """What is drawn over a spectrogram: a pitch track, a harmonic series, note names."""

    pitch: PitchTrack | None = None
    harmonics: np.ndarray | None = None  # Hz
    notes: bool = False  # the frequency axis in note names


def spectrogram_figure(view: SpectrogramView, cmap: str = "magma", title: str = "",
                       overlay: Overlay | None = None) -> Figure:
    """Spectrogram with axes in seconds and Hz and a colour bar."""
    return spectrograms_figure([(title or f"Spectrogram ({view.scale} frequency scale)",
                                 view)], cmap, overlay)


def spectrograms_figure(views: list[tuple[str, SpectrogramView]], cmap: str = "magma",
                        overlay: Overlay | None = None) -> Figure:
    """Spectrograms side by side (two settings of one sound), each with its colour bar."""
    fig = Figure(figsize=WIDE if len(views) == 1 else (12, 3.6), layout="constrained")
    for k, (title, view) in enumerate(views):
        ax = fig.add_subplot(1, len(views), k + 1)
        draw_spectrogram(ax, pool(view, max_frames=1200, max_rows=600), cmap, fig=fig)
        if overlay is not None:
            draw_overlay(ax, view, overlay)
        ax.set_title(title, fontsize=10 if len(views) > 1 else None)
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
    if view.scale in ("log", "cqt"):
        ax.set_yscale("log")
        ax.set_ylim(max(freqs[0] if view.scale == "cqt" else freqs[1], 20.0), freqs[-1])
        ax.yaxis.set_major_formatter(ScalarFormatter())
    elif view.scale == "mel":
        ax.set_yscale("function", functions=(_hz_to_mel, _mel_to_hz))
        ax.set_ylim(0, freqs[-1])
    ax.set(xlabel="time (s)", ylabel="frequency (Hz)")
    if view.scale == "chroma":
        ax.set_yticks(range(12), PITCH_CLASSES)
        ax.set_ylabel("pitch class")
    if fig is not None:
        fig.colorbar(mesh, ax=ax, label=view.label, pad=0.01)
    return mesh


def draw_overlay(ax, view: SpectrogramView, overlay: Overlay) -> None:
    """The pitch track (cyan), the harmonic series (dashed, numbered) and note names on the
    frequency axis, on a spectrogram of any scale but chroma."""
    if view.scale == "chroma":
        return
    top = float(view.freqs[-1])
    if overlay.harmonics is not None:
        for k, hz in enumerate(overlay.harmonics, start=1):
            ax.axhline(hz, color="white", linestyle="--", linewidth=0.8, alpha=0.8)
            ax.text(view.times[-1] if len(view.times) else 0, hz, f" {k}f", color="white",
                    fontsize=7, va="center", ha="right")
    if overlay.pitch is not None and overlay.pitch.voiced.any():
        ax.plot(overlay.pitch.times, overlay.pitch.f0, color="cyan", linewidth=1.5,
                label="pitch (pYIN)")
        ax.legend(loc="upper right", fontsize=7, framealpha=0.6)
    if overlay.notes:
        low = max(float(ax.get_ylim()[0]), 20.0)
        cs = [librosa.note_to_hz(f"C{o}") for o in range(0, 10)]
        ticks = [f for f in cs if low <= f <= top]
        ax.set_yticks(ticks, [librosa.hz_to_note(f, unicode=False) for f in ticks])
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_ylabel("note (C of each octave)")


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


def comparison_figure(views: dict[str, SpectrogramView], cmap: str = "magma",
                      band: float | None = None) -> Figure:
    """Spectrograms stacked on one time axis, sharing colour limits so levels compare; with
    `band` (Hz), a line where the model's own band ends."""
    fig = Figure(figsize=(9, 2.1 * len(views) + 0.4), layout="constrained")
    axes = fig.subplots(len(views), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, view) in zip(axes, views.items(), strict=True):
        mesh = draw_spectrogram(ax, pool(view, 1200, 400), cmap)
        ax.set_title(name, fontsize=10, loc="right")
        if band is not None:
            ax.axhline(band, color="cyan", linestyle=":", linewidth=1.2,
                       label=f"the model's band ends ({band / 1000:g} kHz)")
            ax.legend(loc="upper left", fontsize=7, framealpha=0.6)
        if ax is not axes[-1]:
            ax.set_xlabel("")
    fig.colorbar(mesh, ax=list(axes), label=next(iter(views.values())).label, pad=0.01)
    return fig
