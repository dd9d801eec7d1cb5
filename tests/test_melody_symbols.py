"""The sixteenth-grid melody encoding, typed seeds, and songs read from files."""

from __future__ import annotations

import pytest
from music21 import chord, key, meter, note, stream

from audiodemo.melody import corpus
from audiodemo.melody.symbols import (
    END,
    HOLD,
    REST,
    decode_symbols,
    encode_notes,
    note_name_to_midi,
    parse_seed,
)
from audiodemo.paths import CACHE_ENV


def test_encoding_then_decoding_gives_the_same_notes():
    events = [(60, 1.0), (None, 0.5), (62, 0.25), (64, 1.75), (72, 0.5)]
    symbols = encode_notes(events)
    assert symbols[:6] == ["60", HOLD, HOLD, HOLD, REST, HOLD]
    assert len(symbols) == 16  # 4 quarter notes of sixteenths
    assert decode_symbols([*symbols, END, "60"]) == events  # nothing after the end


@pytest.mark.parametrize("events,message", [
    ([(60, 0.3)], "sixteenths"), ([(60, 1 / 3)], "sixteenths"), ([(130, 1.0)], "outside"),
])
def test_what_the_grid_cannot_hold_is_refused(events, message):
    with pytest.raises(ValueError, match=message):
        encode_notes(events)


def test_unknown_symbols_are_refused():
    with pytest.raises(ValueError, match="unknown melody symbol 'x'"):
        decode_symbols(["60", "x"])


@pytest.mark.parametrize("name,midi", [("C4", 60), ("c4", 60), ("F#5", 78), ("Bb3", 58),
                                       ("A0", 21), ("C8", 108), ("E♭4", 63)])
def test_note_names_are_scientific_pitch(name, midi):
    assert note_name_to_midi(name) == midi


def test_typed_seeds_mix_numbers_names_holds_and_rests():
    assert parse_seed("60 _ D4 _  E4,_ r _") == ["60", "_", "62", "_", "64", "_", "r", "_"]


@pytest.mark.parametrize("text,message", [
    ("", "empty"), ("   ", "empty"), ("_ 60", "cannot start with '_'"),
    ("60 _ H4", "'H4' is neither"), ("60 200", "outside the piano"), ("C9", "outside"),
    ("60 " * 300, "at most 256"), ("DROP TABLE", "neither"), ("6²", "neither"),
])
def test_nonsense_seeds_get_a_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_seed(text)


def _song(tonic: str, mode: str, pitches: list[str], signature: str = "3/4") -> stream.Score:
    part = stream.Part()
    part.append(meter.TimeSignature(signature))
    part.append(key.Key(tonic, mode))
    for name in pitches:
        part.append(note.Note(name, quarterLength=1.0))
    score = stream.Score()
    score.insert(0, part)
    return score


def test_a_song_in_g_major_moves_to_c_major():
    song = corpus.encode_score(_song("G", "major", ["G4", "B4", "D5", "G4", "A4", "B4",
                                                    "C5", "D5", "G4"]), "g-song")
    assert song.key == "G major" and song.time_signature == "3/4" and song.steps_per_bar == 12
    assert [s for s in song.symbols if s != HOLD][:3] == ["72", "76", "79"]  # up a fourth
    assert decode_symbols(song.symbols)[0] == (72, 1.0)


def test_a_song_in_e_minor_moves_to_a_minor():
    song = corpus.encode_score(_song("e", "minor", ["E4", "G4", "B4", "E4", "F#4", "G4",
                                                    "B4", "E5", "E4"]), "e-song")
    assert song.key == "E minor"
    assert song.symbols[0] == "69"  # E4 up a fourth to A4


def test_off_grid_and_polyphonic_songs_are_left_out():
    triplets = _song("C", "major", ["C4", "D4", "E4"])
    for n in triplets.recurse().notes:
        n.quarterLength = 1 / 3
    assert corpus.encode_score(triplets, "t") is None
    chords = _song("C", "major", ["C4", "D4", "E4"])
    chords.parts[0].append(chord.Chord(["C4", "E4", "G4"], quarterLength=1.0))
    assert corpus.encode_score(chords, "c") is None
    assert corpus.encode_score(_song("C", "major", ["C4", "D4", "E4"]), "ok") is not None


def test_a_folder_of_files_is_read_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    folder = tmp_path / "songs"
    folder.mkdir()
    _song("D", "major", ["D4", "F#4", "A4", "D5", "A4", "F#4", "D4", "E4", "D4"]).write(
        "musicxml", folder / "d.musicxml")
    (folder / "tune.abc").write_text("X:1\nT:Scale\nM:4/4\nL:1/8\nK:C\nCDEF GABc|c2B2 A2G2|]\n")
    (folder / "broken.krn").write_text("not kern at all")
    songs = corpus.load_songs(str(folder))
    assert sorted(s.name.split("/")[0] for s in songs) == ["d", "tune"]
    assert list((tmp_path / "cache" / "audiodemo").glob("songs-*.json"))
    monkeypatch.setattr(corpus, "parse_file", lambda path: pytest.fail("cache not used"))
    assert [s.symbols for s in corpus.load_songs(str(folder))] == [s.symbols for s in songs]


def test_an_empty_source_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="No \\*\\*kern, ABC, MusicXML or MIDI files"):
        corpus.load_songs(str(tmp_path))


def test_a_pickup_puts_the_first_note_before_the_downbeat(tmp_path):
    abc = "X:1\nT:Pickup\nM:3/4\nL:1/4\nK:C\nC|E G c|B2 A|G3|]\n"
    (tmp_path / "pickup.abc").write_text(abc)
    (song,) = corpus.parse_file(tmp_path / "pickup.abc")
    assert song.steps_per_bar == 12 and song.pickup == 8  # two beats of the bar are missing
    assert (song.pickup + 4) % song.steps_per_bar == 0  # E, four sixteenths in, on the downbeat
