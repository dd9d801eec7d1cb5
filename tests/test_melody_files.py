"""Song files in and out: ABC written and read back, and a user's MIDI, MusicXML, ABC or
**kern file read as a seed, from its source only."""

from __future__ import annotations

import pickle

import pytest
from music21 import converter

from audiodemo.melody import upload
from audiodemo.melody.abc import abc_key, abc_pitch, to_abc
from audiodemo.melody.render import write_melody
from audiodemo.melody.symbols import decode_symbols
from audiodemo.melody.upload import read_song

TUNE = "62 _ 64 _ 66 _ 67 _ 69 _ _ _ 69 _ _ _ 71 _ 71 _ 71 _ 71 _ 69 _ _ _ r _ _ _".split()
KERN = ("**kern\n*M4/4\n*k[f#c#]\n8d\n8e\n8f#\n8g\n4a\n4a\n=\n8b\n8b\n8b\n8b\n4a\n4r\n==\n"
        "*-\n")


def _events(abc: str) -> list[tuple[int | None, float]]:
    flat = converter.parse(abc, format="abc").flatten().stripTies()
    return [(None if e.isRest else e.pitch.midi, float(e.quarterLength))
            for e in flat.notesAndRests]


@pytest.mark.parametrize("symbols,signature,key,pickup", [
    (TUNE, "4/4", "D", 0),
    ("66 _ 68 _ 70 _ 71 _ 65 _ _ _ _ _ 66 _ 63 _ 63 _".split(), "4/4", "F#", 0),  # E#, D#
    ("69 _ _ _ 72 _ 68 _ 69 _ _ _ r _ 68 68 67 _".split(), "3/4", "a", 4),  # G#, then G
    (["60"] + ["_"] * 17 + "61 _ 61 _ 62 _".split(), "2/4", "Eb", 0),  # tied over two bars
])
def test_abc_reads_back_as_the_same_notes(symbols, signature, key, pickup):
    text = to_abc(symbols, signature, 90, key, pickup, "t")
    assert f"M:{signature}" in text and "L:1/16" in text and "Q:1/4=90" in text
    assert _events(text) == decode_symbols(symbols)


def test_abc_names_pitches_and_keys_as_abc_does():
    assert [abc_pitch("C", 4), abc_pitch("C", 5), abc_pitch("D", 6), abc_pitch("B", 3)] == [
        "C", "c", "d'", "B,"]
    assert [abc_key("F#"), abc_key("e"), abc_key("c#"), abc_key("B-")] == ["F#", "Em", "C#m",
                                                                         "Bb"]
    bar = to_abc(["61", "_", "61", "_"], "1/4", key_name="C").splitlines()[-1]
    assert bar == "^C2 ^C2 |]"  # each altered note marked, whatever the reader


@pytest.mark.parametrize("suffix", ["musicxml", "mid", "abc", "krn"])
def test_a_song_file_of_each_kind_is_read_in_its_key(tmp_path, suffix):
    path = tmp_path / f"tune.{suffix}"
    if suffix in ("musicxml", "mid"):
        write_melody(TUNE, tmp_path / "tune.mid", tmp_path / "tune.musicxml", "4/4", 100, "D")
    elif suffix == "abc":
        path.write_text(to_abc(TUNE, "4/4", 100, "D"))
    else:
        path.write_text(KERN)
    song = read_song(path)
    assert song.time_signature == "4/4" and song.name == "tune"
    # MIDI carries no key signature here: music21's analysis reads D E F# G A as E minor
    assert song.key == ("E minor" if suffix == "mid" else "D major")
    shift = 62 - int(song.symbols[0])
    assert [str(int(s) + shift) if s[0].isdigit() else s for s in song.symbols[:16]] == TUNE[:16]


def test_a_bad_or_big_or_foreign_file_is_a_clear_refusal(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("60 62")
    with pytest.raises(ValueError, match="A seed file is MIDI, MusicXML"):
        read_song(tmp_path / "a.txt")
    (tmp_path / "big.mid").write_bytes(b"\0" * (upload.MAX_BYTES + 1))
    with pytest.raises(ValueError, match="at most 512 kB"):
        read_song(tmp_path / "big.mid")
    (tmp_path / "p.mid").write_bytes(pickle.dumps({"not": "music"}))
    with pytest.raises(ValueError, match="music21 could not read p.mid"):
        read_song(tmp_path / "p.mid")
    chords = tmp_path / "c.abc"
    chords.write_text("X:1\nM:4/4\nL:1/4\nK:C\n[CEG] [DFA] [EGB] c |]\n")
    assert read_song(chords).symbols[::4] == ["67", "69", "71", "72"]  # the top notes


def test_an_upload_is_parsed_from_its_source_never_from_a_pickle(tmp_path, monkeypatch):
    seen = []
    parse = converter.parse

    def spy(value, **kwargs):
        seen.append(kwargs)
        return parse(value, **kwargs)

    monkeypatch.setattr(converter, "parse", spy)
    (tmp_path / "t.krn").write_text(KERN)
    read_song(tmp_path / "t.krn")
    assert seen == [{"forceSource": True, "storePickle": False}]
