"""Pictures of training: a model's loss per epoch, and a search's trials against its objective."""

from __future__ import annotations

import math

from matplotlib.figure import Figure


def loss_curve_figure(rows: list[dict], title: str) -> Figure:
    """Training and validation loss per epoch of a training log's rows (numbers, or their
    text as read back from the CSV). Log scale where every validation value is positive and
    finite."""
    train, val = "train_loss", "val_loss"
    epochs = [int(r["epoch"]) for r in rows]
    fig = Figure(figsize=(6, 3.2), layout="constrained")
    ax = fig.add_subplot()
    for key, label in ((train, "training"), (val, "validation")):
        ax.plot(epochs, [float(r[key]) for r in rows], label=label)
    if all(float(r[val]) > 0 and math.isfinite(float(r[val])) for r in rows):
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel=val.removeprefix("val_").replace("_", " "), title=title)
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def trials_figure(data: dict) -> Figure:
    """Each drawn setting of a search's saved results (`audiodemo.search.study.results`)
    against its objective, one panel per setting; pruned and failed trials in grey at the
    bottom."""
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
