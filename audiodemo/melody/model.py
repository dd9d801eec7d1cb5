"""The melody LSTM, with Magenta-style lookback inputs, and its self-describing checkpoint.

Input at each step: the current symbol (one-hot, as in the paper); with `lookback`, also the
symbols one and two bars before the symbol to predict and its position in the bar (Magenta's
Lookback RNN gives these, so repeating a bar is one easy step rather than a long memory);
with `countdown`, also how many bars are left to the melody's last (from its length, known
in training and chosen in generation), so that where a song closes can be learned.
Output: logits over the vocabulary for the next symbol. Trained with teacher forcing on every
position of whole songs.

Checkpoints: `audiodemo.checkpoint`, kind "melody", the vocabulary in its preprocessing;
`load_melody` also loads the transformer's (kind "melody_transformer").
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from audiodemo.melody.corpus import Song
from audiodemo.melody.repeats import mixed_distributions
from audiodemo.melody.symbols import END, HOLD
from audiodemo.melody.vocab import Vocabulary


@dataclass
class MelodyConfig:
    """The paper's best trade-off is one layer of 184 units; `lookback` and `context` go
    beyond it."""

    hidden: int = 184
    layers: int = 1
    lookback: bool = True
    max_bar: int = 48  # positions in a bar, in sixteenths (12/8 has 24; 4/2 has 32)
    context: bool = False  # the sounding pitch, its age, and whether bars repeat
    dropout: float = 0.0  # on the LSTM's output, in training only
    lookback_bars: tuple[int, ...] = (1, 2)  # how far back the lookbacks and flags look
    embedding: int = 0  # > 0: a linear layer of this width between the inputs and the LSTM
    countdown: int = 0  # > 0: bars left to the melody's last bar, one-hot, up to this - 1
    vocab_size: int = len(Vocabulary.default())


REPEATS_SUFFIX = " + bar repeats"  # a model's name with the head mixed in
MAX_AGE = 32  # sixteenths since the sounding note began, counted up to this
HOLD_ID = Vocabulary.default().index[HOLD]


class MelodyLSTM(nn.Module):
    """`forward(ids, bar_steps, pickup)` -> logits `(B, T, V)` for the symbols after each id."""

    name = "LSTM"

    def __init__(self, config: MelodyConfig):
        super().__init__()
        self.config, self.vocab_size = config, config.vocab_size
        inputs = vocab_size = config.vocab_size
        config.lookback_bars = tuple(config.lookback_bars)  # a list from a checkpoint
        looks = len(config.lookback_bars)
        if config.lookback:
            inputs += looks * vocab_size + config.max_bar
        if config.context:
            inputs += vocab_size + MAX_AGE + looks
        inputs += config.countdown
        # the one-hot inputs are wide (630 with four lookbacks): a narrow linear layer in
        # front of the LSTM's own input weights makes training about four times cheaper
        self.embed = (nn.Linear(inputs, config.embedding) if config.embedding
                      else nn.Identity())
        self.lstm = nn.LSTM(config.embedding or inputs, config.hidden, config.layers,
                            batch_first=True)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden, vocab_size)

    def features(self, ids: torch.Tensor, bar_steps: torch.Tensor, pickup: torch.Tensor,
                 last_only: bool = False, length: torch.Tensor | None = None) -> torch.Tensor:
        """`(B, T)` ids (each row starting with the end symbol, id 0) -> `(B, T, inputs)`,
        or `(B, 1, inputs)` for the last id alone with `last_only` (generation, step by step).

        The input at column t predicts the symbol at index t + 1, which is song symbol t,
        in bar position `(pickup + t) % bar_steps`. Lookback: the symbols at indices
        t + 1 - bar and t + 1 - 2·bar (the end symbol before the song starts) and that
        position (with `lookback_bars` (1, 2); folk songs also repeat phrases 4 and 8 bars
        back). Context: the symbol sounding at t (the last one that is not a hold), how many
        sixteenths ago it began, and whether the symbol at t equals the ones as many bars
        before it (Magenta's repeat flags). Countdown: how many bars the symbol to predict
        lies before the bar of the melody's last symbol, `length` `(B,)` symbols long (so a
        model can learn where songs close; the one input that needs the length).
        """
        v, (b, t) = self.vocab_size, ids.shape
        cols = torch.arange(t - 1, t) if last_only else torch.arange(t)
        current = ids[:, cols]
        parts = [nn.functional.one_hot(current, v).float()]
        bar = bar_steps[:, None]

        def back(index):  # the ids at `index` per row, the end symbol before the song
            seen = ids.gather(1, index.clamp(0, t - 1))
            return torch.where(index >= 0, seen, torch.zeros_like(seen))

        if self.config.lookback:
            target = (cols + 1).expand(b, len(cols))
            for bars in self.config.lookback_bars:
                parts.append(nn.functional.one_hot(back(target - bars * bar), v).float())
            position = (pickup[:, None] + target - 1) % bar
            parts.append(nn.functional.one_hot(position.clamp_max(self.config.max_bar - 1),
                                               self.config.max_bar).float())
        if self.config.context:
            steps = torch.arange(t).expand(b, t)
            began = torch.where(ids != HOLD_ID, steps, 0).cummax(dim=1).values[:, cols]
            parts.append(nn.functional.one_hot(ids.gather(1, began), v).float())
            age = (cols - began).clamp_max(MAX_AGE - 1)
            parts.append(nn.functional.one_hot(age, MAX_AGE).float())
            for bars in self.config.lookback_bars:
                index = cols - bars * bar
                parts.append(((index >= 0) & (back(index) == current)).float()[..., None])
        if self.config.countdown:
            parts.append(countdown(cols, bar_steps, pickup, length, self.config.countdown))
        return torch.cat(parts, dim=-1)

    def step(self, features: torch.Tensor, state=None):
        """Logits after `features` `(B, T, inputs)`, and the LSTM's state."""
        out, state = self.lstm(self.embed(features), state)
        return self.head(self.dropout(out)), state

    def forward(self, ids, bar_steps, pickup, state=None, length=None):
        return self.step(self.features(ids, bar_steps, pickup, length=length), state)


