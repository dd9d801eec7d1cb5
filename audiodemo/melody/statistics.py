"""What makes a melody: notes in key, ending on the tonic, range, repetition, and copying.

Melodies here are in C major or A minor (the corpus is moved there). `melody_statistics` gives:
- `in_key`: the share of notes on the scale (C major's pitch classes, plus G♯, the leading
  tone of A minor, for minor songs);
- `ends_on_tonic`: whether the last note is C (major) or A (minor);
- `range`: semitones from the lowest note to the highest;
- `bar_repetition`: the share of bars, from the second on, equal to an earlier bar of the
  melody (folk songs repeat whole phrases: 0.21 for the Essen test songs), and
  `near_repetition`, the share equal to or differing in at most two onsets from an earlier
  bar (`audiodemo.melody.form`);
- `longest_copy_bars` (with a `CopyIndex` of training songs): the longest stretch of the
  melody found verbatim in one training song, in bars.
"""

from __future__ import annotations

import numpy as np

from audiodemo.melody.form import bars_before, bars_of, repeats
from audiodemo.melody.symbols import is_onset
from audiodemo.melody.vocab import Vocabulary

MAJOR_SCALE = {0, 2, 4, 5, 7, 9, 11}
_SEPARATOR = 10_000  # between songs in the copy index; never a vocabulary id


def melody_statistics(symbols: list[str], steps_per_bar: int, minor: bool = False,
                   copies: CopyIndex | None = None, pickup: int = 0,
                   before: list[str] | None = None) -> dict:
    """The statistics above for one melody (symbols without the end symbol). `pickup`: the
    sixteenths of the first bar before the first symbol (of `before`, if given); bars are
    counted from the first downbeat. `before` (a seed) comes first in the melody: its bars
    are earlier bars for `bar_repetition`, and nothing else counts it."""
    before = list(before or [])
    pitches = [int(s) for s in symbols if is_onset(s)]
    scale = MAJOR_SCALE | ({8} if minor else set())
    first = bars_before(len(before), steps_per_bar, pickup)  # the first bar after `before`
    statistics = {
        "notes": len(pitches),
        "in_key": float(np.mean([p % 12 in scale for p in pitches])) if pitches else 0.0,
        "ends_on_tonic": bool(pitches) and pitches[-1] % 12 == (9 if minor else 0),
        "range": max(pitches) - min(pitches) if pitches else 0,
        **repeats(bars_of(before + list(symbols), steps_per_bar, pickup), first),
    }
    if copies is not None:
        statistics["longest_copy_bars"] = copies.longest(symbols) / steps_per_bar
    return statistics


class CopyIndex:
    """Training songs, searched for the longest stretch a melody copies verbatim.

    Every window of a given length in the corpus is hashed once (polynomial hashes in
    wrapping 64-bit arithmetic, a separator between songs so no window spans two) and kept
    sorted, for the last few lengths asked; a melody's windows are then looked up by binary
    search. `longest` searches over the length; `copies(symbols, length)` asks about one.
    """

    CACHED_LENGTHS = 24

    def __init__(self, songs: list[list[str]], vocab: Vocabulary):
        parts = []
        for symbols in songs:
            parts += [*vocab.encode(symbols), _SEPARATOR]
        self.vocab = vocab
        self.corpus = np.array(parts, dtype=np.uint64)
        self.longest_song = max((len(s) for s in songs), default=0)
        self._sorted: dict[int, np.ndarray] = {}

    @staticmethod
    def _hashes(ids: np.ndarray, length: int) -> np.ndarray:
        base = np.uint64(1_000_003)
        out = np.zeros(max(len(ids) - length + 1, 0), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k in range(length):
                out = out * base + ids[k : k + len(out)]
        return out

    def _corpus_hashes(self, length: int) -> np.ndarray:
        if length not in self._sorted:
            if len(self._sorted) >= self.CACHED_LENGTHS:
                self._sorted.pop(next(iter(self._sorted)))  # the oldest
            self._sorted[length] = np.sort(self._hashes(self.corpus, length))
        return self._sorted[length]

    def _any_copy(self, melody: np.ndarray, length: int) -> bool:
        windows = self._hashes(melody, length)
        corpus = self._corpus_hashes(length)
        if not len(windows) or not len(corpus):
            return False
        at = np.searchsorted(corpus, windows).clip(max=len(corpus) - 1)
        return bool((corpus[at] == windows).any())

    def copies(self, symbols: list[str], length: int) -> bool:
        """Whether `symbols` hold a stretch of `length` symbols found in one training song."""
        melody = np.array(self.vocab.encode(symbols), dtype=np.uint64)
        return 0 < length <= min(len(melody), self.longest_song) and self._any_copy(melody,
                                                                                  length)

    def longest(self, symbols: list[str]) -> int:
        """Length in symbols of the longest stretch of `symbols` in one training song."""
        melody = np.array(self.vocab.encode(symbols), dtype=np.uint64)
        lo, hi = 0, min(len(melody), self.longest_song)  # no copy outlasts its song
        while lo < hi:  # the largest length with a copy; copies of L imply copies of L - 1
            mid = (lo + hi + 1) // 2
            if self._any_copy(melody, mid):
                lo = mid
            else:
                hi = mid - 1
        return lo
