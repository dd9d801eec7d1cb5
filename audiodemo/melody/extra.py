"""More songs to train on: other collections of the same corpus beside the main one's training
songs, with every variant of a main-collection song left out.

The erk collection gives 1,365 training songs, and its test songs only ever score a model;
music21's Essen corpus holds about 3,800 more German folk songs in other collections (altdeu,
ballad, boehme, dva, fink, kinder, zuccal). Folk tunes travel between collections, so a
song of another collection may be a variant of an erk test song, and training on it would
leak that test song. `extra_songs` leaves out every song that shares at least `VARIANT_SHARE`
of its distinct bars with any one song of the main collection (training, validation and test
alike), and songs in a meter the main collection never uses; the test songs are used for
nothing else.
"""

from __future__ import annotations

from collections import defaultdict

from audiodemo.melody.corpus import Song, load_songs
from audiodemo.melody.form import bars_of

VARIANT_SHARE = 0.4  # of a song's distinct bars found in one main-collection song
# seven German collections of the corpus beside erk (it also holds Chinese, Irish, Lorraine
# and Luxembourg songs, not used)
GERMAN_COLLECTIONS = tuple(f"essenFolksong/{name}" for name in (
    "altdeu", "ballad", "boehme", "dva", "fink", "kinder", "zuccal"))


def _bars(song: Song) -> set[tuple]:
    return {(song.time_signature, tuple(b))
            for b in bars_of(song.symbols, song.steps_per_bar, song.pickup)}


class VariantIndex:
    """The main collection's songs by bar: which songs hold each bar (with its meter)."""

    def __init__(self, songs: list[Song]):
        self.meters = {s.time_signature for s in songs}
        self.holders: dict[tuple, set[int]] = defaultdict(set)
        for i, song in enumerate(songs):
            for bar in _bars(song):
                self.holders[bar].add(i)

    def share(self, song: Song) -> float:
        """The largest share of `song`'s distinct bars that one indexed song holds."""
        bars = _bars(song)
        counts: dict[int, int] = defaultdict(int)
        for bar in bars:
            for i in self.holders.get(bar, ()):
                counts[i] += 1
        return max(counts.values(), default=0) / max(len(bars), 1)

    def admits(self, song: Song) -> bool:
        """Whether `song` is in a known meter and no variant of an indexed song."""
        return song.time_signature in self.meters and self.share(song) < VARIANT_SHARE


def extra_songs(sources: list[str], main: list[Song]) -> tuple[list[Song], dict[str, int]]:
    """The songs of `sources` (music21 corpus prefixes or folders) that `VariantIndex(main)`
    admits, and how many each source gave."""
    index = VariantIndex(main)
    songs, counts = [], {}
    for source in sources:
        admitted = [s for s in load_songs(source) if index.admits(s)]
        songs += admitted
        counts[source] = len(admitted)
    return songs, counts


def trained_sources(training: dict | None) -> list[str]:
    """The other collections a model trained on, from its training record (`describe`),
    and from that of the checkpoint it started from (`pretraining`), and so on back."""
    if not training:
        return []
    own = list((training.get("songs") or {}).get("extra") or ())
    return own + [s for s in trained_sources(training.get("pretraining")) if s not in own]
