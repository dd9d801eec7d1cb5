"""A melody's symbols as a score, MIDI, MusicXML, an SVG picture and audio.

Audio comes from FluidSynth with the General MIDI soundfont bundled with pretty_midi where
pyfluidsynth and its system library are installed, else from pretty_midi's sine synth;
`synthesize` says which. Verovio draws the score; each toolkit is pointed at verovio's own
font folder, since a Gradio worker thread does not find it alone.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import numpy as np

from audiodemo.melody.symbols import STEP, decode_symbols

SAMPLE_RATE = 22050


def spelled(midi: int, key):
    """A music21 `Pitch` of `midi` spelled as `key` (a music21 `Key`) writes it: its scale's
    names (and a minor key's raised seventh), else sharps in sharp keys and C major, flats
    in flat keys (so F# major has E#, never F or E-flat)."""
    from music21 import pitch

    names = {p.pitchClass: p.name for p in key.pitches}
    if key.mode == "minor":
        leading = key.tonic.transpose("-m2")
        names.setdefault(leading.pitchClass, leading.name)
    default = pitch.Pitch(midi=midi)
    if default.pitchClass in names:
        out = pitch.Pitch(names[default.pitchClass])
        out.octave = 4
        out.octave += (midi - out.midi) // 12
        return out
    alter = default.accidental.alter if default.accidental else 0
    if (alter < 0 and key.sharps >= 0) or (alter > 0 and key.sharps < 0):
        return default.getEnharmonic()
    return default


def to_stream(symbols: list[str], time_signature: str = "4/4", tempo: float = 100.0,
              key_name: str | None = None, pickup: int = 0):
    """A music21 `Score` of the melody, with its time signature, tempo and key; with a
    `pickup` (sixteenths of the first bar before the first symbol) the first bar is short,
    an anacrusis, so the bar lines fall where the song's do."""
    from music21 import key, meter, note, stream
    from music21 import tempo as m21tempo

    part = stream.Part()
    part.insert(0, meter.TimeSignature(time_signature))
    signature = key.Key(key_name) if key_name else key.Key("C")
    if key_name:
        part.insert(0, signature)
    part.insert(0, m21tempo.MetronomeMark(number=float(tempo)))
    offset = pickup * STEP
    for midi, length in decode_symbols(symbols):
        # a Pitch, not Note(int): the latter marks every natural note with a ♮
        part.insert(offset, note.Rest(quarterLength=length) if midi is None
                    else note.Note(spelled(midi, signature), quarterLength=length))
        offset += length
    measured = part.makeMeasures()
    measured.makeTies(inPlace=True)
    if pickup:
        measures = measured.getElementsByClass("Measure")
        for element in measures[0].notesAndRests:
            element.offset -= pickup * STEP
        measures[0].paddingLeft = pickup * STEP
        for number, measure in enumerate(measures):
            measure.number = number  # a pickup is bar 0, by convention
    score = stream.Score()
    score.insert(0, measured)
    return score


def to_midi(symbols: list[str], tempo: float = 100.0, program: int = 0):
    """A `pretty_midi.PrettyMIDI` of the melody (piano unless `program` says otherwise)."""
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(initial_tempo=float(tempo))
    instrument = pretty_midi.Instrument(program=program)
    seconds_per_quarter = 60.0 / float(tempo)
    time = 0.0
    for pitch, length in decode_symbols(symbols):
        end = time + length * seconds_per_quarter
        if pitch is not None:
            instrument.notes.append(pretty_midi.Note(velocity=90, pitch=pitch, start=time,
                                                     end=end))
        time = end
    midi.instruments.append(instrument)
    return midi


def write_midi(symbols: list[str], path: str | Path, tempo: float = 100.0) -> None:
    """The melody as a standard MIDI file."""
    to_midi(symbols, tempo).write(str(path))


def write_melody(symbols: list[str], midi_path: str | Path, xml_path: str | Path | None = None,
                 time_signature: str = "4/4", tempo: float = 100.0, key_name: str | None = None,
                 pickup: int = 0) -> str | None:
    """Write the melody as MIDI, and as MusicXML where `xml_path` is given (with its time
    signature, key and pickup, see `to_stream`); returns the MusicXML text, or None."""
    write_midi(symbols, midi_path, tempo)
    if xml_path is None:
        return None
    xml = musicxml(to_stream(symbols, time_signature, tempo, key_name, pickup))
    Path(xml_path).write_text(xml)
    return xml


def musicxml(score) -> str:
    """MusicXML text of a music21 score (no `.show()`, which wants MuseScore)."""
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    return GeneralObjectExporter(score).parse().decode("utf-8")


def score_svg(xml: str, width: int = 1800) -> str:
    """Verovio's SVG of MusicXML text, all systems on one page."""
    import verovio

    tk = verovio.toolkit(False)
    tk.setResourcePath(str(importlib.resources.files("verovio") / "data"))
    tk.setOptions({"pageWidth": width, "adjustPageHeight": True, "header": "none",
                   "footer": "none", "scale": 45, "breaks": "auto"})
    if not tk.loadData(xml):
        raise ValueError("Verovio could not read the score")
    return "".join(tk.renderToSVG(page) for page in range(1, tk.getPageCount() + 1))


def synthesize(symbols: list[str], tempo: float = 100.0) -> tuple[np.ndarray, str]:
    """Float32 audio at `SAMPLE_RATE`, and the name of the synthesiser that made it."""
    midi = to_midi(symbols, tempo)
    if not midi.instruments[0].notes:  # rests only: silence as long as the melody
        steps = len([s for s in symbols if s != "/"])
        seconds = steps * STEP * 60 / float(tempo)
        return np.zeros(int(seconds * SAMPLE_RATE), np.float32), "nothing: it is all rests"
    try:
        wave = midi.fluidsynth(fs=SAMPLE_RATE)
        how = "FluidSynth, General MIDI piano (TimGM6mb, bundled with pretty_midi)"
    except Exception:  # pyfluidsynth or libfluidsynth missing
        wave = midi.synthesize(fs=SAMPLE_RATE)
        how = "a sine-tone synthesiser (FluidSynth is not installed)"
    peak = float(np.abs(wave).max()) if wave.size else 0.0
    wave = wave / peak * 0.5 if peak > 0 else wave
    return wave.astype(np.float32), how
