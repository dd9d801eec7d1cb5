"""Deciding to repeat a bar: a small head that, at every bar line, chooses between writing a
new bar and copying one of the bars before it, mixed with any next-symbol model (issue 16).

Why: scored on split 0's test songs, a bar that repeats one of the 16 before it gets a median
chance of 0.007 from our lookback LSTM (0.004 from the transformer, 0.0001 from the paper's
LSTM), so sampling a bar's symbols one by one almost never repeats a whole bar, while a
quarter of those songs' bars (after the first) are such repeats. Magenta's Lookback RNN and
Music Transformer leave the decision inside the next-symbol model; this head makes it once
per bar, as a pointer (the copy mechanism of pointer-generator networks, at the level of
bars).

The model: at the downbeat of bar k (bars counted as `audiodemo.melody.form` counts them,
k >= 1), a choice z among "new" and "copy bar k - d" for d = 1 … `MAX_BACK`, with chances
softmax(w · features). Then every symbol of the bar is drawn from the mixture

    P(s | prefix) = Σ_z P(z | prefix) · P(s | z, prefix)

where "new" is the next-symbol model and "copy d" takes, with a learned chance λ, the
symbol at the same step of bar k - d, else one from the model (so a copy may vary its bar,
as songs vary a repeated bar in a note or two); P(z | prefix) is the choice's chance
updated by the bar's symbols so far (each choice weighed by its chances of them).
This is an exact autoregressive model: its chance of a whole song is the product of these,
so its NLL compares with the others', and drawing symbol by symbol from it is drawing z and
then the bar. Whether the song ends here is the model's alone: a copy's "take the bar's
symbol" part goes on with the model's chance of not ending, so a repeated last bar ends a
song as readily as a new one.

Features of "copy d" (those of "new" are a bias alone): d itself (one-hot up to 8, then
one column for 9-16), whether the bar before equals the one d before it (a phrase being
repeated goes on being repeated), whether two bars before did too, and whether bar k starts
a four-bar phrase and d is a multiple of four (AABA forms). `audiodemo.melody.repeats_fit`
sets w by the exact likelihood of songs under the mixture.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from audiodemo.melody.form import bars_of, first_downbeat

MAX_BACK = 16  # bars a copy may reach back
N_FEATURES = 12


def repeats_beside(checkpoint: str | os.PathLike) -> Path:
    """Where the bar-repeat head of a model's checkpoint lies: `NAME_repeats.pt` beside it."""
    path = Path(checkpoint)
    return path.with_name(f"{path.stem}_repeats.pt")


def copy_features(bars: list[tuple], k: int) -> np.ndarray:
    """`(MAX_BACK, N_FEATURES)` features of copying bar k - d, d = 1 … MAX_BACK, given the
    whole bars before bar k (rows past k are zero: those copies do not exist)."""
    out = np.zeros((MAX_BACK, N_FEATURES))
    for d in range(1, min(k, MAX_BACK) + 1):
        f = out[d - 1]
        f[min(d, 9) - 1] = 1.0  # d = 1 … 8, and 9-16
        f[9] = float(k - 1 - d >= 0 and bars[k - 1] == bars[k - 1 - d])
        f[10] = float(k - 2 - d >= 0 and bars[k - 2] == bars[k - 2 - d])
        f[11] = float(k % 4 == 0 and d % 4 == 0)
    return out


@dataclass
class RepeatConfig:
    max_back: int = MAX_BACK
    n_features: int = N_FEATURES


class RepeatHead(nn.Module):
    """Scores of the choices at a bar line: "new" (a learned bias) and each copy."""

    name = "bar repeats"

    def __init__(self, config: RepeatConfig):
        super().__init__()
        if (config.max_back, config.n_features) != (MAX_BACK, N_FEATURES):
            raise ValueError(f"A repeat head has {MAX_BACK} copies of {N_FEATURES} features")
        self.config = config
        self.weights = nn.Parameter(torch.zeros(config.n_features))
        self.new_bias = nn.Parameter(torch.tensor(3.0))
        self.keep = nn.Parameter(torch.tensor(4.0))  # logit of a copy keeping each symbol

    def kept(self) -> float:
        """The chance λ that a copy takes each symbol from its bar (else from the model)."""
        return float(torch.sigmoid(self.keep.detach()))

    def log_chances(self, features: torch.Tensor, exists: torch.Tensor) -> torch.Tensor:
        """`(..., 1 + D)` log chances of "new" then copy d = 1 … D, from features
        `(..., D, n_features)` and which copies exist `(..., D)` (bool)."""
        copies = (features.float() @ self.weights).masked_fill(~exists, -torch.inf)
        new = self.new_bias.expand(copies.shape[:-1])[..., None]
        return torch.log_softmax(torch.cat([new, copies], dim=-1), dim=-1)