def countdown(cols: torch.Tensor, bar_steps: torch.Tensor, pickup: torch.Tensor,
              length: torch.Tensor | None, classes: int) -> torch.Tensor:
    """`(B, len(cols), classes)` one-hot bars left from the bar of song symbol t (t in
    `cols`) to the bar of the last of `length` symbols, counted up to `classes - 1` (the
    end symbol after the last bar counts as in it)."""
    if length is None:
        raise ValueError("This melody model counts down to the last bar, so it needs the "
                         "melody's length")
    bar, start = bar_steps[:, None], pickup[:, None]
    left = (start + length[:, None] - 1) // bar - (start + cols[None, :]) // bar
    return nn.functional.one_hot(left.clamp(0, classes - 1), classes).float()


@dataclass
class MelodyModel:
    """A trained melody network with its vocabulary, as evaluation and generation use it:
    any net with the LSTM's `forward(ids, bar_steps, pickup)`, `features` and `step`."""

    net: nn.Module  # a MelodyLSTM, or a MelodyTransformer (`audiodemo.melody.transformer`)
    vocab: Vocabulary
    training: dict
    name: str = "LSTM"  # as tables and the tab call it
    repeats: nn.Module | None = None  # a RepeatHead mixed in (`audiodemo.melody.repeats`)

    @torch.no_grad()
    def distributions(self, ids: list[int], song: Song | None = None) -> np.ndarray:
        """`(len(ids) - 1, V)` probabilities of each next symbol, the song giving the bar,
        pickup and length (the mixture with the bar-repeat head where there is one)."""
        bar = song.steps_per_bar if song else 16
        pickup = song.pickup if song else 0
        length = torch.tensor([len(song.symbols)]) if song else None
        logits, _ = self.net(torch.tensor([ids[:-1]]), torch.tensor([bar]),
                             torch.tensor([pickup]), length=length)
        probs = torch.softmax(logits[0].double(), dim=-1).numpy()
        if self.repeats is None:
            return probs
        return mixed_distributions(self.repeats, list(ids[1:]), probs, bar, pickup,
                                   self.vocab.index[END])

    def with_repeats(self, head: nn.Module) -> MelodyModel:
        """The same model with the bar-repeat head `head` mixed in."""
        return replace(self.without_repeats(), repeats=head, name=self.name + REPEATS_SUFFIX)

    def without_repeats(self) -> MelodyModel:
        """The same model with no bar-repeat head."""
        return replace(self, repeats=None, name=self.name.removesuffix(REPEATS_SUFFIX))


def load_melody(path: str | os.PathLike, repeats: str | os.PathLike | None = None
                ) -> MelodyModel:
    """A melody model (LSTM or transformer) from its checkpoint, with the bar-repeat head of
    the checkpoint `repeats` if given; `ValueError` for anything that is not one."""
    from audiodemo.checkpoint import MELODY_KINDS, load_checkpoint  # the registry imports us

    checkpoint = load_checkpoint(path)
    if checkpoint.kind not in MELODY_KINDS:
        raise ValueError(f"Cannot load melody checkpoint {os.path.basename(path)!r}: it holds "
                         f"a {checkpoint.kind} model")
    vocab = Vocabulary(tuple(checkpoint.preprocessing["vocab"]))
    model = MelodyModel(checkpoint.model, vocab, checkpoint.training, checkpoint.model.name)
    if repeats is None:
        return model
    head = load_checkpoint(repeats)
    if head.kind != "melody_repeats":
        raise ValueError(f"{os.path.basename(repeats)!r} holds a {head.kind} model, not a "
                         f"bar-repeat head")
    if head.preprocessing.get("base") != Path(path).stem:
        raise ValueError(f"{os.path.basename(repeats)!r} was fitted to "
                         f"{head.preprocessing.get('base')!r}, not {Path(path).stem!r}")
    return model.with_repeats(head.model)
