"""The Melody tab's handler with a tiny model and bundle, and the bundle's file."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import numpy as np
import pytest

from audiodemo.melody.bundle import opening
from audiodemo.melody.corpus import Song
from audiodemo.melody.evaluate import split_songs
from audiodemo.melody.render import write_melody
from audiodemo.ui import melody_tab
from tests.conftest import played
from tests.melody_songs import keyed_songs, stand_in, tiny_melody

TYPED, DETECT, AS_SEED = melody_tab.TYPED, melody_tab.DETECT, melody_tab.AS_SEED


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
    scores, audio, files, symbols, report, form, last, chances, _ = melody_tab.generate(
        seed.name, "", DETECT, 1.0, 2, "G", 120, 2, 7)
    assert scores.count("<svg") >= 2 and "Variation 2" in scores
    rate, wave = played(audio)
    assert rate == 22050 and wave.dtype == np.int16 and len(wave) > 0
    assert sorted(p.rsplit("/", 1)[1] for p in files) == [
        "melody-1.abc", "melody-1.mid", "melody-1.musicxml",
        "melody-2.abc", "melody-2.mid", "melody-2.musicxml"]
    assert symbols.startswith("1: ") and "| 2 |" in report and "longest copy" in report
    again = melody_tab.generate(seed.name, "", DETECT, 1.0, 2, "G", 120, 2, 7)
    assert again[3] == symbols  # the same random seed, the same melodies


def test_every_variation_is_in_the_player_one_after_another(tab):
    """Issue 16: with 4 variations only the first could be heard."""
    seed = tab.seeds[0]
    one = played(melody_tab.generate(seed.name, "", DETECT, 1.0, 2, "C", 120, 1, 5)[1])[1]
    _, audio, _, _, report, *_ = melody_tab.generate(seed.name, "", DETECT, 1.0, 2, "C", 120, 3,
                                                     5)
    rate, three = played(audio)
    assert audio.endswith("melody-1-to-3.wav") and "the 3 variations one after another" in report
    gap = int(melody_tab.GAP_SECONDS * rate)
    assert len(three) > 3 * len(one) // 2 + 2 * gap  # three melodies of two bars, not one
    silent = np.convolve(np.abs(three.astype(float)) < 2, np.ones(gap // 2), "valid")
    assert (silent >= gap // 2).sum() >= 2  # the gaps between them


def _generate(*args, **kwargs) -> dict:
    names = ("scores", "audio", "files", "symbols", "report", "form", "last", "chances",
             "roll")
    return dict(zip(names, melody_tab.generate(*args, **kwargs), strict=True))


def test_the_ending_is_the_models_or_cut_as_asked(tab):
    seed = tab.seeds[1]
    out = _generate(seed.name, "", DETECT, 1.0, 2, "C", 100, 1, 3, True)
    assert "where the model ends a song" in out["report"] or "cut at the length" in out["report"]
    out = _generate(seed.name, "", DETECT, 1.0, 2, "C", 100, 1, 3, False)
    assert "ended early by the model" in out["report"] or "cut at the length" in out["report"]
    bar = seed.steps_per_bar
    assert len(out["symbols"].split()) - 1 <= len(seed.symbols) + (
        -(seed.pickup + len(seed.symbols)) % bar) + 2 * bar


def test_drafts_copying_a_training_song_are_set_aside(tab):
    for k in range(3):
        report = _generate(tab.seeds[k].name, "", DETECT, 0.7, 4, "C", 100, 1, k)["report"]
        header = [line for line in report.splitlines() if line.startswith("| variation |")][0]
        column = [c.strip() for c in header.split("|")].index("longest copy (bars)")
        row = [line for line in report.splitlines() if line.startswith("| 1 |")][0]
        assert float(row.split("|")[column]) <= 2.0


def test_a_typed_seed_works(tab):
    out = _generate(TYPED, "C4 _ E4 _ G4 _ r _", DETECT, 0.8, 1, "C", 100, 1, 0)
    assert out["symbols"].startswith("1: 60 _ 64 _ 67 _ r _") and "*typed*" in out["report"]


def test_a_typed_seed_keeps_its_own_key_detected_or_given(tab):
    """Issue 16: an F# major seed came out as C D E F under six sharps, with flats."""
    out = _generate(TYPED, "66 _ 68 _ 70 _ 71 _", DETECT, 1.0, 2, AS_SEED, 100, 1, 0)
    assert out["symbols"].startswith("1: 66 _ 68 _ 70 _ 71 _")
    assert "F# major (detected)" in out["report"]
    xml = Path([f for f in out["files"] if f.endswith(".musicxml")][0]).read_text()
    assert "<fifths>6</fifths>" in xml and "<alter>-1</alter>" not in xml  # sharps only
    minor = _generate(TYPED, "69 _ _ _ 72 _ 76 _ 69 _ _ _ r _ _ _", DETECT, 1.0, 2, AS_SEED,
                      100, 1, 0)
    assert minor["symbols"].startswith("1: 69 _ _ _ 72 _ 76 _") and "A minor" in minor["report"]
    moved = _generate(TYPED, "66 _ 68 _ 70 _ 71 _", "F# major", 1.0, 2, "G", 100, 1, 0)
    assert moved["symbols"].startswith("1: 67 _ 69 _ 71 _ 72 _") and "(as given)" in moved[
        "report"]
    with pytest.raises(gr.Error, match="A key is a tonic"):
        melody_tab.generate(TYPED, "60 _", "H major", 1.0, 2, "C", 100, 1, 0)


