"""The form of a melody, bar by bar: which bars repeat or nearly repeat which, and which
earlier bars the transformer attended to while writing each one (issue 16).

Bars are counted from the first downbeat (a pickup before it is left out, and so is a last
bar cut short), as `audiodemo.melody.statistics` counts them. Two bars are compared step by
step (sixteenths): `similarity` is the share of steps whose symbols agree (1.0: the same
bar), and `onset_differences` counts the steps where they differ and at least one of them
starts a note; a bar *nearly repeats* another when at most `NEAR_ONSETS` onsets differ.
"""

from __future__ import annotations

import numpy as np
import torch

from audiodemo.melody.symbols import END, is_onset

NEAR_ONSETS = 2  # onsets two bars may differ in and still nearly repeat


def first_downbeat(steps_per_bar: int, pickup: int) -> int:
    """The index of the first symbol on a downbeat, `pickup` being the first symbol's
    position in its bar."""
    return (steps_per_bar - pickup) % steps_per_bar


def bars_of(symbols: list[str], steps_per_bar: int, pickup: int = 0) -> list[tuple[str, ...]]:
    """The whole bars of `symbols`, from the first downbeat."""
    start = first_downbeat(steps_per_bar, pickup)
    return [tuple(symbols[i : i + steps_per_bar])
            for i in range(start, len(symbols) - steps_per_bar + 1, steps_per_bar)]


def bars_before(length: int, steps_per_bar: int, pickup: int = 0) -> int:
    """How many of the bars (`bars_of`) begin within the first `length` symbols (a seed)."""
    return -(-max(length - first_downbeat(steps_per_bar, pickup), 0) // steps_per_bar)


def onset_differences(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """Steps where bars `a` and `b` differ and at least one starts a note."""
    return sum(x != y and (is_onset(x) or is_onset(y)) for x, y in zip(a, b, strict=True))


def self_similarity(bars: list[tuple[str, ...]]) -> np.ndarray:
    """`(N, N)` shares of steps on which bar i and bar j agree."""
    n = len(bars)
    out = np.ones((n, n))
    for i in range(n):
        for j in range(i):
            out[i, j] = out[j, i] = np.mean([x == y for x, y in zip(bars[i], bars[j],
                                                                     strict=True)])
    return out


def repeats(bars: list[tuple[str, ...]], first: int = 1) -> dict[str, float]:
    """Of the bars from index `first` on (at least 1), the share equal to an earlier bar
    (`bar_repetition`) and the share equal or nearly equal to one (`near_repetition`)."""
    first = max(first, 1)
    same, near = [], []
    for k in range(first, len(bars)):
        same.append(bars[k] in bars[:k])
        near.append(any(onset_differences(bars[k], b) <= NEAR_ONSETS for b in bars[:k]))
    return {"bar_repetition": float(np.mean(same)) if same else 0.0,
            "near_repetition": float(np.mean(near)) if near else 0.0}


def bar_attention(weights: np.ndarray, length: int, steps_per_bar: int,
                  pickup: int = 0) -> np.ndarray:
    """Attention per bar from a full pass's weights `(L, L)` (averaged over layers and
    heads) over a melody of `length` = L symbols: entry [i, j] is the attention the
    positions writing bar i gave to the symbols of bar j, summed over those symbols and
    averaged over the positions; `(N, N)` for the N whole bars, zero above the diagonal.

    The input at column t holds symbol t - 1 (column 0: the start symbol) and writes
    symbol t, so the keys of bar j's symbols are one column later than the symbols.
    """
    start = first_downbeat(steps_per_bar, pickup)
    n = len(bars_of(["_"] * length, steps_per_bar, pickup))
    out = np.zeros((n, n))
    for i in range(n):
        queries = slice(start + i * steps_per_bar, start + (i + 1) * steps_per_bar)
        for j in range(i + 1):
            keys = slice(start + j * steps_per_bar + 1, start + (j + 1) * steps_per_bar + 1)
            out[i, j] = weights[queries, keys].sum(axis=1).mean()
    return out


def repeat_marks(bars: list[tuple[str, ...]]) -> np.ndarray:
    """`(N, N)` texts below the diagonal: "=" where bar i equals an earlier bar j, "≈" where
    it nearly does."""
    n = len(bars)
    marks = np.full((n, n), "", dtype=object)
    for i in range(n):
        for j in range(i):
            if bars[i] == bars[j]:
                marks[i, j] = "="
            elif onset_differences(bars[i], bars[j]) <= NEAR_ONSETS:
                marks[i, j] = "≈"
    return marks


def melody_attention(net, vocab, symbols: list[str], steps_per_bar: int,
                     pickup: int = 0) -> np.ndarray | None:
    """Attention per bar (`bar_attention`) of a transformer `net` over `symbols`, averaged
    over its layers and heads; None for a net without attention (an LSTM)."""
    if not hasattr(net, "attention") or not symbols:
        return None
    ids = torch.tensor([[vocab.index[END], *vocab.encode(symbols)][:-1]])
    weights = net.attention(ids, torch.tensor([steps_per_bar]), torch.tensor([pickup]))
    mean = weights.mean(dim=(0, 2))[0].double().numpy()  # (T, T): over layers and heads
    return bar_attention(mean, len(symbols), steps_per_bar, pickup)
