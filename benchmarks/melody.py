"""Melody benchmark: next-symbol scores split by song, the paper's leak, and generated melodies.

    python -m benchmarks.melody [--data essenFolksong/erk] [--models transformer lookback paper]
                                [--split-seeds 0 1 2] [--trained DIR] [--melodies 100]
                                [--repeats both|with|without] [--also CHECKPOINT ...]

1. For each split seed: always-hold and n-gram baselines (trained on that split's training
   songs) and the three models (`audiodemo.melody.shipped.MODELS`: the shipped checkpoint
   for its own split seed; for other seeds, `DIR/CHECKPOINT-seedN.pt`, or a row saying how
   to train it), scored on the test songs at every position, with training time; and each
   with its bar-repeat head (`audiodemo.melody.repeats`: the one shipped beside it, else
   one fitted here on the split's validation songs).
2. The paper's split (random overlapping windows of 64 symbols): a 16-gram's accuracy on the
   last symbol of test windows, beside the same model split by song.
3. For each shipped model, with and without its head (`--repeats`), melodies 8 bars after
   the opening of test songs (T = 1.0 and 0.8, free or the app's default) and the statistics
   of what the model added, beside the test songs' own (their 8 bars after the opening, and
   whole); generation time per melody.

`--also` adds checkpoints that are not shipped (a candidate, before it replaces a shipped
one) to the scores of their own split seed and, where that is 0, to the generated melodies.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from audiodemo.melody.bundle import opening
from audiodemo.melody.corpus import DEFAULT_SOURCE, load_songs
from audiodemo.melody.evaluate import (
    evaluate,
    random_window_split,
    song_ids,
    split_songs,
    window_accuracy,
)
from audiodemo.melody.extra import extra_songs, trained_sources
from audiodemo.melody.generate import CANDIDATES, continue_melody
from audiodemo.melody.model import REPEATS_SUFFIX, MelodyModel, load_melody
from audiodemo.melody.ngram import AlwaysHold, NGram
from audiodemo.melody.repeats import repeats_beside
from audiodemo.melody.repeats_fit import bar_terms, fit
from audiodemo.melody.shipped import MODELS
from audiodemo.melody.statistics import CopyIndex, melody_statistics
from audiodemo.melody.vocab import Vocabulary
from audiodemo.paths import CHECKPOINTS

VOCAB = Vocabulary.default()
ORDERS = (6, 12)
WINDOW = 64


def row(name: str, r: dict) -> str:
    nll = "∞" if not np.isfinite(r["nll"]) else f"{r['nll']:.3f}"
    ppl = "∞" if not np.isfinite(r["perplexity"]) else f"{r['perplexity']:.2f}"
    return (f"| {name} | {r['accuracy']:.3f} | {r['onset_accuracy']:.3f} | {nll} | {ppl} |")


def _trained_minutes(checkpoint: Path) -> float:
    """Training time from the CSV log beside a checkpoint."""
    with open(checkpoint.with_suffix(".csv"), newline="") as f:
        return sum(float(r["seconds"]) for r in csv.DictReader(f)) / 60


def checkpoint_for(name: str, seed: int, trained: Path | None) -> Path | None:
    """Model `name`'s checkpoint for split seed `seed`: the shipped one where it trained on
    that split, else `trained/CHECKPOINT-seedN.pt` if there, else None."""
    shipped = CHECKPOINTS / f"{MODELS[name].checkpoint}.pt"
    if shipped.is_file() and load_melody(shipped).training.get("split_seed", 0) == seed:
        return shipped
    other = trained / f"{MODELS[name].checkpoint}-seed{seed}.pt" if trained else None
    return other if other is not None and other.is_file() else None


def with_repeats(path: Path, model: MelodyModel, validation) -> tuple[MelodyModel, str]:
    """`model` with its bar-repeat head: the file beside `path` (`NAME_repeats.pt`), else
    one fitted here on the split's validation songs, as `python -m audiodemo.melody
    repeats` fits it; and which of the two, in words."""
    head = repeats_beside(path)
    if head.is_file():
        return load_melody(path, head), head.name
    return model.with_repeats(fit(bar_terms(model, validation))), "fitted here"


def scores_by_seed(songs, names: list[str], seeds, trained: Path | None,
                   repeats: bool = True, also: tuple[Path, ...] = ()) -> None:
    print("## Next-symbol prediction, split by song (test songs, every position)\n")
    for seed in seeds:
        train, val, test = split_songs(songs, seed)
        print(f"### Split seed {seed}: {len(train)} train, {len(val)} validation, "
              f"{len(test)} test songs ({sum(len(s.symbols) + 1 for s in test)} symbols)\n")
        print("| model | accuracy | onset accuracy | NLL (nats/symbol) | perplexity |")
        print("|---|---|---|---|---|")
        print(row("always hold", evaluate(AlwaysHold(VOCAB), test, VOCAB)))
        for n in ORDERS:
            model = NGram(VOCAB, n).fit([song_ids(s, VOCAB) for s in train])
            print(row(f"{n}-gram (Witten-Bell)", evaluate(model, test, VOCAB)))
        candidates = [p for p in also if load_melody(p).training.get("split_seed", 0) == seed]
        for name, path in [*((n, checkpoint_for(n, seed, trained)) for n in names),
                           *((None, p) for p in candidates)]:
            label = MODELS[name].label if name else f"{path.stem} (not shipped)"
            if path is None:
                print(f"| {MODELS[name].label}: not trained on this split (`python -m "
                      f"audiodemo.melody train --model {name} --seed {seed} --out "
                      f"DIR/{MODELS[name].checkpoint}-seed{seed}.pt`) | – | – | – | – |")
                continue
            model = load_melody(path)
            if model.training.get("split_seed", 0) != seed:
                raise ValueError(f"{path.name} was trained on split seed "
                                 f"{model.training.get('split_seed')}")
            print(row(f"{label}, {path.name} ({_trained_minutes(path):.1f} min)",
                      evaluate(model, test, VOCAB)))
            if repeats:
                head, how = with_repeats(path, model, val)
                print(row(f"{label} + bar repeats ({how})", evaluate(head, test, VOCAB)))
        print()