def test_a_dropped_song_file_gives_its_opening_as_the_seed_in_its_own_key(tab, tmp_path):
    """Issue 16: a seed could come only from the bundled songs or typed symbols."""
    tune = "62 _ 64 _ 66 _ 67 _ 69 _ _ _ 69 _ _ _ 71 _ 71 _ 71 _ 71 _ 69 _ _ _ r _ _ _".split()
    write_melody(tune, tmp_path / "tune.mid", tmp_path / "tune.musicxml", "4/4", 100, "D")
    assert melody_tab._uploaded(str(tmp_path / "tune.musicxml")) == melody_tab.UPLOADED
    out = _generate(melody_tab.UPLOADED, "", DETECT, 1.0, 2, AS_SEED, 100, 1, 0,
                    upload=str(tmp_path / "tune.musicxml"))
    assert out["symbols"].startswith("1: " + " ".join(tune[:16]))  # its first bar, in D
    assert "D major (from the file)" in out["report"]
    assert "The seed's song, tune" in [ax.get_title() for ax in out["form"].axes]
    assert melody_tab.preview(melody_tab.UPLOADED, "", DETECT,
                              str(tmp_path / "tune.musicxml")).startswith("<svg")
    with pytest.raises(gr.Error, match="Drop a song file first"):
        melody_tab.generate(melody_tab.UPLOADED, "", DETECT, 1.0, 2, "C", 100, 1, 0)
    (tmp_path / "notes.txt").write_text("60 62")
    with pytest.raises(gr.Error, match="A seed file is MIDI, MusicXML, ABC or"):
        melody_tab.generate(melody_tab.UPLOADED, "", DETECT, 1.0, 2, "C", 100, 1, 0,
                            upload=str(tmp_path / "notes.txt"))


def test_the_form_and_the_chances_are_drawn_for_each_variation(tab):
    out = _generate(tab.seeds[0].name, "", DETECT, 1.0, 4, AS_SEED, 100, 2, 1, step=3)
    titles = [ax.get_title() for ax in out["form"].axes]
    assert "Variation 1: which bars repeat" in titles and "Variation 2: which bars repeat" in (
        titles)
    assert any(t.startswith("The seed's song") for t in titles)  # a bundled seed: its song
    assert "Step 3 after the seed" in out["chances"].axes[0].get_title()
    ax = out["chances"].axes[0]
    bars = [p.get_height() for p in ax.patches]
    assert len(bars) == 2 * len(ax.get_xticklabels()) and all(0 <= b <= 1 for b in bars)
    assert [t.get_color() for t in ax.get_xticklabels()].count("tab:red") == 1  # drawn
    assert melody_tab.chances(out["last"], 10_000) is not None  # clipped to the melody
    assert melody_tab.chances(None, 1) is None
    for bad in ({"x": 1}, {**out["last"], "symbols": ["60", "H9"]},
                {**out["last"], "time_signature": "../../x"}, {**out["last"], "model": "gpt"},
                {**out["last"], "seed_length": 10**6}):  # what an API caller may send
        with pytest.raises(gr.Error):
            melody_tab.chances(bad, 1)


