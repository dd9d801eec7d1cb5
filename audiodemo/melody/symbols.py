"""Melodies as symbols on a sixteenth-note grid, the paper's encoding, and back.

One symbol per sixteenth: the MIDI pitch (`"60"`) where a note starts, `"_"` for each further
sixteenth it (or a rest) lasts, `"r"` where a rest starts, and `"/"` once at the end of a
song. A crotchet C4 then a quaver rest is `60 _ _ _ r _`.
"""

from __future__ import annotations

import re

HOLD, REST, END = "_", "r", "/"
STEP = 0.25  # quarter lengths per symbol: a sixteenth
LOWEST, HIGHEST = 21, 108  # the piano's range, A0 to C8
_NOTE_NAME = re.compile(r"^([A-Ga-g])([#b♯♭]?)(-?\d)$")
_PITCH_CLASS = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}


def is_onset(symbol: str) -> bool:
    """A symbol that starts a note."""
    return symbol.isascii() and symbol.isdecimal()


def encode_notes(events: list[tuple[int | None, float]]) -> list[str]:
    """`(midi pitch or None for a rest, quarter length)` events -> symbols (no end symbol).

    Raises `ValueError` for a duration off the sixteenth grid or a pitch out of range.
    """
    symbols = []
    for pitch, length in events:
        steps = length / STEP
        if steps < 1 or abs(steps - round(steps)) > 1e-6:
            raise ValueError(f"duration {length} is not a whole number of sixteenths")
        if pitch is not None and not LOWEST <= pitch <= HIGHEST:
            raise ValueError(f"pitch {pitch} is outside MIDI {LOWEST}-{HIGHEST}")
        symbols.append(REST if pitch is None else str(pitch))
        symbols += [HOLD] * (round(steps) - 1)
    return symbols


def decode_symbols(symbols: list[str]) -> list[tuple[int | None, float]]:
    """Symbols -> `(midi pitch or None, quarter length)` events, up to the end symbol.

    A hold with nothing before it is read as a rest; unknown symbols raise `ValueError`.
    """
    events: list[list] = []
    for symbol in symbols:
        if symbol == END:
            break
        if symbol == HOLD and events:
            events[-1][1] += STEP
        elif symbol in (HOLD, REST):
            events.append([None, STEP])
        elif is_onset(symbol) and LOWEST <= int(symbol) <= HIGHEST:
            events.append([int(symbol), STEP])
        else:
            raise ValueError(f"unknown melody symbol {symbol!r}")
    return [(pitch, length) for pitch, length in events]


def note_name_to_midi(name: str) -> int:
    """`C4` -> 60, `F#5` -> 78, `Bb3` -> 58 (scientific pitch, C4 is middle C)."""
    match = _NOTE_NAME.match(name)
    if not match:
        raise ValueError(f"{name!r} is not a note name such as C4, F#5 or Bb3")
    letter, accidental, octave = match.groups()
    shift = {"#": 1, "♯": 1, "b": -1, "♭": -1}.get(accidental, 0)
    return 12 * (int(octave) + 1) + _PITCH_CLASS[letter.lower()] + shift


def parse_seed(text: str) -> list[str]:
    """A typed seed -> symbols: MIDI numbers, note names, `_` and `r`, spaces between.

    `60 _ 62 _ E4 _ r _` is a valid seed. Raises `ValueError` naming the first bad token.
    """
    tokens = str(text).replace(",", " ").split()
    if not tokens:
        raise ValueError("The seed is empty: type symbols such as 60 _ 62 _ 64 _ 65 _")
    if len(tokens) > 256:
        raise ValueError(f"The seed has {len(tokens)} symbols; at most 256 (16 bars of 4/4)")
    symbols = []
    for token in tokens:
        if token in (HOLD, REST):
            symbols.append(token)
            continue
        if is_onset(token):
            pitch = int(token)
        else:
            try:
                pitch = note_name_to_midi(token)
            except ValueError:
                raise ValueError(f"Seed symbol {token!r} is neither a MIDI number, a note name "
                                 f"(C4, F#5, Bb3), '_' nor 'r'") from None
        if not LOWEST <= pitch <= HIGHEST:
            raise ValueError(f"Seed note {token!r} (MIDI {pitch}) is outside the piano's range "
                             f"{LOWEST}-{HIGHEST}")
        symbols.append(str(pitch))
    if symbols[0] == HOLD:
        raise ValueError("A seed cannot start with '_': nothing is sounding to hold")
    return symbols
