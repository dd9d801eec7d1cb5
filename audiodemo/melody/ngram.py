"""Baselines for next-symbol prediction: always hold, and n-grams with Witten-Bell backoff.

A baseline trained on the same songs as the LSTM tells whether the LSTM learned more than
local statistics. The n-gram interpolates each context length with the next shorter one
(Witten-Bell: a context seen with many different continuations trusts itself less), down to a
uniform distribution, so every symbol has a probability and the NLL is finite.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from audiodemo.melody.vocab import Vocabulary


class AlwaysHold:
    """Predicts the hold symbol everywhere: on this encoding already right most of the time."""

    name = "always hold"

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self.hold = vocab.index["_"]

    def distributions(self, ids: list[int], song=None) -> np.ndarray:
        """`(len(ids) - 1, V)`: all mass on the hold (NLL infinite wherever it is wrong)."""
        out = np.zeros((len(ids) - 1, len(self.vocab)))
        out[:, self.hold] = 1.0
        return out


class NGram:
    """An order-`n` model: P(next | the n - 1 symbols before it), Witten-Bell interpolated."""

    def __init__(self, vocab: Vocabulary, n: int):
        if n < 1:
            raise ValueError(f"n-gram order must be at least 1, got {n}")
        self.vocab, self.n = vocab, n
        self.name = f"{n}-gram"
        # counts[k][context of length k] = Counter of next ids
        self.counts: list[dict[tuple, Counter]] = [defaultdict(Counter) for _ in range(n)]

    def fit(self, sequences: list[list[int]]) -> NGram:
        """Count every position of every sequence (each starting with the end symbol)."""
        for ids in sequences:
            for t in range(1, len(ids)):
                for k in range(self.n):
                    if t - k < 0:
                        break
                    self.counts[k][tuple(ids[t - k : t])][ids[t]] += 1
        return self

    def distribution(self, history: list[int]) -> np.ndarray:
        """P(next symbol) `(V,)` given the symbols so far."""
        v = len(self.vocab)
        p = np.full(v, 1.0 / v)
        for k in range(min(self.n, len(history) + 1)):
            seen = self.counts[k].get(tuple(history[len(history) - k :]) if k else ())
            if not seen:
                break  # a longer context than this was never seen either
            total, distinct = sum(seen.values()), len(seen)
            counts = np.zeros(v)
            counts[list(seen)] = list(seen.values())
            p = (counts + distinct * p) / (total + distinct)
        return p

    def distributions(self, ids: list[int], song=None) -> np.ndarray:
        """`(len(ids) - 1, V)`: the prediction of each symbol after the first."""
        return np.stack([self.distribution(ids[:t]) for t in range(1, len(ids))])
