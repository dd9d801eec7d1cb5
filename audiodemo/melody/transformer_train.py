"""The melody transformer's trainer (kind melody_transformer) for `audiodemo.train`: the LSTM's
songs, split and loss (`audiodemo.melody.train.MelodyTask`), in windows of the model's length.

A song longer than the window is cut into the fewest windows that cover it, spread evenly,
so they overlap; each target counts once, in the first window that holds it, and the
overlap before it is context, as when a whole song is scored. Every position of every
training song is a target once per epoch. Validation scores whole songs (the attention
window slides along them), shortest first so that batches pad little.

Presets: `tiny` (seconds, for tests), `default` (4 layers of width 128, 4 heads, a
256-symbol window, which covers 90 % of the erk training songs whole; the context inputs;
dropout 0.1; batches of 8 windows; 30 epochs on a cosine schedule; 0.87 M weights, a 3.5 MB
checkpoint), and the shipped model's two stages, `more_songs` then `finetune`. Batches
gather windows of like length (`BUCKET` batches sorted together), which pads about a fifth
of the tokens where random batches pad about half.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from audiodemo.melody.evaluate import song_ids
from audiodemo.melody.extra import GERMAN_COLLECTIONS
from audiodemo.melody.train import MelodyTask
from audiodemo.melody.transformer import MelodyTransformer, MelodyTransformerConfig

_COMMON = dict(half=False, clip_norm=1.0, min_lr=0.0, cosine=None, extra=())
PRESETS = {
    "tiny": dict(_COMMON, model=dict(d_model=16, layers=1, heads=2, window=32,
                                     max_distance=32, dropout=0.0),
                 epochs=1, lr=0.01, batch_size=8, max_songs=30),
    # batch 8 (about 190 steps an epoch) and the context inputs: the two steps the ablations
    # in BENCHMARKS.md measured (10 epochs: validation NLL 0.828 at batch 32, 0.755 at batch
    # 8, 0.71 at batch 8 with context; a higher learning rate, 3e-3, was worse)
    "default": dict(_COMMON, model=dict(d_model=128, layers=4, heads=4, window=256,
                                        max_distance=256, dropout=0.1, context=True),
                    epochs=30, lr=0.001, min_lr=0.00005, cosine="epoch", batch_size=8,
                    max_songs=None),
}
# the shipped model's two stages (BENCHMARKS.md): 8 epochs of erk's training songs beside
# the other German collections of the corpus (variants of erk songs left out), then 6 of
# erk's alone from those weights (`--init`), at a lower learning rate
PRESETS["more_songs"] = dict(PRESETS["default"], epochs=8, extra=GERMAN_COLLECTIONS)
PRESETS["finetune"] = dict(PRESETS["default"], epochs=6, lr=0.0003)


BUCKET = 8  # batches sorted by length together


@dataclass(frozen=True)
class Window:
    """Inputs `start .. start + length - 1` of a song's ids; targets count from `first`."""

    song: int
    start: int
    first: int


def song_windows(song: int, inputs: int, length: int) -> list[Window]:
    """The fewest windows of `length` that cover a song of `inputs` inputs, spread evenly
    from its start to its end; each counts the targets the windows before it did not."""
    count = math.ceil(inputs / length)
    if count == 1:
        return [Window(song, 0, 0)]
    starts = [round(i * (inputs - length) / (count - 1)) for i in range(count)]
    ends = [0] + [s + length for s in starts[:-1]]
    return [Window(song, s, e) for s, e in zip(starts, ends, strict=True)]


class MelodyTransformerTask(MelodyTask):
    """A relative-attention transformer learning the next symbol of folk songs."""

    kind = "melody_transformer"
    validation_batch = 16  # whole songs: the attention of one is (heads, T, T) per layer

    def __init__(self, kind: str, preset: dict, data=None, seed: int = 0,
                 held_out_speaker: str | None = None):
        super().__init__(kind, preset, data, seed, held_out_speaker)
        self.validation = sorted(self.validation, key=lambda s: len(s.symbols))
        self.ids = [song_ids(s, self.vocab) for s in self.songs]
        length = self.model.config.window
        self.windows = [w for i, ids in enumerate(self.ids)
                        for w in song_windows(i, len(ids) - 1, length)]

    def build_model(self, config: dict) -> nn.Module:
        return MelodyTransformer(MelodyTransformerConfig(**config, vocab_size=len(self.vocab)))

    def examples(self) -> list:
        """What an epoch goes through once: the windows of the training songs."""
        return self.windows

    def groups(self, mine: list[int], rng) -> list[list[int]]:
        """Batches of windows of like length, so that they pad little: each run of
        `BUCKET` batches sorted by length, then cut, and the batches shuffled."""
        size = self.preset["batch_size"]
        batches = []
        for i in range(0, len(mine), BUCKET * size):
            run = sorted(mine[i : i + BUCKET * size], key=lambda j: self.inputs(self.windows[j]))
            batches += [run[k : k + size] for k in range(0, len(run), size)]
        return [batches[k] for k in rng.permutation(len(batches))]

    def inputs(self, window: Window) -> int:
        """How many inputs a window holds."""
        return min(self.model.config.window, len(self.ids[window.song]) - 1 - window.start)

    def collate(self, examples: list):
        """Windows -> padded ids `(B, T + 1)`, a mask of the targets they count `(B, T)`,
        bars, pickups (a window's start added to its song's pickup) and the symbols left
        in each song from the window's start (`batch_tensors`' lengths)."""
        length = self.model.config.window
        rows = [self.ids[w.song][w.start : w.start + length + 1] for w in examples]
        width = max(len(r) for r in rows)
        ids = torch.zeros(len(rows), width, dtype=torch.long)  # padding: the end symbol
        mask = torch.zeros(len(rows), width - 1, dtype=torch.bool)
        for i, (w, row) in enumerate(zip(examples, rows, strict=True)):
            ids[i, : len(row)] = torch.tensor(row)
            mask[i, w.first - w.start : len(row) - 1] = True
        songs = [self.songs[w.song] for w in examples]
        bars = torch.tensor([s.steps_per_bar for s in songs])
        pickups = torch.tensor([s.pickup + w.start for s, w in zip(songs, examples, strict=True)])
        lengths = torch.tensor([len(s.symbols) - w.start
                                for s, w in zip(songs, examples, strict=True)])
        return ids, mask, bars, pickups, lengths
