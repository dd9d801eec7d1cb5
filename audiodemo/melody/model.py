"""The melody LSTM, with Magenta-style lookback inputs, and its self-describing checkpoint.

Input at each step: the current symbol (one-hot, as in the paper); with `lookback`, also the
symbols one and two bars before the symbol to predict and its position in the bar (Magenta's
Lookback RNN gives these, so repeating a bar is one easy step rather than a long memory).
Output: logits over the vocabulary for the next symbol. Trained with teacher forcing on every
position of whole songs.

Checkpoint (`torch.load(path, weights_only=True)`): `format_version`, `kind`
("melody_lstm"), `config`, `vocab` (the symbols in id order), `state_dict`, `training`.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from audiodemo.checkpoint import save_atomically
from audiodemo.melody.corpus import Song
from audiodemo.melody.vocab import Vocabulary

FORMAT_VERSION = 1
KIND = "melody_lstm"


@dataclass
class MelodyConfig:
    """The paper's best trade-off is one layer of 184 units; `lookback` goes beyond it."""

    hidden: int = 184
    layers: int = 1
    lookback: bool = True
    max_bar: int = 48  # positions in a bar, in sixteenths (12/8 has 24; 4/2 has 32)


class MelodyLSTM(nn.Module):
    """`forward(ids, bar_steps, pickup)` -> logits `(B, T, V)` for the symbols after each id."""

    def __init__(self, config: MelodyConfig, vocab_size: int):
        super().__init__()
        self.config, self.vocab_size = config, vocab_size
        inputs = vocab_size * (3 if config.lookback else 1) + (
            config.max_bar if config.lookback else 0)
        self.lstm = nn.LSTM(inputs, config.hidden, config.layers, batch_first=True)
        self.head = nn.Linear(config.hidden, vocab_size)

    def features(self, ids: torch.Tensor, bar_steps: torch.Tensor,
                 pickup: torch.Tensor) -> torch.Tensor:
        """`(B, T)` ids (each row starting with the end symbol, id 0) -> `(B, T, inputs)`.

        Row b's step t predicts the symbol at index t + 1, which is song symbol t, in bar
        position `(pickup + t) % bar_steps`; its lookbacks are indices t + 1 - bar and
        t + 1 - 2·bar (the end symbol before the song starts).
        """
        v = self.vocab_size
        parts = [nn.functional.one_hot(ids, v).float()]
        if self.config.lookback:
            b, t = ids.shape
            target = torch.arange(1, t + 1).expand(b, t)  # (B, T) index being predicted
            bar = bar_steps[:, None]
            for back in (1, 2):
                index = target - back * bar
                seen = ids.gather(1, index.clamp(0, t - 1))
                seen = torch.where((index >= 0) & (index < t), seen, torch.zeros_like(seen))
                parts.append(nn.functional.one_hot(seen, v).float())
            position = (pickup[:, None] + target - 1) % bar
            parts.append(nn.functional.one_hot(position.clamp_max(self.config.max_bar - 1),
                                               self.config.max_bar).float())
        return torch.cat(parts, dim=-1)

    def next_features(self, ids: list[int], bar_steps: int, pickup: int) -> torch.Tensor:
        """The features of the last id alone, `(1, 1, inputs)`: `features(...)[:, -1:]`
        without the cost of the whole history, for generation step by step."""
        v, t = self.vocab_size, len(ids)
        parts = [nn.functional.one_hot(torch.tensor(ids[-1]), v).float()]
        if self.config.lookback:
            for back in (1, 2):
                index = t - back * bar_steps
                parts.append(nn.functional.one_hot(torch.tensor(ids[index] if index >= 0
                                                                else 0), v).float())
            position = min((pickup + t - 1) % bar_steps, self.config.max_bar - 1)
            parts.append(nn.functional.one_hot(torch.tensor(position),
                                               self.config.max_bar).float())
        return torch.cat(parts)[None, None]

    def forward(self, ids, bar_steps, pickup, state=None):
        out, state = self.lstm(self.features(ids, bar_steps, pickup), state)
        return self.head(out), state


@dataclass
class MelodyModel:
    """A trained LSTM with its vocabulary, as evaluation and generation use it."""

    net: MelodyLSTM
    vocab: Vocabulary
    training: dict

    name = "LSTM"

    @torch.no_grad()
    def distributions(self, ids: list[int], song: Song | None = None) -> np.ndarray:
        """`(len(ids) - 1, V)` probabilities of each next symbol, the song giving the bar."""
        bar = song.steps_per_bar if song else 16
        pickup = song.pickup if song else 0
        logits, _ = self.net(torch.tensor([ids[:-1]]), torch.tensor([bar]),
                             torch.tensor([pickup]))
        return torch.softmax(logits[0].double(), dim=-1).numpy()


def save_melody(path: str | os.PathLike, net: MelodyLSTM, vocab: Vocabulary,
                training: dict) -> None:
    """Write atomically: a temporary file, then rename."""
    payload = {"format_version": FORMAT_VERSION, "kind": KIND, "config": asdict(net.config),
               "vocab": vocab.to_list(), "state_dict": {k: v.detach().clone() for k, v in
                                                        net.state_dict().items()},
               "training": dict(training)}
    save_atomically(payload, path)


def load_melody(path: str | os.PathLike) -> MelodyModel:
    """Rebuild a melody model; `ValueError` for anything that is not one."""
    try:
        payload = torch.load(Path(path), map_location="cpu", weights_only=True)
        if payload.get("format_version") != FORMAT_VERSION or payload.get("kind") != KIND:
            raise ValueError(f"not a melody checkpoint of format {FORMAT_VERSION}")
        vocab = Vocabulary(tuple(payload["vocab"]))
        net = MelodyLSTM(MelodyConfig(**payload["config"]), len(vocab))
        net.load_state_dict(payload["state_dict"])
    except Exception as err:  # unpickling refusals, missing keys, wrong shapes
        raise ValueError(f"Cannot load melody checkpoint {Path(path).name!r}: {err}") from None
    net.eval()
    return MelodyModel(net, vocab, dict(payload["training"]))
