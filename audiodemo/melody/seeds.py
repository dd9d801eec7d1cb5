"""Where a seed comes from, moved into the models' keys (C major, A minor): typed symbols, a
user's song file, or a bundled held-out song; with its own tonic, how its key was found, and
the whole song it opens where there is one (whose form the tab shows beside a melody's).

A key given as "F# major" wins; else a file's own key (`audiodemo.melody.upload`), else the
Krumhansl-Schmuckler estimate (`audiodemo.melody.keys.detect_key`).
"""

from __future__ import annotations

from dataclasses import dataclass

from audiodemo.melody import shipped
from audiodemo.melody.bundle import opening
from audiodemo.melody.corpus import Song
from audiodemo.melody.generate import shift_symbols
from audiodemo.melody.keys import detect_key, parse_key, shift_to
from audiodemo.melody.symbols import parse_seed
from audiodemo.melody.upload import read_song


@dataclass
class Seed:
    """The seed in the models' key, its own tonic, how its key was found, its whole song."""

    song: Song
    tonic: str
    how: str
    whole: Song | None = None


def in_model_key(name: str, symbols: list[str], time_signature: str, pickup: int,
                 key: str | None, found: tuple[str, bool] | None = None) -> Seed:
    """Symbols in their own key, moved to C major / A minor: in `key` ("F# major") if
    given, else in `found`, else in the key `detect_key` finds."""
    if key:
        (tonic, minor), how = parse_key(key), "as given"
    elif found is not None:
        (tonic, minor), how = found, "from the file"
    else:
        (tonic, minor), how = detect_key(symbols), "detected"
    moved = shift_symbols(symbols, -shift_to(tonic, minor))
    return Seed(Song(name, moved, time_signature, "A minor" if minor else "C major", pickup),
                tonic, how)


def typed_seed(text: str, key: str | None = None) -> Seed:
    """A typed seed (`parse_seed`), in 4/4."""
    return in_model_key("typed", parse_seed(text), "4/4", 0, key)


def file_seed(path: str, key: str | None = None) -> Seed:
    """The opening bar of a user's song file, in its own key unless `key` says otherwise."""
    whole = read_song(path)
    tonic, minor = parse_key(whole.key.replace("-", "b"))  # music21 writes E- for E♭
    own = shift_symbols(opening(whole), shift_to(tonic, minor))  # back in its own key
    seed = in_model_key(whole.name, own, whole.time_signature, whole.pickup, key,
                        (tonic, minor))
    seed.whole = whole  # its form, whatever its key
    return seed


def bundled_seed(name: str) -> Seed:
    """A bundled held-out song's opening, in C major or A minor as the corpus is."""
    song = shipped.held_out_seed(name)
    return Seed(song, "A" if "minor" in song.key else "C", "as the song",
                shipped.get_bundle().whole_song(song))