def leak(songs) -> None:
    """The paper's random-window split against the split by song, for one n-gram."""
    n = 16
    _, test_w = random_window_split(songs, VOCAB, WINDOW, seed=0)
    # 90 % of the windows train; each symbol lies in about 58 of them, so training windows
    # cover every position of the long sequence, test targets included. Counting the whole
    # sequence once is what a model fit on the training windows sees (up to that multiple).
    sequence = []
    for song in songs:
        sequence += VOCAB.encode(song.symbols) + VOCAB.encode(["/"] * WINDOW)
    leaky = NGram(VOCAB, n).fit([sequence])
    train, _, test = split_songs(songs, 0)
    honest = NGram(VOCAB, n).fit([song_ids(s, VOCAB) for s in train])
    test_windows = random_window_split(test, VOCAB, WINDOW, seed=0)[1]
    rng = np.random.default_rng(0)
    sample = [test_w[i] for i in rng.choice(len(test_w), 3000, replace=False)]
    print(f"## The paper's split leaks\n\nA {n}-gram predicting the last symbol of windows of "
          f"{WINDOW}: windows split at random (the paper) {window_accuracy(leaky, sample):.3f}; "
          f"songs split first {window_accuracy(honest, test_windows[:3000]):.3f}.\n")


def generated(songs, names: list[str], count: int = 100,
              heads: tuple[bool, ...] = (False, True), drafts: int = CANDIDATES,
              also: tuple[Path, ...] = (), ending_power: float = 1.0,
              openings: str = "test") -> None:
    print(f"## {count} generated melodies (8 bars after a {openings} song's opening) and the "
          f"{openings} songs\n")
    print("Free: the model may end the song early, else it is cut after 8 bars. As the "
          f"app does: {drafts} drafts without the end symbol, one kept by its chance of "
          "ending in the last bar, drafts that copy more than two bars of a training song "
          "set aside. Statistics count the added bars; bar repetition (a bar equal to an "
          "earlier one) and near repetition (at most two onsets apart) look back into the "
          "seed too. Split seed 0.\n")
    print("| model | melodies | end on the tonic | notes in key | pitch range | "
          "bar repetition | near repetition | longest copy ≤ 2 bars | time per melody |")
    print("|---|---|---|---|---|---|---|---|---|")
    train, validation, test = split_songs(songs, 0)
    # validation openings choose a generation setting; the test openings then measure it
    opened = {"test": test, "validation": validation}[openings]
    paths = [p for p in (checkpoint_for(name, 0, None) for name in names) if p] + list(also)
    sources = sorted({s for p in paths for s in trained_sources(load_melody(p).training)})
    extra = extra_songs(sources, songs)[0] if sources else []
    if sources:
        print(f"A training song is one of the split's, or of the other collections a model "
              f"here trained on ({', '.join(sources)}: {len(extra)} songs).\n")
    copies = CopyIndex([s.symbols for s in [*train, *extra]], VOCAB)
    drafted = ("the app's default" if (drafts, ending_power) == (CANDIDATES, 1.0) else
               f"as the app, {drafts} drafts, ending weights to the power {ending_power:g}")
    modes = {"free": {}, drafted: {"end_in_last_bar": True, "avoid": True,
                                   "candidates": drafts, "ending_power": ending_power}}
    for name in names:
        path = checkpoint_for(name, 0, None)
        if path is None:
            print(f"| {MODELS[name].label} | not shipped | | | | | | | |")
            continue
        for head in heads:  # the shipped model's own head, beside it
            model = load_melody(path, repeats_beside(path) if head else None)
            _generated_rows(model, MODELS[name].label + (REPEATS_SUFFIX if head else ""),
                            opened, copies, modes, count)
    for path in also:
        model = load_melody(path)
        if model.training.get("split_seed", 0) != 0:
            continue
        for head in heads:  # its head beside it, else one fitted here
            label = f"{path.stem} (not shipped)"
            if head:
                model, how = with_repeats(path, model.without_repeats(), validation)
                label += f"{REPEATS_SUFFIX} ({how})"
            _generated_rows(model, label, opened, copies, modes, count)
    own = [melody_statistics(s.symbols[len(opening(s)) : len(opening(s)) + 8 * s.steps_per_bar],
                             s.steps_per_bar, "minor" in s.key, copies, s.pickup,
                             before=opening(s)) for s in opened]
    print(_statistics_row("–", f"the {len(opened)} {openings} songs, their first 8 bars", own,
                          ""))
    own = [melody_statistics(s.symbols, s.steps_per_bar, "minor" in s.key, copies, s.pickup)
           for s in opened]
    print(_statistics_row("–", f"the {len(opened)} {openings} songs, whole", own, ""))
    print()


