"""What the Melody tab needs from the corpus, packed once so the app never parses it.

    python -m audiodemo.melody bundle --data essenFolksong/erk --out assets/melody_corpus.npz

The file holds the training songs' ids (for the longest-copy statistic) and the held-out songs'
opening bars (the seeds offered in the tab: the pickup, if any, and the first full bar), with
names, time signatures, keys and pickups, and each of those songs whole (whose form the tab
shows beside a melody's). Plain arrays only: it loads without pickles.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

import numpy as np

from audiodemo.melody.corpus import Song
from audiodemo.melody.evaluate import split_songs
from audiodemo.melody.vocab import Vocabulary
from audiodemo.npz import save_npz


def opening(song: Song) -> list[str]:
    """The pickup, if any, and the first full bar."""
    bar = song.steps_per_bar
    return song.symbols[: (bar - song.pickup) % bar + bar]


@dataclass
class MelodyBundle:
    """Training songs as symbol lists and held-out songs' openings as seeds."""

    train: list[list[str]]
    seeds: list[Song]  # symbols: the opening only
    split_seed: int = 0  # the split the songs come from, as the model's training used it
    source: str = ""  # the corpus, e.g. "essenFolksong/erk"
    songs: list[list[str]] = field(default_factory=list)  # each seed's whole song

    def whole_song(self, seed: Song) -> Song | None:
        """The whole held-out song that `seed` opens, or None (a typed seed)."""
        for known, symbols in zip(self.seeds, self.songs, strict=False):
            if known.name == seed.name:
                return replace(known, symbols=symbols)
        return None

    def save(self, path: str | os.PathLike, vocab: Vocabulary) -> None:
        """Write the arrays to an .npz file."""
        ids = [vocab.encode(s) for s in self.train]
        arrays = {
            "train_ids": np.concatenate(ids).astype(np.int16),
            "train_offsets": np.cumsum([0] + [len(i) for i in ids]),
            "seed_symbols": np.array([" ".join(s.symbols) for s in self.seeds]),
            "seed_names": np.array([s.name for s in self.seeds]),
            "seed_time_signatures": np.array([s.time_signature for s in self.seeds]),
            "seed_keys": np.array([s.key for s in self.seeds]),
            "seed_pickups": np.array([s.pickup for s in self.seeds]),
            "seed_songs": np.array([" ".join(s) for s in self.songs]),
            "vocab": np.array(vocab.to_list()),
            "split_seed": np.array(self.split_seed),
            "source": np.array(self.source),
        }
        save_npz(path, arrays)

    def check_split(self, training: dict) -> None:
        """`ValueError` unless the songs come from the split a model trained on (its training
        record, as `MelodyModel.training`): its seeds must be songs it never trained on."""
        made = (training.get("split_seed", self.split_seed), training.get("data", self.source))
        if made != (self.split_seed, self.source):
            raise ValueError(f"The melody bundle ({self.source}, split seed {self.split_seed}) "
                             f"does not match the model's training split; rebuild the bundle.")

    @classmethod
    def load(cls, path: str | os.PathLike) -> MelodyBundle:
        with np.load(path, allow_pickle=False) as data:
            vocab = Vocabulary(tuple(data["vocab"].tolist()))
            ids, offsets = data["train_ids"], data["train_offsets"]
            train = [vocab.decode(ids[a:b]) for a, b in zip(offsets[:-1], offsets[1:],
                                                            strict=True)]
            seeds = [Song(str(n), str(s).split(), str(t), str(k), int(p)) for n, s, t, k, p in
                     zip(data["seed_names"], data["seed_symbols"], data["seed_time_signatures"],
                         data["seed_keys"], data["seed_pickups"], strict=True)]
            split_seed, source = int(data["split_seed"]), str(data["source"])
            songs = [str(s).split() for s in data["seed_songs"]] if "seed_songs" in data else []
        return cls(train, seeds, split_seed, source, songs)


def make_bundle(songs: list[Song], seed: int = 0, max_seeds: int = 60,
                source: str = "", extra: list[Song] = ()) -> MelodyBundle:
    """The split the model trained with (`seed`): its training songs and the `extra` songs
    of other collections a model trained on beside them (`audiodemo.melody.extra`), and
    openings of up to `max_seeds` test songs."""
    train, _, test = split_songs(songs, seed)
    seeds = [Song(s.name, opening(s), s.time_signature, s.key, s.pickup)
             for s in test[:max_seeds]]
    return MelodyBundle([s.symbols for s in [*train, *extra]], seeds, seed, source,
                        [s.symbols for s in test[:max_seeds]])
