"""A melody as ABC notation (abcnotation.com, standard 2.1), the folk musician's text score.

One voice, `L:1/16` so every duration is a whole number of units; bar lines where the
time signature puts them (a pickup makes the first bar short); a note across a bar line is
split and tied (`-`). Pitches are spelled in the key (`audiodemo.melody.render.spelled`),
and an accidental is written on every note that differs from the key signature, and on a
note that returns to it after an accidental earlier in the bar (in ABC an accidental lasts
to the bar line; some readers, music21's among them, apply it to one note only: written so,
both read the same pitches).
"""

from __future__ import annotations

from audiodemo.melody.render import spelled
from audiodemo.melody.symbols import STEP, decode_symbols

_ALTER = {1: "^", -1: "_", 0: "=", 2: "^^", -2: "__"}


def abc_pitch(letter: str, octave: int) -> str:
    """`("C", 4)` -> "C", `("C", 5)` -> "c", `("D", 6)` -> "d'", `("B", 3)` -> "B,"."""
    if octave >= 5:
        return letter.lower() + "'" * (octave - 5)
    return letter.upper() + "," * (4 - octave)


def abc_key(key_name: str) -> str:
    """music21's key name ("F#", "e", "c#") -> ABC's `K:` field ("F#", "Em", "C#m")."""
    if key_name[:1].islower():
        return key_name[:1].upper() + key_name[1:].replace("-", "b") + "m"
    return key_name.replace("-", "b")


def to_abc(symbols: list[str], time_signature: str = "4/4", tempo: float = 100.0,
           key_name: str = "C", pickup: int = 0, title: str = "melody") -> str:
    """The ABC text of a melody (`key_name` as music21 names keys: "G", "e")."""
    from music21 import key

    signature = key.Key(key_name)
    in_signature = {p.step: int(p.accidental.alter) for p in signature.alteredPitches}
    top, bottom = (int(v) for v in time_signature.split("/"))
    bar = max(1, top * 16 // bottom)

    body, position, written = [], pickup % bar, {}
    for midi, length in decode_symbols(symbols):
        left = round(length / STEP)
        while left:
            units = min(left, bar - position)
            if midi is None:
                text = "z"
            else:
                pitch = spelled(midi, signature)
                alter = int(pitch.accidental.alter) if pitch.accidental else 0
                place = (pitch.step, pitch.octave)
                text = abc_pitch(pitch.step, pitch.octave)
                usual = in_signature.get(pitch.step, 0)
                if alter != usual or written.get(place, usual) != alter:
                    text = _ALTER[alter] + text
                written[place] = alter
            left -= units
            body.append(text + (str(units) if units > 1 else "") + ("-" if left and midi
                                                                     is not None else ""))
            position += units
            if position == bar:
                body.append("|")
                position, written = 0, {}
    if body and body[-1] != "|":
        body.append("|")
    body[-1] = "|]"
    header = ["X:1", f"T:{title}", f"M:{time_signature}", "L:1/16", f"Q:1/4={tempo:g}",
              f"K:{abc_key(key_name)}"]
    return "\n".join(header) + "\n" + " ".join(body) + "\n"
