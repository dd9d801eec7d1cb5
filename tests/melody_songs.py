"""Synthetic songs for the melody tests: one random 3/4 bar of crotchets, played four times."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from audiodemo.melody.corpus import Song


def bar_songs(count: int, pitches: list[int], seed: int, name: str = "s",
              key: Callable[[int], str] = lambda i: "C major",
              pickup: Callable[[int, np.random.Generator], int] = lambda i, rng: 0,
              ) -> list[Song]:
    """`count` songs of a random bar of three crotchets from `pitches`, four times over."""
    rng = np.random.default_rng(seed)
    songs = []
    for i in range(count):
        bar = []
        for p in rng.choice(pitches, size=3):
            bar += [str(p), "_", "_", "_"]
        songs.append(Song(f"{name}{i}", bar * 4, "3/4", key(i), pickup=pickup(i, rng)))
    return songs
