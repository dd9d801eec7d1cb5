"""A melody's outputs (score, MIDI, MusicXML, SVG, audio) and its figures."""

from __future__ import annotations

import numpy as np
import pretty_midi
import pytest

from audiodemo.melody.figures import CopyIndex, melody_figures
from audiodemo.melody.render import (
    SAMPLE_RATE,
    musicxml,
    score_svg,
    synthesize,
    to_midi,
    to_stream,
    write_midi,
)
from audiodemo.melody.vocab import Vocabulary

MELODY = ["60", "_", "_", "_", "62", "_", "r", "_", "64", "_", "_", "_", "_", "_", "_", "_"]


def test_the_midi_holds_the_notes_with_their_lengths(tmp_path):
    midi = to_midi(MELODY, tempo=120)  # a quarter is 0.5 s, a sixteenth 0.125 s
    notes = [(n.pitch, round(n.start, 3), round(n.end, 3)) for n in midi.instruments[0].notes]
    assert notes == [(60, 0.0, 0.5), (62, 0.5, 0.75), (64, 1.0, 2.0)]
    write_midi(MELODY, tmp_path / "melody.mid", 120)
    again = pretty_midi.PrettyMIDI(str(tmp_path / "melody.mid"))
    assert [n.pitch for n in again.instruments[0].notes] == [60, 62, 64]


def test_musicxml_and_svg_show_the_score():
    xml = musicxml(to_stream(MELODY, "2/4", 90, "G"))
    assert "<score-partwise" in xml and "<beats>2</beats>" in xml and "<fifths>1</fifths>" in xml
    assert "natural" not in xml  # C, D and E need no accidentals
    assert "<accidental>sharp</accidental>" in musicxml(to_stream(["61", "_"]))
    svg = score_svg(xml)
    assert svg.startswith("<svg") and svg.count('class="note"') == 3


def test_a_pickup_makes_a_short_first_bar():
    symbols = ["60", "_", "_", "_"] * 3 + ["67", "_", "_", "_", "_", "_", "_", "_"]
    score = to_stream(symbols, "3/4", pickup=8)  # one crotchet before the downbeat
    measures = score.parts[0].getElementsByClass("Measure")
    assert [m.quarterLength for m in measures] == [1.0, 3.0, 1.0]  # C | C C G | (G)
    assert [m.number for m in measures] == [0, 1, 2]
    assert '<measure implicit="no" number="0">' in musicxml(score)
    plain = to_stream(symbols, "3/4").parts[0].getElementsByClass("Measure")
    assert [m.quarterLength for m in plain] == [3.0, 2.0]


def test_audio_is_float_at_its_rate_and_says_how_it_was_made():
    wave, how = synthesize(MELODY, tempo=120)
    assert wave.dtype == np.float32 and 2.0 * SAMPLE_RATE <= len(wave) <= 4 * SAMPLE_RATE
    assert 0 < np.abs(wave).max() <= 0.5 + 1e-6
    assert "FluidSynth" in how or "sine" in how


def test_figures_of_a_melody():
    bar = ["60", "_", "64", "_", "67", "_", "_", "_"]
    figures = melody_figures(bar * 3 + ["61", "_", "_", "_", "60", "_", "_", "_"], 8)
    assert figures["notes"] == 11 and figures["range"] == 7
    assert figures["in_key"] == pytest.approx(10 / 11)  # C# is off the scale
    assert figures["ends_on_tonic"] is True
    assert figures["bar_repetition"] == pytest.approx(2 / 3)  # bars 2 and 3 of 4 repeat
    assert melody_figures(["69", "_", "68", "_"], 4, minor=True)["in_key"] == 1.0


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
    figures = melody_figures(["60", "_", "62", "_", "64", "_", "65", "_"], 4, copies=index)
    assert figures["longest_copy_bars"] == 2.0


def test_a_melody_of_rests_is_silence_of_its_length():
    wave, how = synthesize(["r", "_", "_", "_"] * 4, tempo=120)  # a 4/4 bar at 120: 2 s
    assert len(wave) == 2 * SAMPLE_RATE and not wave.any() and "rests" in how


def test_bar_repetition_counts_bars_from_the_first_downbeat():
    bar = ["60", "_", "64", "_"]
    symbols = ["67", "_"] + bar * 3  # a half-bar pickup, then one bar three times
    assert melody_figures(symbols, 4, pickup=2)["bar_repetition"] == 1.0
    assert melody_figures(symbols, 4)["bar_repetition"] == 0.5  # misaligned: [67 _ 60 _] first


def test_bar_repetition_counts_a_return_to_any_earlier_bar_and_looks_into_the_seed():
    a, b, c = ["60", "_", "_", "_"], ["62", "_", "_", "_"], ["64", "_", "_", "_"]
    assert melody_figures(a + b + c + a, 4)["bar_repetition"] == pytest.approx(1 / 3)
    # the seed's bar is an earlier bar; only the added bars are counted
    figures = melody_figures(b + a + c, 4, before=a)
    assert figures["bar_repetition"] == pytest.approx(1 / 3)
    assert figures["notes"] == 3
