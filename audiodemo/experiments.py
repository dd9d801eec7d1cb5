"""What the Experiments tab shows: the searches' saved results and the shipped models' logs.

Read only from files: `results/*.json` (written by `python -m audiodemo.search`;
`$AUDIODEMO_RESULTS` names another folder) and the CSV logs beside the checkpoints. Nothing
here trains.
"""

from __future__ import annotations

import csv
import json
import math

from matplotlib.figure import Figure

from audiodemo.paths import CHECKPOINTS, results_dir
from audiodemo.search.report import markdown
from audiodemo.search.spaces import SEARCHES

LOG_COLUMNS = [("train_loss", "val_loss"), ("train_nll", "val_nll")]  # denoisers; melody


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
    """Each drawn setting against the search's objective, one panel per setting; pruned
    and failed trials in grey at the bottom."""
    data = load_results(search)
    if data is None or not data["trials"]:
        return None
    params = []
    for t in data["trials"]:
        params += [k for k in t["params"] if k not in params]
    fig = Figure(figsize=(3.2 * max(1, len(params)), 3.2), layout="constrained")
    done = [t for t in data["trials"] if t["state"] == "complete" and t["value"] is not None]
    low = min((t["value"] for t in done), default=0.0)
    for i, name in enumerate(params):
        ax = fig.add_subplot(1, len(params), i + 1)
        values = [t["params"].get(name) for t in data["trials"]]
        categorical = any(isinstance(v, str) for v in values)
        labels = sorted({v for v in values if v is not None}) if categorical else []

        def x(value, labels=labels):
            return labels.index(value) if labels else value

        for t in data["trials"]:
            if name not in t["params"]:
                continue
            if t in done:
                ax.plot(x(t["params"][name]), t["value"], "o", color="tab:blue")
            else:
                ax.plot(x(t["params"][name]), low, "x", color="0.6")
        if labels:
            ax.set_xticks(range(len(labels)), labels)
        elif name == "lr":
            ax.set_xscale("log")
        ax.set_xlabel(name)
        if i == 0:
            better = "lower" if data["direction"] == "minimize" else "higher"
            ax.set_ylabel(f"{data['objective_metric']} ({better} is better)")
        ax.grid(alpha=0.3)
    fig.suptitle(f"{data['table']}: {len(done)} completed trials, {data['objective_label']} "
                 f"(grey ×: pruned or failed)")
    return fig


def shipped_logs() -> list[str]:
    """Names of the checkpoints that have a training log."""
    return sorted(p.stem for p in CHECKPOINTS.glob("*.csv") if (p.with_suffix(".pt")).is_file())


def loss_figure(name: str) -> Figure:
    """Training and validation loss per epoch of a shipped checkpoint."""
    if name not in shipped_logs():
        raise ValueError(f"No training log for {name!r}; choose from {shipped_logs()}")
    with open(CHECKPOINTS / f"{name}.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    train, val = next((a, b) for a, b in LOG_COLUMNS if a in rows[0])
    epochs = [int(r["epoch"]) for r in rows]
    fig = Figure(figsize=(6, 3.2), layout="constrained")
    ax = fig.add_subplot()
    for key, label in ((train, "training"), (val, "validation")):
        ax.plot(epochs, [float(r[key]) for r in rows], label=label)
    if all(float(r[val]) > 0 and math.isfinite(float(r[val])) for r in rows):
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel=val.removeprefix("val_").replace("_", " "),
           title=f"checkpoints/{name}.pt")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig
