"""The shipped melody model and what the Melody tab shows beside it, each loaded once.

`get_model` is `checkpoints/melody.pt`; `get_bundle` the seeds and training songs of
`assets/melody_corpus.npz`, refused unless they come from the split the model trained on;
`get_copies` those training songs indexed for the longest-copy statistic. `write_variations`
continues a seed and writes each variation as MIDI and MusicXML, with its statistics.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from audiodemo.checkpoint import shipped_checkpoint
from audiodemo.melody.bundle import MelodyBundle
from audiodemo.melody.corpus import Song
from audiodemo.melody.generate import Variation, generate_variations, key_name
from audiodemo.melody.model import MelodyModel, load_melody
from audiodemo.melody.render import write_melody
from audiodemo.melody.statistics import CopyIndex, melody_statistics
from audiodemo.paths import ASSETS

COPIED_BARS = 2  # drafts that copy more bars of a training song than this can be set aside


@functools.lru_cache(maxsize=1)
def get_model() -> MelodyModel:
    """The shipped melody checkpoint, loaded once."""
    return load_melody(shipped_checkpoint("melody"))


@functools.lru_cache(maxsize=1)
def get_bundle() -> MelodyBundle:
    """Training songs and seeds (`python -m audiodemo.melody bundle`), checked against the
    model: its seeds must be songs the model never trained on."""
    bundle = MelodyBundle.load(ASSETS / "melody_corpus.npz")
    bundle.check_split(get_model().training)
    return bundle


@functools.lru_cache(maxsize=1)
def get_copies() -> CopyIndex:
    """The training songs indexed for the longest-copy statistic."""
    return CopyIndex(get_bundle().train, get_model().vocab)


def held_out_seed(name: str) -> Song:
    """The bundled seed of that name (the opening of a song the model never trained on)."""
    for song in get_bundle().seeds:
        if song.name == name:
            return song
    raise ValueError(f"Unknown seed {name!r}: pick one from the list or type one.")


@dataclass
class Written:
    """One variation of a seed, its statistics, and the files it was written to."""

    variation: Variation
    statistics: dict
    midi: Path
    musicxml: Path
    xml: str  # the MusicXML text


def write_variations(song: Song, count: int, bars: int, temperature: float, key: str,
                     tempo: float, random_seed: int, folder: Path, end_in_last_bar: bool = True,
                     avoid_copies: bool = True,
                     before: Callable[[int], None] | None = None) -> Iterator[Written]:
    """`count` continuations of `song` (a seed) by the shipped model (`generate_variations`),
    each moved to `key` and written to `folder` as `melody-K.mid` and `melody-K.musicxml`,
    with its statistics (`melody_statistics` of the continuation). With `end_in_last_bar`
    and `avoid_copies`, drafts copying more than `COPIED_BARS` bars of a training song are
    set aside. `before(k)`, if given, is called before the k-th is drawn."""
    minor = "minor" in song.key
    longer = COPIED_BARS * song.steps_per_bar + 1
    avoid = ((lambda symbols: get_copies().copies(symbols, longer))
             if end_in_last_bar and avoid_copies else None)
    drafts = generate_variations(get_model(), song.symbols, count, bars, temperature, key,
                                 minor, song.steps_per_bar, song.pickup, random_seed,
                                 end_in_last_bar, avoid, before=before)
    for k, variation in enumerate(drafts):
        melody = variation.melody
        statistics = melody_statistics(melody.continuation, song.steps_per_bar, minor,
                                       get_copies(), song.pickup, before=melody.seed)
        midi, xml_path = folder / f"melody-{k + 1}.mid", folder / f"melody-{k + 1}.musicxml"
        xml = write_melody(variation.symbols, midi, xml_path, song.time_signature, tempo,
                           key_name(key, minor), song.pickup)
        yield Written(variation, statistics, midi, xml_path, xml)
