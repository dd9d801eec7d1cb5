"""The melody command line: `python -m audiodemo.melody train|evaluate ...`.

    python -m audiodemo.melody train --data essenFolksong/erk --preset default
    python -m audiodemo.melody evaluate --checkpoint checkpoints/melody.pt --json

`--data` is a folder of **kern, ABC, MusicXML or MIDI files, or a music21 corpus prefix
(default: the Essen folk songs `essenFolksong/erk`). Songs are split by song with `--seed`:
80 % train, 10 % validation, 10 % test. `evaluate` scores the test songs of that split
(`--split all`: every song, for a corpus the model never saw) and prints a table, or with
`--json` one JSON object with `accuracy`, `onset_accuracy`, `nll`, `perplexity`, `songs`,
`symbols`.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from audiodemo.melody.corpus import DEFAULT_SOURCE, load_songs
from audiodemo.melody.evaluate import evaluate, split_songs
from audiodemo.melody.model import load_melody
from audiodemo.melody.train import PRESETS, get_preset, train_melody

DEFAULT_CHECKPOINT = Path(__file__).resolve().parent.parent.parent / "checkpoints" / "melody.pt"


def _train(args) -> int:
    preset = get_preset(args.preset)
    if args.epochs:
        preset["epochs"] = args.epochs
    songs = load_songs(args.data)
    train, validation, test = split_songs(songs, args.seed)
    argv = [a if a != str(args.out) else Path(args.out).name for a in args.argv]
    record = {"command": "python -m audiodemo.melody " + shlex.join(argv),
              "data": args.data, "songs": {"train": len(train), "validation": len(validation),
                                           "test": len(test)}, "preset": args.preset,
              "split_seed": args.seed}
    print(f"{len(songs)} songs: {len(train)} train, {len(validation)} validation, "
          f"{len(test)} test", flush=True)
    train_melody(train, validation, preset, Path(args.out), args.seed, record, args.quiet)
    return 0


def _evaluate(args) -> int:
    model = load_melody(args.checkpoint)
    songs = load_songs(args.data)
    scored = songs if args.split == "all" else split_songs(songs, args.seed)[2]
    result = evaluate(model, scored, model.vocab)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:15s} {value:.4f}" if isinstance(value, float) else f"{key:15s} {value}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit status."""
    p = argparse.ArgumentParser(prog="python -m audiodemo.melody",
                                description="Train and score the melody LSTM.")
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train an LSTM on songs split by song")
    t.add_argument("--data", default=DEFAULT_SOURCE, help="folder or music21 corpus prefix")
    t.add_argument("--preset", default="default", choices=sorted(PRESETS))
    t.add_argument("--epochs", type=int, default=None, help="override the preset's epochs")
    t.add_argument("--out", default=str(DEFAULT_CHECKPOINT), help="checkpoint to write")
    t.add_argument("--seed", type=int, default=0, help="seeds the split, weights and order")
    t.add_argument("--quiet", action="store_true")
    e = sub.add_parser("evaluate", help="score a checkpoint")
    e.add_argument("--data", default=DEFAULT_SOURCE, help="folder or music21 corpus prefix")
    e.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    e.add_argument("--split", choices=("test", "all"), default="test",
                   help="test: the held-out songs of --seed's split; all: every song")
    e.add_argument("--seed", type=int, default=0, help="the split's seed")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _train(args) if args.command == "train" else _evaluate(args)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
