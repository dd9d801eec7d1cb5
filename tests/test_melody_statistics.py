"""A melody's statistics: notes in key, ending on the tonic, range, bar repetition, copies."""

from __future__ import annotations

import pytest

from audiodemo.melody.statistics import CopyIndex, melody_statistics
from audiodemo.melody.vocab import Vocabulary


def test_statistics_of_a_melody():
    bar = ["60", "_", "64", "_", "67", "_", "_", "_"]
    stats = melody_statistics(bar * 3 + ["61", "_", "_", "_", "60", "_", "_", "_"], 8)
    assert stats["notes"] == 11 and stats["range"] == 7
    assert stats["in_key"] == pytest.approx(10 / 11)  # C# is off the scale
    assert stats["ends_on_tonic"] is True
    assert stats["bar_repetition"] == pytest.approx(2 / 3)  # bars 2 and 3 of 4 repeat
    assert melody_statistics(["69", "_", "68", "_"], 4, minor=True)["in_key"] == 1.0


def test_the_copy_index_finds_the_longest_verbatim_stretch():
    vocab = Vocabulary.default()
    songs = [["60", "_", "62", "_", "64", "_", "65", "_"], ["67", "_", "67", "_", "69"]]
    index = CopyIndex(songs, vocab)
    assert index.longest(["r", "62", "_", "64", "_", "65", "r"]) == 5
    assert index.longest(["71", "72"]) == 0
    # a stretch across the end of one song and the start of the next is no copy
    assert index.longest(["65", "_", "67", "_", "67", "_", "69"]) == 5  # not 7
    assert index.copies(["r", "62", "_", "64", "_", "65"], 5)
    assert not index.copies(["r", "62", "_", "64", "_", "65"], 6)
    assert not index.copies(["65", "_", "67"], 3)  # across two songs
    stats = melody_statistics(["60", "_", "62", "_", "64", "_", "65", "_"], 4, copies=index)
    assert stats["longest_copy_bars"] == 2.0


def test_bar_repetition_counts_bars_from_the_first_downbeat():
    bar = ["60", "_", "64", "_"]
    symbols = ["67", "_"] + bar * 3  # a half-bar pickup, then one bar three times
    assert melody_statistics(symbols, 4, pickup=2)["bar_repetition"] == 1.0
    assert melody_statistics(symbols, 4)["bar_repetition"] == 0.5  # misaligned: [67 _ 60 _] first


def test_bar_repetition_counts_a_return_to_any_earlier_bar_and_looks_into_the_seed():
    a, b, c = ["60", "_", "_", "_"], ["62", "_", "_", "_"], ["64", "_", "_", "_"]
    assert melody_statistics(a + b + c + a, 4)["bar_repetition"] == pytest.approx(1 / 3)
    # the seed's bar is an earlier bar; only the added bars are counted
    stats = melody_statistics(b + a + c, 4, before=a)
    assert stats["bar_repetition"] == pytest.approx(1 / 3)
    assert stats["notes"] == 3
