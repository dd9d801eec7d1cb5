"""What sampling does: a melody model's chances for the next symbol at one step, as it
predicted them (temperature 1) and as they were drawn from (the chosen temperature)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from audiodemo.melody.symbols import END, HOLD, REST, is_onset
from audiodemo.pitch import PITCH_CLASSES

SHOWN = 12  # the likeliest symbols shown


def symbol_label(symbol: str) -> str:
    """"60" -> "C4", "_" -> "hold", "r" -> "rest", the end symbol -> "end"."""
    if is_onset(symbol):
        midi = int(symbol)
        return f"{PITCH_CLASSES[midi % 12]}{midi // 12 - 1}"
    return {HOLD: "hold", REST: "rest", END: "end"}.get(symbol, symbol)


def tempered_chances(p: np.ndarray, temperature: float) -> np.ndarray:
    """Chances `p` at a temperature: proportional to p ** (1 / T), as sampling draws."""
    logp = np.log(np.clip(p, 1e-300, None)) / temperature
    q = np.exp(logp - logp.max())
    return q / q.sum()


def chances_figure(p: np.ndarray, vocab: list[str], temperature: float, drawn: str,
                   title: str, drawn_from: np.ndarray | None = None) -> Figure:
    """Bars of the `SHOWN` likeliest symbols under `p` (the model's, at T = 1) and at
    `temperature` (`drawn_from`, default `p` tempered); the symbol that was drawn is among
    them, marked."""
    q = tempered_chances(p, temperature) if drawn_from is None else drawn_from
    order = [int(i) for i in np.argsort(-np.maximum(p, q))[:SHOWN]]
    if drawn in vocab and vocab.index(drawn) not in order:
        order[-1] = vocab.index(drawn)
    x = np.arange(len(order))
    fig = Figure(figsize=(7.5, 3.2), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(x - 0.2, p[order], width=0.4, label="the model's (T = 1)", color="tab:gray")
    ax.bar(x + 0.2, q[order], width=0.4, label=f"drawn from (T = {temperature:g})",
           color="tab:orange")
    labels = [symbol_label(vocab[i]) for i in order]
    ax.set_xticks(x, labels, rotation=45 if len(order) > 8 else 0)
    for tick, i in zip(ax.get_xticklabels(), order, strict=True):
        if vocab[i] == drawn:
            tick.set_fontweight("bold")
            tick.set_color("tab:red")
    ax.set(ylabel="chance", ylim=(0, 1), title=title)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return fig
