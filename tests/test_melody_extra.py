"""Other collections' songs as more training songs: variants of the main collection's songs
(training, validation or test) and songs in meters it never uses are left out, and the rest
join the training songs only."""

from __future__ import annotations

from dataclasses import replace

from audiodemo.melody.abc import to_abc
from audiodemo.melody.bundle import make_bundle
from audiodemo.melody.corpus import Song, load_songs
from audiodemo.melody.extra import VARIANT_SHARE, VariantIndex, trained_sources
from audiodemo.melody.train import PRESETS, MelodyTask
from tests.melody_songs import bar_songs


def four_bars(pitches: list[int], name: str) -> Song:
    """Four different 3/4 bars of crotchets, each pitch three times in its bar."""
    symbols = []
    for p in pitches:
        symbols += [str(p), "_", "_", "_"] * 3
    return Song(name, symbols, "3/4", "C major")


def test_a_variant_of_a_main_song_and_a_song_in_another_meter_are_left_out():
    main = [four_bars([60, 62, 64, 65], "main/0"), four_bars([67, 69, 71, 72], "main/1")]
    index = VariantIndex(main)
    new = four_bars([55, 57, 59, 74], "other/0")
    variant = four_bars([60, 62, 64, 76], "other/1")  # three of main/0's four bars
    kept_apart = four_bars([60, 57, 59, 74], "other/2")  # one of them: a shared bar, no more
    assert index.share(variant) == 0.75 >= VARIANT_SHARE and not index.admits(variant)
    assert index.share(kept_apart) == 0.25 < VARIANT_SHARE and index.admits(kept_apart)
    assert index.share(new) == 0 and index.admits(new)
    assert not index.admits(replace(new, time_signature="6/8"))  # a meter main never uses


def test_extra_songs_join_the_training_songs_and_nothing_else(tmp_path):
    main, extra = tmp_path / "main", tmp_path / "extra"
    main.mkdir(), extra.mkdir()
    songs = bar_songs(20, [60, 62, 64, 65, 67], seed=3)
    for song in songs:
        (main / f"{song.name}.abc").write_text(to_abc(song.symbols, "3/4"))
    for k in range(6):  # quavers: no bar of theirs is a bar of the crotchet songs
        quavers = [str(60 + (k + j) % 7 * 2) if j % 2 == 0 else "_" for j in range(12)]
        (extra / f"o{k}.abc").write_text(to_abc(quavers * 4, "3/4"))
    (extra / "copy.abc").write_text(to_abc(songs[0].symbols, "3/4"))  # a main song again
    preset = dict(PRESETS["tiny"], max_songs=None)
    alone = MelodyTask("melody", preset, str(main))
    more = MelodyTask("melody", dict(preset, extra=(str(extra),)), str(main))
    assert len(load_songs(str(extra))) == 7
    assert more.counts["extra"] == {str(extra): 6}  # the copy of a main song left out
    assert len(more.songs) == len(alone.songs) + 6
    assert more.songs[: len(alone.songs)] == alone.songs  # the split's own, then the others
    assert more.validation == alone.validation  # validated on the main collection alone
    assert more.describe()["songs"]["extra"] == {str(extra): 6}


def test_the_bundle_checks_copies_against_the_extra_songs_too():
    songs = bar_songs(20, [60, 62, 64, 65, 67], seed=3)
    other = four_bars([55, 57, 59, 74], "other/0")
    bundle = make_bundle(songs, extra=[other])
    assert bundle.train[-1] == other.symbols
    assert len(bundle.train) == len(make_bundle(songs).train) + 1
    assert trained_sources({"songs": {"train": 9, "extra": {"essenFolksong/dva": 3}}}) == [
        "essenFolksong/dva"]
    assert trained_sources({"songs": {"train": 9}}) == []
    tuned = {"songs": {"train": 9}, "pretraining": {"songs": {"extra": {"a": 1, "b": 2}}}}
    assert trained_sources(tuned) == ["a", "b"]  # a model fine-tuned from one that had them
