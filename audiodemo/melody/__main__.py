"""The melody command line: `python -m audiodemo.melody train|evaluate|generate ...`.

    python -m audiodemo.melody train --model transformer --out runs/t.pt
    python -m audiodemo.melody train --model paper --data essenFolksong/erk --out m.pt
    python -m audiodemo.melody evaluate --model lookback --json
    python -m audiodemo.melody generate --seed "60 _ 62 _ 64 _ 65 _" --bars 8 --out tune.mid
    python -m audiodemo.melody repeats --model transformer --out runs/t_repeats.pt
    python -m audiodemo.melody bundle --out assets/melody_corpus.npz

`--model` names one of the three (`transformer`, `lookback`: our LSTM, `paper`: the paper's
LSTM; see `audiodemo.melody.shipped.MODELS`): `train` trains that kind with its preset
(`--preset` overrides it), `evaluate` and `generate` load its shipped checkpoint
(`--checkpoint` loads any file instead; the default is the first model shipped).

`--data` is a folder of **kern, ABC, MusicXML or MIDI files, or a music21 corpus prefix
(default: the Essen folk songs `essenFolksong/erk`). Songs are split by song with `--seed`:
80 % train, 10 % validation, 10 % test. `evaluate` scores the test songs of that split
(`--split all`: every song, for a corpus the model never saw) and prints a table, or with
`--json` one JSON object with `accuracy`, `onset_accuracy`, `nll`, `perplexity`, `songs`,
`symbols` (and `model`, its name). Both mix in the model's bar-repeat head
(`audiodemo.melody.repeats`, the file `NAME_repeats.pt` beside the checkpoint) where there
is one, unless `--no-repeats`; `repeats` fits one. `generate` continues a seed (MIDI
numbers, note names, `_` and `r`) in C major / A minor, moves it to `--key`, and writes
MIDI (and MusicXML with `--musicxml`); with `--variations K` the files are numbered
`tune-1.mid` ... `tune-K.mid`; a melody ends in its last bar where the model would end a
song (`--no-end-in-last-bar`: it may stop early or be cut at the length). `bundle` packs the
seeds and training songs the app shows and compares with (see `audiodemo.melody.bundle`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from audiodemo.melody.bundle import make_bundle
from audiodemo.melody.corpus import DEFAULT_SOURCE, Song, load_songs
from audiodemo.melody.evaluate import evaluate, split_songs
from audiodemo.melody.extra import extra_songs
from audiodemo.melody.generate import KEYS, generate_variations, key_name
from audiodemo.melody.model import load_melody
from audiodemo.melody.render import write_melody
from audiodemo.melody.repeats import repeats_beside
from audiodemo.melody.repeats_fit import bar_terms, fit, log_likelihood, save_repeats
from audiodemo.melody.shipped import MODELS, available, trained_collections
from audiodemo.melody.symbols import parse_seed
from audiodemo.melody.vocab import Vocabulary
from audiodemo.paths import CHECKPOINTS
from audiodemo.train import train

# what `train --model NAME` trains: (kind, preset)
TRAINED = {"transformer": ("melody_transformer", "default"), "lookback": ("melody", "default"),
           "paper": ("melody", "paper")}


def _train(args) -> int:
    """The same as `python -m audiodemo.train KIND --preset PRESET ...`."""
    kind, preset = TRAINED[args.model]
    train(kind, args.preset or preset, out=args.out, data=args.data, seed=args.seed,
          settings=[f"epochs={args.epochs}"] if args.epochs else [], resume=args.resume,
          overwrite=args.overwrite, quiet=args.quiet, threads=args.threads)
    return 0


def _checkpoint(args) -> Path:
    """`--checkpoint`, else the shipped checkpoint of `--model` (default: the first)."""
    if args.checkpoint:
        return Path(args.checkpoint)
    return CHECKPOINTS / f"{MODELS[args.model or available()[0]].checkpoint}.pt"


def _load(args):
    """The model of `_checkpoint`, with the bar-repeat head beside it (`NAME_repeats.pt`)
    where there is one, unless `--no-repeats`; `ValueError` for `--repeats` without one."""
    path = _checkpoint(args)
    head = repeats_beside(path)
    if args.repeats and not head.is_file():
        raise ValueError(f"No bar-repeat head beside {path.name} ({head.name}): fit one with "
                         f"`python -m audiodemo.melody repeats`, or pass --no-repeats")
    return load_melody(path, head if args.repeats is not False and head.is_file() else None)


def _evaluate(args) -> int:
    model = _load(args)
    songs = load_songs(args.data)
    trained = model.training.get("split_seed")
    seed = args.seed if args.seed is not None else (trained or 0)
    if args.split == "test" and trained is not None and seed != trained:
        raise ValueError(f"The checkpoint trained on split seed {trained}; its test songs "
                         f"under seed {seed} would include training songs")
    scored = songs if args.split == "all" else split_songs(songs, seed)[2]
    result = evaluate(model, scored, model.vocab)
    result["model"] = model.name
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:15s} {value:.4f}" if isinstance(value, float) else f"{key:15s} {value}")
    return 0


def _generate(args) -> int:
    model = _load(args)
    seed = parse_seed(args.seed)
    signature = Song("seed", seed, args.time_signature, "C major")
    if not 1 <= args.variations <= 16:
        raise ValueError(f"--variations must be between 1 and 16, got {args.variations}")
    drafts = generate_variations(model, seed, args.variations, args.bars, args.temperature,
                                 args.key, args.minor, signature.steps_per_bar,
                                 random_seed=args.random_seed,
                                 end_in_last_bar=args.end_in_last_bar)
    for k, variation in enumerate(drafts):
        suffix = f"-{k + 1}" if args.variations > 1 else ""
        out = Path(args.out)
        midi_path = out.with_name(f"{out.stem}{suffix}{out.suffix or '.mid'}")
        xml_path = None
        if args.musicxml:
            xml = Path(args.musicxml)
            xml_path = xml.with_name(f"{xml.stem}{suffix}{xml.suffix or '.musicxml'}")
        write_melody(variation.symbols, midi_path, xml_path, args.time_signature, args.tempo,
                     key_name(args.key, args.minor))
        print(" ".join(variation.symbols))
        how = ("cut at the length" if not variation.melody.ended else "ended in the last bar"
               if args.end_in_last_bar else "ended early by the model")
        print(" and ".join(str(p) for p in [midi_path, xml_path] if p) + f" ({how})")
    return 0


def _repeats(args) -> int:
    """Fit the bar-repeat head to a model on its split's validation songs."""
    path = _checkpoint(args)
    model = load_melody(path)
    songs = split_songs(load_songs(args.data), model.training.get("split_seed", 0))[1]
    terms = bar_terms(model, songs)
    head = fit(terms)
    per_bar = float(log_likelihood(head, terms).detach())
    before = float(terms.log_p.sum(dim=1).mean())
    command = "python -m audiodemo.melody " + " ".join(args.argv)
    save_repeats(args.out, head, path.stem, model, len(songs), len(terms.log_p), per_bar,
                 command)
    print(f"{len(terms.log_p)} bars of {len(songs)} validation songs: log chance per bar "
          f"{before:.3f} -> {per_bar:.3f} nats; wrote {args.out}")
    return 0