@pytest.mark.parametrize("args,message", [
    ((TYPED, "60 _ H4", DETECT, 1.0, 2, "C", 100, 1, 0), "'H4' is neither"),
    ((TYPED, "", DETECT, 1.0, 2, "C", 100, 1, 0), "empty"),
    (("no/such", "", DETECT, 1.0, 2, "C", 100, 1, 0), "Unknown seed"),
    ((None, "60 _", DETECT, 0.0, 2, "C", 100, 1, 0), "Temperature must be above 0"),
    ((None, "60 _", DETECT, -1.0, 2, "C", 100, 1, 0), "Temperature"),
    ((None, "60 _", DETECT, 1e9, 2, "C", 100, 1, 0), "Temperature"),
    ((None, "60 _", DETECT, 1.0, 0, "C", 100, 1, 0), "Bars must be"),
    ((None, "60 _", DETECT, 1.0, 10_000, "C", 100, 1, 0), "Bars must be"),
    ((None, "60 _", DETECT, 1.0, 2, "H", 100, 1, 0), "Key must be"),
    ((None, "60 _", DETECT, 1.0, 2, "C", 1000, 1, 0), "Tempo"),
    ((None, "60 _", DETECT, 1.0, 2, "C", 100, 9, 0), "Variations"),
    ((None, "60 _", DETECT, 1.0, 2, "C", 100, 1, -4), "random seed"),
    ((None, "60 _", DETECT, 1.0, 2, "C", 100, 1, 1.5), "random seed"),
    ((None, "60 _", DETECT, 1.0, 2, "C", 100, 1, 0, True, True, "gpt"), "Unknown melody model"),
    ((None, "60 _", DETECT, 1.0, 64, "C", 100, 2, 0, True, True, "transformer"),
     "writes at most 64 bars per request"),
])
def test_bad_requests_are_messages_and_the_next_one_works(tab, args, message):
    with pytest.raises(gr.Error, match=message):
        melody_tab.generate(*args)
    assert melody_tab.generate(None, "60 _ 62 _", DETECT, 1.0, 1, "C", 100, 1, 0)[1]


def test_the_seed_preview_draws_the_opening(tab):
    assert melody_tab.preview(tab.seeds[0].name).startswith("<svg")
    assert "Type a seed" in melody_tab.preview(melody_tab.TYPED, "")



def test_the_piano_roll_spans_the_player_and_plays_it(tab):
    """Issue 17: the piano roll is a picture with a playhead over what the player plays."""
    out = _generate(tab.seeds[0].name, "", DETECT, 1.0, 2, AS_SEED, 100, 2, 1)
    roll = out["roll"]
    assert roll.sounds == [("Play", out["audio"])]
    rate, samples = played(out["audio"])
    ax = roll.figure.axes[0]
    assert ax.get_xlabel() == "time (s)"
    assert ax.get_xlim()[1] == pytest.approx(len(samples) / rate, abs=0.01)
    notes = ax.patches
    grey = [p for p in notes if tuple(p.get_facecolor()[:3]) == (0.6, 0.6, 0.6)]
    seed_notes = len([s for s in tab.seeds[0].symbols if s not in ("_", "r")])
    assert len(grey) == 2 * seed_notes  # each variation starts with the seed
    second = sorted(p.get_x() for p in grey)[seed_notes]  # the second's first note
    # the second variation starts where the player has it: after the first and the gap
    assert second >= melody_tab.GAP_SECONDS
    assert all(p.get_x() + p.get_width() <= ax.get_xlim()[1] + 1e-6 for p in notes)