def _generated_rows(model: MelodyModel, label: str, opened, copies: CopyIndex, modes: dict,
                    count: int) -> None:
    """Rows of `count` melodies by `model` after the openings of the songs `opened`, per
    temperature and mode."""
    for temperature in (1.0, 0.8):
        for mode, options in modes.items():
            stats, times = [], []
            for i in range(count):
                song = opened[i % len(opened)]
                seed = opening(song)
                if options.get("avoid"):
                    longer = 2 * song.steps_per_bar + 1
                    options = dict(options, avoid=lambda s, n=longer: copies.copies(s, n))
                start = time.perf_counter()
                with torch.inference_mode():
                    melody = continue_melody(model, seed, 8, temperature, song.steps_per_bar,
                                             song.pickup, random_seed=i, **options)
                times.append(time.perf_counter() - start)
                stats.append(melody_statistics(melody.continuation, song.steps_per_bar,
                                               "minor" in song.key, copies, song.pickup,
                                               before=seed))
            print(_statistics_row(label, f"T = {temperature}, {mode}", stats,
                                  f"{1000 * statistics.median(times):.0f} ms"))


def _statistics_row(model: str, name: str, stats: list[dict], timing: str) -> str:
    def mean(key):
        return float(np.mean([s[key] for s in stats]))

    copied = np.mean([s["longest_copy_bars"] <= 2 for s in stats])
    return (f"| {model} | {name} | {100 * mean('ends_on_tonic'):.0f} % | "
            f"{100 * mean('in_key'):.1f} % | {mean('range'):.1f} | "
            f"{mean('bar_repetition'):.2f} | {mean('near_repetition'):.2f} | "
            f"{100 * copied:.0f} % | {timing} |")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=DEFAULT_SOURCE)
    p.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    p.add_argument("--split-seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--trained", type=Path, default=None,
                   help="a folder of CHECKPOINT-seedN.pt files for the other split seeds "
                        "(python -m audiodemo.melody train --model NAME --seed N --out ...)")
    p.add_argument("--melodies", type=int, default=100, help="generated per row")
    p.add_argument("--only-generated", action="store_true",
                   help="skip the scores and the leak (quick runs of generation)")
    p.add_argument("--no-generated", action="store_true", help="skip the generated melodies")
    p.add_argument("--repeats", choices=("both", "with", "without"), default="both",
                   help="the models with their bar-repeat heads, without, or both (default)")
    p.add_argument("--drafts", type=int, default=CANDIDATES,
                   help="drafts of the app's default (importance sampling of the ending)")
    p.add_argument("--ending-power", type=float, default=1.0,
                   help="the drafts' ending weights raised to this power (1: the app's)")
    p.add_argument("--openings", choices=("test", "validation"), default="test",
                   help="whose openings the generated melodies continue (validation: to "
                        "choose a setting before the test songs measure it)")
    p.add_argument("--also", type=Path, nargs="+", default=(),
                   help="checkpoints not shipped, scored beside the shipped ones")
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads (1: a step of one melody is too small to share)")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    songs = load_songs(args.data)
    if not args.only_generated:
        scores_by_seed(songs, args.models, args.split_seeds, args.trained,
                       args.repeats != "without", tuple(args.also))
        leak(songs)
    if not args.no_generated:
        heads = {"both": (False, True), "with": (True,), "without": (False,)}[args.repeats]
        generated(songs, args.models, args.melodies, heads, args.drafts, tuple(args.also),
                  args.ending_power, args.openings)


if __name__ == "__main__":
    main()
