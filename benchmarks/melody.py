"""Melody benchmark: next-symbol scores split by song, the paper's leak, and generated melodies.

    python -m benchmarks.melody [--data essenFolksong/erk] [--checkpoint checkpoints/melody.pt]
                                [--split-seeds 0 1 2] [--train-preset default] [--trained DIR]

1. For each split seed: always-hold and n-gram baselines (trained on that split's training
   songs) and the LSTM (the checkpoint for its own split seed; for other seeds, one from
   `--trained DIR` or a model of `--train-preset` trained here, timed), scored on the test
   songs at every position.
2. The paper's split (random overlapping windows of 64 symbols): a 16-gram's accuracy on the
   last symbol of test windows, beside the same model split by song.
3. 100 melodies (8 bars after the opening of test songs, T = 1.0 and 0.7, free or ending
   in the last bar) and the statistics of what the model added, beside the test songs' own;
   generation time per melody.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
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
from audiodemo.melody.generate import CANDIDATES, continue_melody
from audiodemo.melody.model import load_melody
from audiodemo.melody.ngram import AlwaysHold, NGram
from audiodemo.melody.statistics import CopyIndex, melody_statistics
from audiodemo.melody.vocab import Vocabulary
from audiodemo.train import train as train_model

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


def scores_by_seed(songs, checkpoint, seeds, preset_name, trained: Path | None) -> None:
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
        shipped = load_melody(checkpoint)
        other = trained / f"melody-seed{seed}.pt" if trained else None
        if shipped.training.get("split_seed", 0) == seed:
            minutes = _trained_minutes(Path(checkpoint))
            print(row(f"LSTM, shipped checkpoint ({minutes:.1f} min)",
                      evaluate(shipped, test, VOCAB)))
        elif other is not None and other.is_file():
            model = load_melody(other)
            if model.training.get("split_seed") != seed:
                raise ValueError(f"{other.name} was trained on split seed "
                                 f"{model.training.get('split_seed')}")
            print(row(f"LSTM `{model.training.get('preset')}`, {other.name} "
                      f"({_trained_minutes(other):.1f} min)", evaluate(model, test, VOCAB)))
        else:
            with tempfile.TemporaryDirectory() as tmp:
                start = time.time()
                train_model("melody", preset_name, out=Path(tmp) / "m.pt",
                            data=(train, val), seed=seed, quiet=True)
                minutes = (time.time() - start) / 60
                model = load_melody(Path(tmp) / "m.pt")
            print(row(f"LSTM `{preset_name}`, trained here ({minutes:.1f} min)",
                      evaluate(model, test, VOCAB)))
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


def generated(songs, checkpoint, count: int = 100) -> None:
    model = load_melody(checkpoint)
    train, _, test = split_songs(songs, model.training.get("split_seed", 0))
    copies = CopyIndex([s.symbols for s in train], VOCAB)
    print(f"## {count} generated melodies (8 bars after a test song's opening) and the test "
          "songs\n")
    print("Free: the model may end the song early, else it is cut after 8 bars. Ending in "
          f"the last bar: {CANDIDATES} drafts, one kept by its chance of ending there "
          "(`end_in_last_bar`); with drafts that copy more than two bars of a training song "
          "set aside (`avoid`; the app's default). Statistics count the added bars; bar "
          "repetition looks back into the seed too.\n")
    print("| melodies | end on the tonic | notes in key | pitch range | bar repetition | "
          "longest copy ≤ 2 bars | time per melody |")
    print("|---|---|---|---|---|---|---|")
    modes = {"free": {}, "ending in the last bar": {"end_in_last_bar": True},
             "ending in the last bar, drafts copying > 2 bars set aside": {
                 "end_in_last_bar": True, "avoid": True}}
    for temperature in (1.0, 0.7):
        for mode, options in modes.items():
            stats, times = [], []
            for i in range(count):
                song = test[i % len(test)]
                seed = opening(song)
                if options.get("avoid"):
                    longer = 2 * song.steps_per_bar + 1
                    options = dict(options, avoid=lambda s, n=longer: copies.copies(s, n))
                start = time.perf_counter()
                melody = continue_melody(model, seed, 8, temperature, song.steps_per_bar,
                                         song.pickup, random_seed=i, **options)
                times.append(time.perf_counter() - start)
                stats.append(melody_statistics(melody.continuation, song.steps_per_bar,
                                               "minor" in song.key, copies, song.pickup,
                                               before=seed))
            print(_statistics_row(f"T = {temperature}, {mode}", stats,
                                  f"{1000 * statistics.median(times):.0f} ms"))
    own = [melody_statistics(s.symbols, s.steps_per_bar, "minor" in s.key, copies, s.pickup)
           for s in test]
    print(_statistics_row(f"the {len(test)} test songs", own, ""))
    print()


def _statistics_row(name: str, stats: list[dict], timing: str) -> str:
    def mean(key):
        return float(np.mean([s[key] for s in stats]))

    copied = np.mean([s["longest_copy_bars"] <= 2 for s in stats])
    return (f"| {name} | {100 * mean('ends_on_tonic'):.0f} % | {100 * mean('in_key'):.1f} % | "
            f"{mean('range'):.1f} | {mean('bar_repetition'):.2f} | {100 * copied:.0f} % | "
            f"{timing} |")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=DEFAULT_SOURCE)
    p.add_argument("--checkpoint", default="checkpoints/melody.pt")
    p.add_argument("--split-seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--train-preset", default="default")
    p.add_argument("--trained", type=Path, default=None,
                   help="a folder of melody-seedN.pt checkpoints for the other split seeds "
                        "(python -m audiodemo.train melody --seed N --out ...); missing ones "
                        "are trained here")
    p.add_argument("--melodies", type=int, default=100, help="generated per row")
    p.add_argument("--only-generated", action="store_true",
                   help="skip the scores and the leak (quick runs of generation)")
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads (1: a step of one melody is too small to share)")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    songs = load_songs(args.data)
    if not args.only_generated:
        scores_by_seed(songs, args.checkpoint, args.split_seeds, args.train_preset,
                       args.trained)
        leak(songs)
    generated(songs, args.checkpoint, args.melodies)


if __name__ == "__main__":
    main()
