"""A melody's outputs: score, MIDI, MusicXML, SVG and audio."""

from __future__ import annotations

import numpy as np
import pretty_midi

from audiodemo.melody.render import (
    SAMPLE_RATE,
    musicxml,
    score_svg,
    synthesize,
    to_midi,
    to_stream,
    write_midi,
)

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


def test_a_melody_of_rests_is_silence_of_its_length():
    wave, how = synthesize(["r", "_", "_", "_"] * 4, tempo=120)  # a 4/4 bar at 120: 2 s
    assert len(wave) == 2 * SAMPLE_RATE and not wave.any() and "rests" in how
