"""What the Experiments tab shows: the searches' saved results and the shipped models' logs.

Read only from files: `results/*.json` (written by `python -m audiodemo.search`;
`$AUDIODEMO_RESULTS` names another folder) and the CSV logs beside the checkpoints. Nothing
here trains.
"""

from __future__ import annotations

import csv
import json

from matplotlib.figure import Figure

from audiodemo.paths import CHECKPOINTS, results_dir
from audiodemo.plots.training import loss_curve_figure, trials_figure
from audiodemo.search.report import markdown
from audiodemo.search.spaces import SEARCHES


def load_results(search: str) -> dict | None:
    """The saved study of a search (its default study name), or None if there is none."""
    if search not in SEARCHES:
        raise ValueError(f"No search {search!r}; choose from {sorted(SEARCHES)}")
    path = results_dir() / f"{search}.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise ValueError(f"Cannot read the results of {search}: {err}") from None


def search_table(search: str) -> str:
    """Our trials and the paper's table as Markdown, or how to make them."""
    data = load_results(search)
    if data is None:
        return (f"### {SEARCHES[search].table}: `{search}`\n\nNo results saved yet: run "
                f"`python -m audiodemo.search {search} --trials 8 --epochs-scale 0.05`.\n")
    return markdown(data)


def search_figure(search: str) -> Figure | None:
    """The plot of a search's trials (`trials_figure`), or None before it has any."""
    data = load_results(search)
    return None if data is None or not data["trials"] else trials_figure(data)


def shipped_logs() -> list[str]:
    """Names of the checkpoints that have a training log."""
    return sorted(p.stem for p in CHECKPOINTS.glob("*.csv") if (p.with_suffix(".pt")).is_file())


def loss_figure(name: str) -> Figure:
    """Training and validation loss per epoch of a shipped checkpoint."""
    if name not in shipped_logs():
        raise ValueError(f"No training log for {name!r}; choose from {shipped_logs()}")
    with open(CHECKPOINTS / f"{name}.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return loss_curve_figure(rows, title=f"checkpoints/{name}.pt")
