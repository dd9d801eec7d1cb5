"""Rerun the paper's searches: `python -m audiodemo.search SEARCH --trials N ...`.

    python -m audiodemo.search vae-architecture --trials 10 --epochs-scale 0.04 --sampler grid
    python -m audiodemo.search vae-training --trials 8 --epochs-scale 0.03
    python -m audiodemo.search lstm --trials 8 --epochs-scale 0.1
    python -m audiodemo.search report          # Markdown tables of every results file

SEARCH is `vae-architecture` (Table 1), `vae-training` (Table 2) or `lstm` (Table 3); see
`audiodemo.search.spaces` for the spaces. Sampling is random by default, as in the paper.
`--trials N` asks for N completed trials in the study (pruned ones do not count): rerunning
a command resumes it.
`--storage` takes a database URL (default: the SQLite file `results/search.db`);
with PostgreSQL or MySQL, the same command on several machines shares one study. Every trial
records the paper's measure and ours, its settings, the epochs drawn and trained
(`--epochs-scale`), and its time; the study is written to `results/STUDY.json` after every
trial (`$AUDIODEMO_RESULTS` names another folder for both). `--data`: FSDD (default
`$AUDIODEMO_FSDD`) for the VAE searches, a folder or music21 corpus prefix (default
`essenFolksong/erk`) for the LSTM.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

import optuna
import torch
from optuna.trial import TrialState

from audiodemo import fsdd
from audiodemo.melody.corpus import DEFAULT_SOURCE, load_songs
from audiodemo.melody.evaluate import split_songs
from audiodemo.paths import results_dir
from audiodemo.search.report import markdown
from audiodemo.search.spaces import (
    SEARCHES,
    get_search,
    next_architectures,
    scaled,
    suggest,
)
from audiodemo.search.study import (
    SAMPLERS,
    default_storage,
    finished,
    open_study,
    record_command,
    results,
    shown_storage,
    write_results,
)
from audiodemo.search.trials import lstm_trial, vae_trial


def run(args) -> int:
    search = get_search(args.search)
    if not 0 < args.epochs_scale <= 1:
        raise ValueError(f"--epochs-scale must be in (0, 1], got {args.epochs_scale}")
    if args.trials < 1:
        raise ValueError(f"--trials must be at least 1, got {args.trials}")
    if args.threads:
        torch.set_num_threads(args.threads)
    name = args.study or args.search
    study = open_study(search, args.storage or default_storage(), name, args.objective,
                       args.sampler, args.seed)
    made_with = study.user_attrs.get("preset")
    if made_with is None:
        study.set_user_attr("preset", args.preset)
    elif made_with != args.preset:
        raise ValueError(f"Study {name!r} was run with --preset {made_with}")
    if search.kind == "vae":
        data = str(fsdd.recordings_dir(args.data))
        shown = {args.data: "$AUDIODEMO_FSDD"} if args.data else {}
    else:
        data = args.data or DEFAULT_SOURCE
        songs = split_songs(load_songs(data), 0)
        shown = {}
    if args.storage:
        shown[args.storage] = shown_storage(args.storage)
    argv = [shown.get(a, a) for a in args.argv]
    goal = search.objectives[args.objective]
    out = Path(args.out) if args.out else results_dir() / f"{name}.json"

    def objective(trial: optuna.Trial) -> float:
        settings = suggest(search, trial)
        trial.set_user_attr("epochs_drawn", settings["epochs"])
        trial.set_user_attr("epochs_scale", args.epochs_scale)
        epochs = scaled(settings["epochs"], args.epochs_scale)

        def report(epoch: int, value: float) -> None:
            trial.report(value, epoch)
            # pruning saves time only while at least half the epochs remain
            if search.prune and epoch <= epochs / 2 and trial.should_prune():
                raise optuna.TrialPruned()

        seed = args.seed + trial.number
        if search.kind == "vae":
            outcome = vae_trial(settings, data, args.preset, args.epochs_scale, seed, report)
        else:
            outcome = lstm_trial(settings, songs, args.preset, args.epochs_scale, seed, report)
        for key, value in outcome.items():
            trial.set_user_attr(key, value)
        return outcome["metrics"][goal.metric]

    def save(study: optuna.Study, _trial) -> None:
        write_results(results(study, search), out)

    missing = args.trials - finished(study)
    if missing > 0:  # a command that only rewrites the results is not recorded
        record_command(study, "python -m audiodemo.search " + shlex.join(argv))
    states = []  # of this run's trials
    while missing > 0:  # one trial at a time; pruned and failed ones do not count
        if search.name == "vae-architecture":  # every row of Table 1, then even repeats
            study.enqueue_trial({"architecture": next_architectures(study, 1)[0]})
        before = len(study.trials)
        study.optimize(objective, n_trials=1, catch=(ValueError, RuntimeError),
                       callbacks=[save])
        states += [t.state for t in study.get_trials(deepcopy=False)[before:]]
        if len(states) >= args.trials and all(s == TrialState.FAIL for s in states):
            save(study, None)
            raise ValueError(f"Every trial of this run failed ({len(states)}); the log "
                             f"above says why")
        missing = args.trials - finished(study)
    save(study, None)
    print(f"{finished(study)} completed trials in study {name!r}; results in {out.name}")
    return 0


def report(args) -> int:
    folder = Path(args.results) if args.results else results_dir()
    files = sorted(folder.glob("*.json"))
    if not files:
        raise ValueError(f"No results files in {folder}")
    for path in files:
        print(markdown(json.loads(path.read_text())))
    return 0


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit status."""
    p = argparse.ArgumentParser(prog="python -m audiodemo.search",
                                description="Rerun the paper's searches on Optuna.")
    sub = p.add_subparsers(dest="search", required=True)
    for name, search in SEARCHES.items():
        s = sub.add_parser(name, help=f"the paper's {search.table}")
        s.add_argument("--trials", type=int, required=True,
                       help="completed trials wanted in the study (a rerun resumes)")
        s.add_argument("--storage", default=None,
                       help="database URL (default: SQLite in results/)")
        s.add_argument("--study", default=None, help=f"study name (default: {name})")
        s.add_argument("--epochs-scale", type=float, default=1.0,
                       help="multiply every epoch count (a CPU budget); recorded per trial")
        s.add_argument("--sampler", default="random", choices=SAMPLERS)
        s.add_argument("--objective", default="ours", choices=("ours", "paper"),
                       help="what the sampler optimises (both are recorded)")
        s.add_argument("--preset", default="paper", choices=("paper", "tiny"),
                       help="tiny: small models and data, for tests")
        s.add_argument("--data", default=None, help="FSDD folder, or songs for lstm")
        s.add_argument("--out", default=None, help="results JSON (default: "
                       "results/STUDY.json)")
        s.add_argument("--seed", type=int, default=0, help="seeds sampling and training")
        s.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    r = sub.add_parser("report", help="print Markdown tables of the results files")
    r.add_argument("--results", default=None, help="folder of results JSON")
    args = p.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return report(args) if args.search == "report" else run(args)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
