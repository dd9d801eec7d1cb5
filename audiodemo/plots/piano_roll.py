"""A piano roll of melodies played one after another: pitch against the player's seconds,
the seed grey, each continuation in its own colour (a `Figure` without pyplot)."""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure

from audiodemo.pitch import PITCH_CLASSES


@dataclass(frozen=True)
class RollPart:
    """One melody of the player: its notes `(pitch, start, end)` in the player's seconds,
    where it starts, and where its seed ends."""

    label: str
    notes: list[tuple[int, float, float]]
    start: float
    seed_end: float


def piano_roll_figure(parts: list[RollPart], seconds: float) -> Figure:
    """The parts on one time axis of `seconds`, octaves marked by their C."""
    fig = Figure(figsize=(9, 2.6), layout="constrained")
    ax = fig.add_subplot()
    pitches = [p for part in parts for p, _, _ in part.notes] or [60]
    for k, part in enumerate(parts):
        for pitch, start, end in part.notes:
            seed = start < part.seed_end - 1e-9
            ax.barh(pitch, end - start, left=start, height=0.8, align="center",
                    color="0.6" if seed else f"C{k % 10}", edgecolor="none")
        ax.axvline(part.start, color="0.3", linewidth=0.8, linestyle=":")
        ax.text(part.start, max(pitches) + 1.5, f" {part.label}", fontsize=8, va="bottom")
    low, high = min(pitches) - 2, max(pitches) + 4
    cs = [p for p in range(low, high + 1) if p % 12 == 0]
    ax.set_yticks(cs, [f"{PITCH_CLASSES[0]}{p // 12 - 1}" for p in cs])
    ax.set(xlabel="time (s)", ylabel="pitch", xlim=(0, seconds), ylim=(low, high),
           title="Piano roll (grey: the seed)")
    ax.grid(axis="y", alpha=0.3)
    return fig
