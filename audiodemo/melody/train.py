"""The melody LSTM's trainer (kind melody) for `audiodemo.train`: whole songs, teacher forcing
on every position, the best epoch by validation NLL per symbol.

Presets: `tiny` (seconds, for tests), `paper` (one layer of 184 units on the current symbol
alone, as the paper), `default` (one layer of 320 units with lookback and context inputs,
dropout, 40 epochs on a cosine schedule).
Each epoch sees every training song once, in batches of songs padded to the longest. The
data is a folder or music21 corpus prefix, split by song with the seed (80/10/10), or a
`(train, validation)` pair of song lists already split.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from audiodemo.checkpoint import MELODY_GRID
from audiodemo.melody.corpus import DEFAULT_SOURCE, Song, load_songs
from audiodemo.melody.evaluate import song_ids, split_songs
from audiodemo.melody.extra import extra_songs
from audiodemo.melody.model import MelodyConfig, MelodyLSTM
from audiodemo.melody.vocab import Vocabulary

# `extra`: other collections' songs trained on beside the split's (`audiodemo.melody.extra`)
_COMMON = dict(half=False, clip_norm=1.0, min_lr=0.0, cosine=None, extra=())
PRESETS = {
    "tiny": dict(_COMMON, model=dict(hidden=16, lookback=True), epochs=1, lr=0.01,
                 batch_size=8, max_songs=30),
    "paper": dict(_COMMON, model=dict(hidden=184, lookback=False), epochs=20, lr=0.002,
                  batch_size=32, max_songs=None),
    # ours: wider; lookbacks 1, 2, 4 and 8 bars back; the sounding note, its age and repeat
    # flags; dropout; a cosine schedule (see BENCHMARKS.md for what each step gave)
    "default": dict(_COMMON, model=dict(hidden=320, lookback=True, context=True, dropout=0.1,
                                        lookback_bars=(1, 2, 4, 8), embedding=256),
                    epochs=40, lr=0.002, min_lr=0.0001, cosine="epoch", batch_size=32,
                    max_songs=None),
}


def batch_tensors(songs: list[Song], vocab: Vocabulary):
    """Songs -> padded ids `(B, T + 1)`, a mask of real targets `(B, T)`, bars, pickups and
    lengths (symbols per song)."""
    rows = [song_ids(s, vocab) for s in songs]
    width = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)  # padding: the end symbol, masked
    mask = torch.zeros(len(rows), width - 1, dtype=torch.bool)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row)
        mask[i, : len(row) - 1] = True
    bars = torch.tensor([s.steps_per_bar for s in songs])
    pickups = torch.tensor([s.pickup for s in songs])
    lengths = torch.tensor([len(s.symbols) for s in songs])
    return ids, mask, bars, pickups, lengths


def mean_nll(net: nn.Module, songs: list[Song], vocab: Vocabulary, batch_size: int = 64):
    """NLL per symbol (nats) of `songs` under `net` (in eval mode), batched."""
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(songs), batch_size):
            ids, mask, bars, pickups, lengths = batch_tensors(songs[i : i + batch_size], vocab)
            logits, _ = net(ids[:, :-1], bars, pickups, length=lengths)
            loss = nn.functional.cross_entropy(logits[mask], ids[:, 1:][mask], reduction="sum")
            total, count = total + float(loss), count + int(mask.sum())
    return total / max(count, 1)


class MelodyTask:
    """An LSTM learning the next symbol of folk songs."""

    kind = "melody"
    validation_batch = 64  # songs scored at once

    def __init__(self, kind: str, preset: dict, data=None, seed: int = 0,
                 held_out_speaker: str | None = None):
        if held_out_speaker:
            raise ValueError("--held-out-speaker is for the denoisers, not the melody")
        self.preset, self.vocab = preset, Vocabulary.default()
        if isinstance(data, tuple):
            self.songs, self.validation = list(data[0]), list(data[1])
            self.source, counts = "songs given by the caller", {}
        else:
            self.source = data or DEFAULT_SOURCE
            main = load_songs(self.source)
            train, self.validation, test = split_songs(main, seed)
            self.songs, counts = train, {"test": len(test)}
            if preset.get("extra"):
                added, counts["extra"] = extra_songs(list(preset["extra"]), main)
                self.songs = self.songs + added
        if preset.get("max_songs"):
            self.songs = self.songs[: preset["max_songs"]]
            self.validation = self.validation[: max(2, preset["max_songs"] // 5)]
        if not self.songs or not self.validation:
            raise ValueError(f"Training needs songs to train and validate on; got "
                             f"{len(self.songs)} and {len(self.validation)}")
        self.counts = {"train": len(self.songs), "validation": len(self.validation), **counts}
        self.split_seed = seed
        self.model = self.build_model(preset["model"])
        self.preprocessing = {"vocab": self.vocab.to_list(), "grid": dict(MELODY_GRID)}

    def build_model(self, config: dict) -> nn.Module:
        """The network of the preset's `model` settings."""
        return MelodyLSTM(MelodyConfig(**config, vocab_size=len(self.vocab)))

    def examples(self) -> list:
        """What an epoch goes through once: the training songs."""
        return self.songs

    def collate(self, examples: list):
        """One batch of examples as tensors (`batch_tensors`)."""
        return batch_tensors(examples, self.vocab)

    def steps(self, world_size: int) -> int:
        return math.ceil(math.ceil(len(self.examples()) / world_size)
                         / self.preset["batch_size"])

    def batches(self, rng, world):
        """A permutation of the examples (`rng` is the same on every rank), padded to a
        multiple of the ranks as torch's DistributedSampler does, and this rank's share."""
        examples = self.examples()
        order = list(rng.permutation(len(examples)))
        order += order[: -len(order) % world.size]
        for group in self.groups(order[world.rank :: world.size], rng):
            yield self.collate([examples[j] for j in group])

    def groups(self, mine: list[int], rng) -> list[list[int]]:
        """This rank's examples (indices, in order) cut into batches: runs of `batch_size`."""
        size = self.preset["batch_size"]
        return [mine[i : i + size] for i in range(0, len(mine), size)]

    def loss(self, model, batch):
        ids, mask, bars, pickups, lengths = batch
        logits, _ = model(ids[:, :-1], bars, pickups, length=lengths)
        return {"loss": nn.functional.cross_entropy(logits[mask], ids[:, 1:][mask])}

    def validate(self) -> dict[str, float]:
        return {"loss": mean_nll(self.model, self.validation, self.vocab,
                                 self.validation_batch)}

    def describe(self) -> dict:
        return {"data": self.source, "songs": self.counts, "split_seed": self.split_seed,
                "loss": "NLL per symbol (nats)"}

