"""The shipped melody models and what the Melody tab shows beside them, each loaded once.

`MODELS` names the three (the paper's LSTM, our lookback LSTM, the transformer), each with
its checkpoint in `checkpoints/` and a sentence on what it is; `get_model(name)` loads one.
`get_model(name, repeats=True)` mixes in the model's bar-repeat head
(`audiodemo.melody.repeats`, shipped beside it as `CHECKPOINT_repeats.pt`).
`get_bundle` is the seeds, their whole songs and the training songs of
`assets/melody_corpus.npz`; a model is refused unless it trained on the bundle's split, so
its seeds are songs it never saw. `get_copies` indexes those training songs for the
longest-copy statistic. `write_variations` continues a seed and writes each variation as
MIDI, MusicXML and ABC, with its statistics.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from audiodemo.checkpoint import shipped_checkpoint
from audiodemo.melody.abc import to_abc
from audiodemo.melody.bundle import MelodyBundle
from audiodemo.melody.corpus import Song
from audiodemo.melody.extra import trained_sources
from audiodemo.melody.generate import Variation, generate_variations, key_name
from audiodemo.melody.model import MelodyModel, load_melody
from audiodemo.melody.render import write_melody
from audiodemo.melody.repeats import repeats_beside
from audiodemo.melody.statistics import CopyIndex, melody_statistics
from audiodemo.melody.vocab import Vocabulary
from audiodemo.paths import ASSETS, CHECKPOINTS

COPIED_BARS = 2  # drafts that copy more bars of a training song than this can be set aside


@dataclass(frozen=True)
class ShippedMelody:
    """One of the tab's models: its checkpoint's name, its label, what it is."""

    checkpoint: str
    label: str
    about: str


MODELS = {  # in the tab's order; the first shipped is the default (BENCHMARKS.md: with
    # their bar-repeat heads the transformer now scores held-out songs better than our LSTM,
    # 0.596 / 0.615 / 0.600 nats against 0.608 / 0.630 / 0.613 on split seeds 0 / 1 / 2,
    # but its melodies end on the tonic less often, 47 % against 60 %, stay in key less,
    # and take twice as long to write, so the LSTM stays the default)
    "lookback": ShippedMelody(
        "melody", "LSTM with lookback (ours)",
        "an LSTM that reads each symbol with the symbols one, two, four and eight bars back "
        "and where the sounding note began"),
    "transformer": ShippedMelody(
        "melody_transformer", "Transformer (relative attention)",
        "a small Music Transformer: at every step it looks back over the whole melody so "
        "far, and it learned to weigh earlier notes by their distance in bars and beats; "
        "it read 3,300 German folk songs of other collections before the erk songs"),
    "paper": ShippedMelody(
        "melody_paper", "LSTM (the paper's)",
        "the paper's LSTM of 184 units, reading one symbol at a time and nothing else"),
}


def available() -> list[str]:
    """The names of `MODELS` whose checkpoints are present, in `MODELS`' order: the first
    is the default."""
    return [n for n, m in MODELS.items() if (CHECKPOINTS / f"{m.checkpoint}.pt").is_file()]


def model_named(name: str) -> ShippedMelody:
    """`MODELS[name]`; `ValueError` naming the choices."""
    if name not in MODELS:
        raise ValueError(f"Unknown melody model {name!r}; choose from {list(MODELS)}")
    return MODELS[name]


@functools.lru_cache(maxsize=2 * len(MODELS))
def get_model(name: str | None = None, repeats: bool = False) -> MelodyModel:
    """A shipped melody checkpoint (default: the first available), loaded once, checked
    against the bundle's split; with `repeats`, its bar-repeat head mixed in (where one is
    shipped; `ValueError` where not)."""
    name = name or available()[0]
    path = shipped_checkpoint(model_named(name).checkpoint)
    head = repeats_beside(path) if repeats else None
    if head is not None and not head.is_file():
        raise ValueError(f"No bar-repeat head is shipped for the {model_named(name).label}")
    model = load_melody(path, head)
    get_bundle().check_split(model.training)
    return model


def trained_collections() -> list[str]:
    """The other collections any shipped model trained on, which the bundle's training songs
    must hold too (`python -m audiodemo.melody bundle` takes them from here)."""
    return sorted({source for name in available() for source in trained_sources(
        load_melody(CHECKPOINTS / f"{MODELS[name].checkpoint}.pt").training)})


@functools.lru_cache(maxsize=1)
def get_bundle() -> MelodyBundle:
    """Training songs, seeds and their songs (`python -m audiodemo.melody bundle`)."""
    return MelodyBundle.load(ASSETS / "melody_corpus.npz")


@functools.lru_cache(maxsize=1)
def get_copies() -> CopyIndex:
    """The training songs indexed for the longest-copy statistic."""
    return CopyIndex(get_bundle().train, Vocabulary.default())


def held_out_seed(name: str) -> Song:
    """The bundled seed of that name (the opening of a song the model never trained on)."""
    for song in get_bundle().seeds:
        if song.name == name:
            return song
    raise ValueError(f"Unknown seed {name!r}: pick one from the list or type one.")


@dataclass
class Written:
    """One variation of a seed, its statistics, and the files it was written to."""

    variation: Variation
    statistics: dict
    midi: Path
    musicxml: Path
    abc: Path
    xml: str  # the MusicXML text


def write_variations(song: Song, count: int, bars: int, temperature: float, key: str,
                     tempo: float, random_seed: int, folder: Path, end_in_last_bar: bool = True,
                     avoid_copies: bool = True, before: Callable[[int], None] | None = None,
                     model: str | None = None, repeats: bool = False) -> Iterator[Written]:
    """`count` continuations of `song` (a seed) by the shipped `model` (`generate_variations`;
    with `repeats`, its bar-repeat head mixed in), each moved to `key` and written to
    `folder` as `melody-K.mid`, `.musicxml` and `.abc`,
    with its statistics (`melody_statistics` of the continuation). With `end_in_last_bar`
    and `avoid_copies`, drafts copying more than `COPIED_BARS` bars of a training song are
    set aside. `before(k)`, if given, is called before the k-th is drawn."""
    minor = "minor" in song.key
    longer = COPIED_BARS * song.steps_per_bar + 1
    avoid = ((lambda symbols: get_copies().copies(symbols, longer))
             if end_in_last_bar and avoid_copies else None)
    drafts = generate_variations(get_model(model, repeats), song.symbols, count, bars,
                                 temperature, key, minor, song.steps_per_bar, song.pickup,
                                 random_seed, end_in_last_bar, avoid, before=before)
    for k, variation in enumerate(drafts):
        melody = variation.melody
        statistics = melody_statistics(melody.continuation, song.steps_per_bar, minor,
                                       get_copies(), song.pickup, before=melody.seed)
        midi, xml_path = folder / f"melody-{k + 1}.mid", folder / f"melody-{k + 1}.musicxml"
        xml = write_melody(variation.symbols, midi, xml_path, song.time_signature, tempo,
                           key_name(key, minor), song.pickup)
        abc = folder / f"melody-{k + 1}.abc"
        abc.write_text(to_abc(variation.symbols, song.time_signature, tempo,
                              key_name(key, minor), song.pickup, f"Variation {k + 1}"))
        yield Written(variation, statistics, midi, xml_path, abc, xml)