class BarChoice:
    """The choice of `RepeatHead` for K melodies at once, followed symbol by symbol: `mix`
    turns the next-symbol model's chances into the mixture's, `observe` takes the symbol
    that came. Symbol t of a melody (0-based, `pickup` its position in the first bar) is
    written after the ids of symbols 0 … t - 1; `end` is the end symbol's id."""

    def __init__(self, head: RepeatHead, rows: int, steps_per_bar: int, pickup: int,
                 end: int):
        self.head, self.rows, self.bar, self.pickup = head, rows, steps_per_bar, pickup
        self.end = end
        self.start = first_downbeat(steps_per_bar, pickup)
        self.log_w: np.ndarray | None = None  # (K, 1 + MAX_BACK); None before bar 1
        self.sources = np.full((rows, MAX_BACK, steps_per_bar), -1)  # ids of the copies

    def _offset(self, t: int) -> int:
        return (t - self.start) % self.bar

    @torch.no_grad()
    def mix(self, t: int, history: np.ndarray, p: np.ndarray) -> np.ndarray:
        """`(K, V)` chances of symbol t, from the model's `p` `(K, V)` and the ids of the
        symbols before it `history` `(K, t)`."""
        if t >= self.start + self.bar and self._offset(t) == 0:
            self._bar_line(history)
        if self.log_w is None:
            return p
        w = np.exp(self.log_w - self.log_w.max(axis=1, keepdims=True))
        w /= w.sum(axis=1, keepdims=True)
        keep = self.head.kept()
        copies = w[:, 1:].sum(axis=1, keepdims=True)
        out = (w[:, :1] + (1 - keep) * copies) * p
        ids = self.sources[:, :, self._offset(t)]
        rows = np.repeat(np.arange(self.rows), MAX_BACK)
        live = ids.ravel() >= 0
        going_on = (keep * w[:, 1:] * (1 - p[:, self.end : self.end + 1])).ravel()
        np.add.at(out, (rows[live], ids.ravel()[live]), going_on[live])
        out[:, self.end] += keep * copies[:, 0] * p[:, self.end]
        return out

    def observe(self, t: int, symbols: np.ndarray, p: np.ndarray) -> None:
        """Symbol t came: ids `symbols` `(K,)`; `p` `(K, V)` the model's chances of it."""
        if self.log_w is None:
            return
        rows, keep = np.arange(self.rows), self.head.kept()
        chance = p[rows, symbols][:, None]
        ids = self.sources[:, :, self._offset(t)]
        from_bar = np.where(symbols[:, None] == self.end, p[rows, self.end][:, None],
                            (ids == symbols[:, None]) * (1 - p[rows, self.end])[:, None])
        with np.errstate(divide="ignore"):
            self.log_w[:, 0] += np.log(chance[:, 0])
            self.log_w[:, 1:] += np.log(keep * from_bar + (1 - keep) * chance)

    def _bar_line(self, history: np.ndarray) -> None:
        features = np.zeros((self.rows, MAX_BACK, N_FEATURES))
        self.sources[:] = -1
        for r in range(self.rows):
            bars = bars_of(list(history[r]), self.bar, self.pickup)
            k = len(bars)
            features[r] = copy_features(bars, k)
            for d in range(1, min(k, MAX_BACK) + 1):
                self.sources[r, d - 1] = bars[k - d]
        exists = torch.from_numpy(self.sources[:, :, 0] >= 0)
        self.log_w = self.head.log_chances(torch.from_numpy(features), exists).double().numpy()


def mixed_distributions(head: RepeatHead, ids: list[int], base: np.ndarray,
                        steps_per_bar: int, pickup: int, end: int) -> np.ndarray:
    """The mixture's `(len(ids), V)` chances of each symbol of a song given the ones
    before, from the model's `base` chances of the same `(len(ids), V)` (teacher forcing;
    `ids` are the song's symbols then the end symbol `end`, each row predicting one)."""
    choice = BarChoice(head, 1, steps_per_bar, pickup, end)
    history = np.asarray(ids)[None]
    out = np.empty_like(base)
    for t, s in enumerate(ids):
        out[t] = choice.mix(t, history[:, :t], base[t : t + 1])[0]
        choice.observe(t, np.array([s]), base[t : t + 1])
    return out
