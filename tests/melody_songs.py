"""Synthetic songs for the melody tests: one random 3/4 bar of crotchets, played four times;
and a tiny model trained on such songs, with the bundle of its split."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from audiodemo.melody import shipped
from audiodemo.melody.bundle import MelodyBundle, make_bundle
from audiodemo.melody.corpus import Song
from audiodemo.melody.evaluate import split_songs
from audiodemo.melody.model import MelodyModel, load_melody
from audiodemo.melody.repeats import RepeatConfig, RepeatHead
from audiodemo.melody.vocab import Vocabulary
from audiodemo.train import train


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


def keyed_songs(count: int) -> list[Song]:
    """Bar songs in C major and A minor by turns, with pickups of 0, 4 and 8 sixteenths."""
    return bar_songs(count, [57, 60, 64, 69, 71], seed=1, name="song/",
                     key=lambda i: "A minor" if i % 2 else "C major",
                     pickup=lambda i, rng: 4 * (i % 3))


@functools.cache
def tiny_melody() -> tuple[MelodyModel, MelodyBundle]:
    """A tiny model trained on the split of `keyed_songs(40)`, and the bundle of that split,
    each written to a file and loaded back; made once per test session."""
    songs = keyed_songs(40)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        train("melody", "tiny", out=folder / "melody.pt", data=split_songs(songs)[:2],
              quiet=True)
        make_bundle(songs).save(folder / "bundle.npz", Vocabulary.default())
        return load_melody(folder / "melody.pt"), MelodyBundle.load(folder / "bundle.npz")


def stand_in(monkeypatch, model: MelodyModel, bundle: MelodyBundle) -> None:
    """`model` and `bundle` in place of the shipped ones (`audiodemo.melody.shipped`), the
    cached ones and the copy index forgotten; asked for bar repeats, `model` with a head
    that has not been fitted (it copies a bar now and then)."""
    for getter in (shipped.get_model, shipped.get_bundle, shipped.get_copies):
        getter.cache_clear()
    with_head = model.with_repeats(RepeatHead(RepeatConfig()).eval())
    monkeypatch.setattr(shipped, "get_model",
                        lambda name=None, repeats=False: with_head if repeats else model)
    monkeypatch.setattr(shipped, "get_bundle", lambda: bundle)
