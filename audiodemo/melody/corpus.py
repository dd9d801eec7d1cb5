"""Songs for the melody model: read, filtered to the sixteenth grid, moved to C major / A minor.

    songs = load_songs("essenFolksong/erk")     # music21's bundled corpus, by path prefix
    songs = load_songs("path/to/folder")         # **kern, ABC, MusicXML and MIDI files

Each song keeps a name, its symbols (see `symbols`), its time signature, the key it was in
and its pickup. Songs that change meter, or mark irregular bars with time signatures of
their own, are left out: their bars would not line up. Parsing the erk songs takes minutes,
so the encoded songs are cached as JSON under `$AUDIODEMO_CACHE` (default `.cache/` in the
working folder), keyed by the source, its files' sizes and modification times, and
`ENCODING_VERSION`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from audiodemo.melody.symbols import STEP, encode_notes
from audiodemo.paths import cache_dir

ENCODING_VERSION = 3
DEFAULT_SOURCE = "essenFolksong/erk"
SUFFIXES = (".krn", ".abc", ".xml", ".musicxml", ".mxl", ".mid", ".midi")


@dataclass
class Song:
    name: str
    symbols: list[str]
    time_signature: str  # "3/4"
    key: str  # the key it was in before transposition, e.g. "F major"
    pickup: int = 0  # sixteenths of its first bar before the first symbol (an anacrusis)

    @property
    def steps_per_bar(self) -> int:
        """Sixteenths in one bar of its time signature."""
        top, bottom = (int(v) for v in self.time_signature.split("/"))
        return max(1, top * 16 // bottom)


def source_files(source: str) -> list[Path]:
    """Files of a folder (recursively), or of music21's corpus under a path prefix."""
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
    elif path.is_file():
        files = [path]
    else:
        from music21 import corpus

        folder, _, prefix = source.rpartition("/")
        files = sorted(p for p in corpus.getComposer(folder or source)
                       if p.name.startswith(prefix) and p.suffix.lower() in SUFFIXES)
    if not files:
        raise ValueError(f"No **kern, ABC, MusicXML or MIDI files in {source!r} (a folder, a "
                         f"file, or a music21 corpus prefix such as {DEFAULT_SOURCE!r})")
    return files


def _transposition(tonic_pitch_class: int, mode: str) -> int:
    """Semitones that move the tonic to C (major) or A (minor), the smaller way round."""
    target = 9 if mode == "minor" else 0
    shift = (target - tonic_pitch_class) % 12
    return shift - 12 if shift > 6 else shift


def encode_score(score, name: str, key=None) -> Song | None:
    """One monophonic score as a song in C major / A minor, or None if it does not fit;
    `key` (a music21 `Key`) is its key, by default music21's analysis of it."""
    flat = score.flatten().stripTies()
    if flat.getElementsByClass("Chord"):
        return None  # not monophonic
    key = key or score.analyze("key")
    shift = _transposition(key.tonic.pitchClass, key.mode)
    events = []
    end = 0.0
    for element in flat.notesAndRests:
        if abs(float(element.offset) - end) > 1e-6:  # a gap or an overlap: not a plain line
            return None
        pitch = None if element.isRest else element.pitch.midi + shift
        events.append((pitch, float(element.duration.quarterLength)))
        end = float(element.offset + element.duration.quarterLength)
    try:
        symbols = encode_notes(events)
    except ValueError:
        return None  # off the sixteenth grid, or out of range
    # one meter for the whole song: music21 marks an irregular bar (common in ABC files) with
    # a time signature of its own, and a lookback of "one bar" means nothing across it
    signatures = {ts.ratioString for ts in score.recurse().getElementsByClass("TimeSignature")}
    if not symbols or len(signatures) > 1:
        return None
    signature = signatures.pop() if signatures else "4/4"
    song = Song(name, symbols, signature, f"{key.tonic.name} {key.mode}")
    measures = score.parts[0].getElementsByClass("Measure") if score.parts else []
    if measures and measures[0].paddingLeft:
        song.pickup = round(float(measures[0].paddingLeft) / STEP) % song.steps_per_bar
    return song


def parse_file(path: Path) -> list[Song]:
    """Every song in a file (an ABC file may hold hundreds); unreadable files give none."""
    from music21 import converter, stream

    try:
        parsed = converter.parse(str(path))
    except Exception:  # music21 raises exceptions of many types for malformed files
        return []
    scores = parsed.scores if isinstance(parsed, stream.Opus) else [parsed]
    songs = []
    for i, score in enumerate(scores):
        number = score.metadata.number if score.metadata and score.metadata.number else i
        song = encode_score(score, f"{path.stem}/{number}")
        if song is not None:
            songs.append(song)
    return songs


def _cache_path(source: str, files: list[Path]) -> Path:
    digest = hashlib.sha256(json.dumps(
        [ENCODING_VERSION, source] + [[p.name, p.stat().st_size, p.stat().st_mtime_ns]
                                      for p in files]).encode()).hexdigest()[:16]
    return cache_dir() / "audiodemo" / f"songs-{digest}.json"


def load_songs(source: str = DEFAULT_SOURCE, use_cache: bool = True) -> list[Song]:
    """The songs of a source that fit the encoding, in file order; cached after the first."""
    files = source_files(source)
    cache = _cache_path(source, files)
    if use_cache and cache.is_file():
        return [Song(**s) for s in json.loads(cache.read_text())]
    songs = [song for path in files for song in parse_file(path)]
    if not songs:
        raise ValueError(f"None of the {len(files)} files in {source!r} holds a monophonic "
                         f"song on the sixteenth-note grid")
    if use_cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps([asdict(s) for s in songs]))
        tmp.replace(cache)
    return songs
