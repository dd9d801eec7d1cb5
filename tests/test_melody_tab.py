"""The Melody tab's handler with a tiny model and bundle, and the bundle's file."""

from __future__ import annotations

import gradio as gr
import numpy as np
import pytest

from audiodemo.melody.bundle import opening
from audiodemo.melody.corpus import Song
from audiodemo.melody.evaluate import split_songs
from audiodemo.ui import melody_tab
from tests.conftest import played
from tests.melody_songs import keyed_songs, stand_in, tiny_melody


@pytest.fixture
def tab(monkeypatch):
    stand_in(monkeypatch, *tiny_melody())
    return tiny_melody()[1]


def test_openings_are_the_pickup_and_one_full_bar():
    song = Song("s", [str(60 + i % 12) for i in range(48)], "3/4", "C major", pickup=8)
    assert opening(song) == song.symbols[:4 + 12]
    assert len(opening(Song("s", song.symbols, "3/4", "C major"))) == 12


def test_the_bundle_round_trips_the_training_songs_and_the_seeds():
    _, bundle = tiny_melody()
    train, _, test = split_songs(keyed_songs(40))
    assert bundle.train == [s.symbols for s in train]
    assert [s.name for s in bundle.seeds] == [s.name for s in test]
    assert all(s.symbols == opening(t) for s, t in zip(bundle.seeds, test, strict=True))


def test_generate_returns_scores_audio_files_symbols_and_statistics(tab):
    seed = tab.seeds[0]
    scores, audio, files, symbols, report = melody_tab.generate(
        seed.name, "", False, 1.0, 2, "G", 120, 2, 7)
    assert scores.count("<svg") >= 2 and "Variation 2" in scores
    rate, wave = played(audio)
    assert rate == 22050 and wave.dtype == np.int16 and len(wave) > 0
    assert sorted(p.rsplit("/", 1)[1] for p in files) == [
        "melody-1.mid", "melody-1.musicxml", "melody-2.mid", "melody-2.musicxml"]
    assert symbols.startswith("1: ") and "| 2 |" in report and "longest copy" in report
    again = melody_tab.generate(seed.name, "", False, 1.0, 2, "G", 120, 2, 7)
    assert again[3] == symbols  # the same random seed, the same melodies


def test_every_variation_is_in_the_player_one_after_another(tab):
    """Issue 16: with 4 variations only the first could be heard."""
    seed = tab.seeds[0]
    one = played(melody_tab.generate(seed.name, "", False, 1.0, 2, "C", 120, 1, 5)[1])[1]
    _, audio, *_, report = melody_tab.generate(seed.name, "", False, 1.0, 2, "C", 120, 3, 5)
    rate, three = played(audio)
    assert audio.endswith("melody-1-to-3.wav") and "the 3 variations one after another" in report
    gap = int(melody_tab.GAP_SECONDS * rate)
    assert len(three) > 3 * len(one) // 2 + 2 * gap  # three melodies of two bars, not one
    silent = np.convolve(np.abs(three.astype(float)) < 2, np.ones(gap // 2), "valid")
    assert (silent >= gap // 2).sum() >= 2  # the gaps between them


def test_the_ending_is_the_models_or_cut_as_asked(tab):
    seed = tab.seeds[1]
    *_, symbols, report = melody_tab.generate(seed.name, "", False, 1.0, 2, "C", 100, 1, 3,
                                              True)
    assert "where the model ends a song" in report or "cut at the length" in report
    *_, free, report = melody_tab.generate(seed.name, "", False, 1.0, 2, "C", 100, 1, 3,
                                           False)
    assert "ended early by the model" in report or "cut at the length" in report
    bar = seed.steps_per_bar
    assert len(free.split()) - 1 <= len(seed.symbols) + (-(seed.pickup + len(seed.symbols))
                                                          % bar) + 2 * bar


def test_drafts_copying_a_training_song_are_set_aside(tab):
    for k in range(3):
        *_, report = melody_tab.generate(tab.seeds[k].name, "", False, 0.7, 4, "C", 100, 1, k)
        row = [line for line in report.splitlines() if line.startswith("| 1 |")][0]
        assert float(row.split("|")[7]) <= 2.0  # the longest copy, in bars


def test_a_typed_seed_works(tab):
    *_, symbols, report = melody_tab.generate(melody_tab.TYPED, "C4 _ E4 _ G4 _ r _", False,
                                              0.8, 1, "C", 100, 1, 0)
    assert symbols.startswith("1: 60 _ 64 _ 67 _ r _") and "*typed*" in report


@pytest.mark.parametrize("args,message", [
    ((melody_tab.TYPED, "60 _ H4", False, 1.0, 2, "C", 100, 1, 0), "'H4' is neither"),
    ((melody_tab.TYPED, "", False, 1.0, 2, "C", 100, 1, 0), "empty"),
    (("no/such", "", False, 1.0, 2, "C", 100, 1, 0), "Unknown seed"),
    ((None, "60 _", False, 0.0, 2, "C", 100, 1, 0), "Temperature must be above 0"),
    ((None, "60 _", False, -1.0, 2, "C", 100, 1, 0), "Temperature"),
    ((None, "60 _", False, 1e9, 2, "C", 100, 1, 0), "Temperature"),
    ((None, "60 _", False, 1.0, 0, "C", 100, 1, 0), "Bars must be"),
    ((None, "60 _", False, 1.0, 10_000, "C", 100, 1, 0), "Bars must be"),
    ((None, "60 _", False, 1.0, 2, "H", 100, 1, 0), "Key must be"),
    ((None, "60 _", False, 1.0, 2, "C", 1000, 1, 0), "Tempo"),
    ((None, "60 _", False, 1.0, 2, "C", 100, 9, 0), "Variations"),
    ((None, "60 _", False, 1.0, 2, "C", 100, 1, -4), "random seed"),
    ((None, "60 _", False, 1.0, 2, "C", 100, 1, 1.5), "random seed"),
])
def test_bad_requests_are_messages_and_the_next_one_works(tab, args, message):
    with pytest.raises(gr.Error, match=message):
        melody_tab.generate(*args)
    assert melody_tab.generate(None, "60 _ 62 _", False, 1.0, 1, "C", 100, 1, 0)[1] is not None


def test_the_seed_preview_draws_the_opening(tab):
    assert melody_tab.preview(tab.seeds[0].name).startswith("<svg")
    assert "Type a seed" in melody_tab.preview(melody_tab.TYPED, "")

