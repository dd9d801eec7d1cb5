"""Results of a search as Markdown: our trials beside the paper's table."""

from __future__ import annotations

METRICS = {  # by model kind: (metric key, column title, format)
    "vae": [("paper_mse", "test MSE (paper's measure)", "{:.4f}"),
            ("sisdr_5db", "SI-SDR at 5 dB (dB)", "{:.2f}"),
            ("val_mse", "validation MSE", "{:.4f}")],
    "lstm": [("accuracy", "test accuracy (paper's measure)", "{:.3f}"),
             ("onset_accuracy", "onset accuracy", "{:.3f}"),
             ("nll", "NLL (nats/symbol)", "{:.3f}")],
}


def _cell(value, fmt: str = "{}") -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and fmt == "{}":
        return f"{value:.3g}"
    return fmt.format(value)


def rows(data: dict) -> tuple[list[str], list[list[str]]]:
    """Column titles and one row of cells per trial, in trial order."""
    params = []
    for trial in data["trials"]:
        params += [k for k in trial["params"] if k not in params]
    metrics = METRICS[data["kind"]]
    head = ["trial", *params, "epochs trained", *[title for _, title, _ in metrics],
            "minutes", "state"]
    body = []
    for t in data["trials"]:
        epochs = (f"{t['epochs_trained']} of {t['epochs_drawn']}"
                  if t.get("epochs_trained") is not None else "–")
        body.append([str(t["number"]), *[_cell(t["params"].get(p)) for p in params], epochs,
                     *[_cell(t["metrics"].get(key), fmt) for key, _, fmt in metrics],
                     _cell(t["seconds"] / 60 if t.get("seconds") else None, "{:.1f}"),
                     _state(t)])
    return head, body


def _state(trial: dict) -> str:
    """The trial's state; a pruned one says where, and its last validation score."""
    if trial["state"] != "pruned" or not trial.get("validation"):
        return trial["state"]
    epoch, value = max(trial["validation"].items(), key=lambda kv: int(kv[0]))
    return f"pruned after epoch {epoch} (validation {_cell(value, '{:.4g}')})"


def table(head: list[str], body: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in body])


def markdown(data: dict) -> str:
    """Our trials, the paper's table, and the commands that ran the search."""
    head, body = rows(data)
    paper = data["paper"]
    scales = sorted({t["epochs_scale"] for t in data["trials"] if t.get("epochs_scale")})
    parts = [f"### {data['table']}: `{data['search']}` (study `{data['study']}`, "
             f"preset {data['preset']})\n",
             f"Sampler objective: {data['objective_label']} ({data['direction']}). "
             f"Epoch scale: {', '.join(str(s) for s in scales) or '–'}.\n",
             table(head, body), "",
             f"The paper's {data['table']}:\n",
             table(paper["columns"], [[_cell(v) for v in r] for r in paper["rows"]]), "",
             "Commands:\n", *[f"    {c}" for c in data["commands"]], ""]
    return "\n".join(parts)