def _bundle(args) -> int:
    songs = load_songs(args.data)
    sources = trained_collections() if args.extra is None else args.extra
    extra = extra_songs(sources, songs)[0] if sources else []
    bundle = make_bundle(songs, args.seed, source=args.data, extra=extra)
    bundle.save(args.out, Vocabulary.default())
    print(f"{len(bundle.train)} training songs and {len(bundle.seeds)} seeds -> {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit status."""
    p = argparse.ArgumentParser(prog="python -m audiodemo.melody",
                                description="Train, score and play the melody models.")
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a melody model on songs split by song (the same "
                                     "as python -m audiodemo.train KIND)")
    t.add_argument("--model", default="lookback", choices=sorted(TRAINED),
                   help="which of the three (default: lookback, our LSTM)")
    t.add_argument("--data", default=DEFAULT_SOURCE, help="folder or music21 corpus prefix")
    t.add_argument("--preset", default=None,
                   help="the kind's preset (default: the model's; see audiodemo.train.PRESETS)")
    t.add_argument("--epochs", type=int, default=None, help="override the preset's epochs")
    t.add_argument("--out", required=True, help="checkpoint to write")
    t.add_argument("--resume", action="store_true", help="go on from the last epoch's state")
    t.add_argument("--overwrite", action="store_true", help="allow replacing a shipped file")
    t.add_argument("--seed", type=int, default=0, help="seeds the split, weights and order")
    t.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    t.add_argument("--quiet", action="store_true")
    e = sub.add_parser("evaluate", help="score a checkpoint")
    e.add_argument("--data", default=DEFAULT_SOURCE, help="folder or music21 corpus prefix")
    e.add_argument("--model", default=None, choices=list(MODELS),
                   help="a shipped model (default: the first shipped)")
    e.add_argument("--checkpoint", default=None, help="any checkpoint file instead")
    e.add_argument("--split", choices=("test", "all"), default="test",
                   help="test: the held-out songs of --seed's split; all: every song")
    e.add_argument("--seed", type=int, default=None,
                   help="the split's seed (default: the one the checkpoint trained with)")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    for parser in (e, g := sub.add_parser("generate", help="continue a seed and write MIDI / "
                                                          "MusicXML")):
        parser.add_argument("--repeats", action=argparse.BooleanOptionalAction, default=None,
                            help="mix in the bar-repeat head beside the checkpoint "
                                 "(NAME_repeats.pt; by default where there is one); "
                                 "--no-repeats: the model alone")
    g.add_argument("--seed", required=True, help='symbols, e.g. "60 _ 62 _ E4 _ r _"')
    g.add_argument("--bars", type=int, default=8)
    g.add_argument("--temperature", type=float, default=1.0)
    g.add_argument("--random-seed", type=int, default=0)
    g.add_argument("--key", default="C", choices=KEYS, help="the key to move the result to")
    g.add_argument("--minor", action="store_true", help="the seed is in A minor")
    g.add_argument("--time-signature", default="4/4")
    g.add_argument("--tempo", type=float, default=100.0, help="crotchets per minute")
    g.add_argument("--variations", type=int, default=1)
    g.add_argument("--end-in-last-bar", action=argparse.BooleanOptionalAction, default=True,
                   help="keep one of several drafts that ends where the model would end a "
                        "song (default); --no-end-in-last-bar: stop at the end symbol or cut "
                        "at the length")
    g.add_argument("--model", default=None, choices=list(MODELS),
                   help="a shipped model (default: the first shipped)")
    g.add_argument("--checkpoint", default=None, help="any checkpoint file instead")
    g.add_argument("--out", required=True, help="MIDI file to write")
    g.add_argument("--musicxml", default=None, help="MusicXML file to write too")
    r = sub.add_parser("repeats", help="fit the bar-repeat head to a model (on its split's "
                                       "validation songs)")
    r.add_argument("--data", default=DEFAULT_SOURCE, help="folder or music21 corpus prefix")
    r.add_argument("--model", default=None, choices=list(MODELS),
                   help="a shipped model (default: the first shipped)")
    r.add_argument("--checkpoint", default=None, help="any checkpoint file instead")
    r.add_argument("--out", required=True, help="the head's checkpoint to write")
    b = sub.add_parser("bundle", help="pack seeds and training songs for the app")
    b.add_argument("--data", default=DEFAULT_SOURCE, help="folder or music21 corpus prefix")
    b.add_argument("--seed", type=int, default=0, help="the split's seed (as in training)")
    b.add_argument("--out", required=True, help="the .npz file to write")
    b.add_argument("--extra", nargs="*", default=None,
                   help="other collections whose songs join the training songs that copies "
                        "are checked against (default: those the shipped models trained on)")
    args = p.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"train": _train, "evaluate": _evaluate, "generate": _generate,
                "repeats": _repeats, "bundle": _bundle}
    try:
        return commands[args.command](args)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
