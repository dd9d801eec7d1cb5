"""The key of a typed seed, and moving a melody into the models' keys (C major, A minor).

`detect_key` is the Krumhansl-Schmuckler method: the seed's pitch classes, each weighted by
how long it sounds, are correlated with the Krumhansl-Kessler profiles of the 24 keys, and
the best key wins (a tie goes to the key whose tonic the melody starts or ends on, then to
major). One bar says little, so the tab lets the user name the key instead.
"""

from __future__ import annotations

import numpy as np

from audiodemo.melody.symbols import decode_symbols, is_onset

# one spelling per tonic, as key signatures are usually written (minor keys: see key_name)
TONICS = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
# Krumhansl & Kessler (1982), C major and C minor, tonic first
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29,
                          2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34,
                          3.17])
SEMITONES = {"C": 0, "C#": 1, "Db": 1, "D": 2, "D#": 3, "Eb": 3, "E": 4, "Fb": 4, "E#": 5,
             "F": 5, "F#": 6, "Gb": 6, "G": 7, "G#": 8, "Ab": 8, "A": 9, "A#": 10, "Bb": 10,
             "B": 11, "Cb": 11, "B#": 0}
KEY_NAMES = tuple(f"{t} {mode}" for mode in ("major", "minor") for t in TONICS)


def parse_key(text: str) -> tuple[str, bool]:
    """"F# major" or "c# minor" -> ("F#", False) or ("Db", True); `ValueError` otherwise."""
    tonic, _, mode = str(text).strip().partition(" ")
    tonic = tonic[:1].upper() + tonic[1:]
    if tonic not in SEMITONES or mode not in ("major", "minor"):
        raise ValueError(f"A key is a tonic and major or minor, e.g. 'F# major' or "
                         f"'A minor'; got {text!r}")
    return TONICS[SEMITONES[tonic]], mode == "minor"


def detect_key(symbols: list[str]) -> tuple[str, bool]:
    """The key a melody is most likely in: (tonic, minor)."""
    weights = np.zeros(12)
    for midi, length in decode_symbols(symbols):
        if midi is not None:
            weights[midi % 12] += length
    if not weights.any():
        return "C", False
    pitches = [int(s) % 12 for s in symbols if is_onset(s)]
    scored = []
    for minor, profile in ((False, MAJOR_PROFILE), (True, MINOR_PROFILE)):
        for tonic in range(12):
            r = np.corrcoef(weights, np.roll(profile, tonic))[0, 1]
            framed = tonic in (pitches[0], pitches[-1])
            scored.append((round(float(np.nan_to_num(r)), 9), framed, not minor, tonic, minor))
    *_, tonic, minor = max(scored)
    return TONICS[tonic], minor


def shift_to(key: str, minor: bool) -> int:
    """Semitones (-6 .. 5) that move a melody from C major (A minor) to `key` major (minor),
    the nearer way."""
    return (SEMITONES[key] - (9 if minor else 0) + 6) % 12 - 6
