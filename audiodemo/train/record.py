"""What a training leaves beside its checkpoint: the CSV log, the loss curve, and the
command that made it, written without paths of this machine."""

from __future__ import annotations

import csv
import shlex
from pathlib import Path

from audiodemo.plots.training import loss_curve_figure


def write_log(rows: list[dict], out: Path) -> None:
    """`out` with `.csv` (one row per epoch) and `.png` (the loss curve)."""
    with open(out.with_suffix(".csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    loss_curve_figure(rows, title=out.stem).savefig(out.with_suffix(".png"), dpi=100)


def portable(path: str | Path) -> str:
    """A path as a record may show it: relative to here, or just its name."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return f".../{Path(path).name}"


def command(kind: str, preset: str, out: Path, data: str | None, settings: list[str],
            seed: int, init: str | None, held_out_speaker: str | None) -> str:
    """The `python -m audiodemo.train` command that repeats a training."""
    words = [kind, "--preset", preset]
    if data is not None:
        words += ["--data", data]
    words += ["--out", portable(out)]
    for item in settings:
        words += ["--set", item]
    if init:
        words += ["--init", portable(init)]
    if held_out_speaker:
        words += ["--held-out-speaker", held_out_speaker]
    if seed:
        words += ["--seed", str(seed)]
    return "python -m audiodemo.train " + shlex.join(words)
