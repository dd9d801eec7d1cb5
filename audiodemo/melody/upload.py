"""A user's song file as a seed: MIDI, MusicXML, ABC or **kern, read by music21.

The file is parsed from its source (never from a music21 pickle cache, and none is
written), its first tune and first part taken, each chord by its top note (the tune most
often lies on top), MIDI quantised to sixteenths, and the song encoded as the corpus is
(`audiodemo.melody.corpus.encode_score`: moved to C major / A minor, its key kept, which
is the key signature's major or relative minor where the file has one).
"""

from __future__ import annotations

import os
from pathlib import Path

from audiodemo.melody.corpus import SUFFIXES, Song, encode_score

MAX_BYTES = 512 * 1024  # a folk tune's file is a few kB; a symphony's MusicXML is not a seed


def written_key(score):
    """The key the score's key signature names, major or its relative minor, whichever fits
    its notes better (music21's Krumhansl-Schmuckler correlations); music21's analysis
    alone where there is no signature (a short tune misleads it: D E F# G A reads as E
    minor)."""
    from music21 import key

    analysed = score.analyze("key")
    signatures = list(score.recurse().getElementsByClass(key.KeySignature))
    if not signatures:
        return analysed
    sharps = signatures[0].sharps
    if analysed.sharps == sharps:
        return analysed
    fits = {(k.tonic.name, k.mode): k.correlationCoefficient
            for k in [analysed, *analysed.alternateInterpretations]}
    major, minor = signatures[0].asKey("major"), signatures[0].asKey("minor")
    pick = max((major, minor), key=lambda k: fits.get((k.tonic.name, k.mode), -1.0))
    return pick


def read_song(path: str | os.PathLike) -> Song:
    """The first tune of a song file as a `Song`; `ValueError` saying why it cannot be."""
    from music21 import chord, converter, note, stream

    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise ValueError(f"A seed file is MIDI, MusicXML, ABC or **kern "
                         f"({', '.join(SUFFIXES)}); got {path.suffix or 'no suffix'!r}")
    if path.stat().st_size > MAX_BYTES:
        raise ValueError(f"The file has {path.stat().st_size // 1024} kB; a seed file may "
                         f"have at most {MAX_BYTES // 1024} kB")
    options = {"quarterLengthDivisors": (4,)} if path.suffix.lower() in (".mid", ".midi") \
        else {}
    try:
        parsed = converter.parse(str(path), forceSource=True, storePickle=False, **options)
    except Exception as err:  # music21 raises exceptions of many types for malformed files
        raise ValueError(f"music21 could not read {path.name}: {err}") from None
    score = parsed.scores[0] if isinstance(parsed, stream.Opus) else parsed
    parts = list(score.parts) if hasattr(score, "parts") and score.parts else [score]
    line = parts[0]
    for c in list(line.recurse().getElementsByClass(chord.Chord)):
        top = note.Note(max(c.pitches), quarterLength=c.quarterLength)
        c.activeSite.replace(c, top)
    whole = stream.Score([line])
    song = encode_score(whole, path.stem, written_key(whole))
    if song is None:
        raise ValueError(f"{path.name} holds no melody on the sixteenth-note grid in one "
                         f"meter (overlapping notes, triplets or a change of meter)")
    return song
