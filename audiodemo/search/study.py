"""Optuna studies for the searches: storage, sampling, resuming, pruning, and their results.

Storage is a SQLite file by default (`results/search.db`, or in `$AUDIODEMO_RESULTS`), so a
search that stops, for any reason, resumes where it was: `--trials N` asks for N completed
trials in the study (pruned and failed ones do not count), and a rerun of the same command
runs only what is missing. A trial cut off mid-run is marked failed by its stopped heartbeat
and run again with the same settings. A database URL (`postgresql://...`, `mysql://...`)
lets several machines work on one study at once.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import time
import warnings
from pathlib import Path

import optuna
from optuna.storages import RDBStorage, RetryHeartbeatStaleTrialCallback
from optuna.trial import TrialState
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, ProgrammingError

from audiodemo.paths import results_dir
from audiodemo.search.spaces import ARCHITECTURES, PAPER_TABLES, Search

SAMPLERS = ("random", "tpe", "grid")
FINISHED = (TrialState.COMPLETE,)  # pruned and failed trials have no test scores


def default_storage() -> str:
    """The embedded SQLite file beside the results."""
    folder = results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'search.db'}"


def storage_url(url: str) -> str:
    """The URL for SQLAlchemy: a plain `postgresql://` one gets the psycopg 3 driver
    (`postgresql+psycopg://`; SQLAlchemy's default for it is psycopg2); others as given."""
    plain = "postgresql://"
    return "postgresql+psycopg://" + url.removeprefix(plain) if url.startswith(plain) else url


def make_sampler(name: str, search: Search, seed: int) -> optuna.samplers.BaseSampler:
    """Random (the paper's way; the default), TPE, or a grid over Table 1's architectures."""
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "grid" and search.name == "vae-architecture":
        return optuna.samplers.GridSampler({"architecture": list(ARCHITECTURES)}, seed=seed)
    raise ValueError(f"Sampler must be one of {SAMPLERS} (grid only for vae-architecture), "
                     f"got {name!r}")


def _storage(storage: str, tries: int = 3) -> RDBStorage:
    """Optuna's storage, its tables made if new. Workers starting at once on a new database
    may collide making them (optuna#1092); the loser finds them made on its next try."""
    for attempt in range(tries):
        try:
            with warnings.catch_warnings():  # heartbeats are "experimental" in Optuna 5
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                return RDBStorage(storage_url(storage), heartbeat_interval=30, grace_period=90,
                                  heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(
                                      max_retry=1))
        except (IntegrityError, ProgrammingError):
            if attempt == tries - 1:
                raise
            time.sleep(1.0 + attempt)
    raise AssertionError("unreachable")


def shown_storage(storage: str) -> str:
    """A storage URL as results may show it: without its password."""
    try:
        return make_url(storage).render_as_string(hide_password=True)
    except ArgumentError:
        return storage


def open_study(search: Search, storage: str, name: str, objective: str, sampler: str,
               seed: int = 0) -> optuna.Study:
    """Create the study, or load it to resume; `ValueError` if it was made for another
    search or objective."""
    rdb = _storage(storage)
    goal = search.objectives[objective]
    study = optuna.create_study(storage=rdb, study_name=name, direction=goal.direction,
                                load_if_exists=True,
                                pruner=optuna.pruners.MedianPruner(n_startup_trials=4,
                                                                   n_warmup_steps=1))
    made_for = study.user_attrs.get("search"), study.user_attrs.get("objective")
    if made_for == (None, None):
        study.set_user_attr("search", search.name)
        study.set_user_attr("objective", objective)
    elif made_for != (search.name, objective):
        raise ValueError(f"Study {name!r} holds the {made_for[0]} search scored by "
                         f"{made_for[1]}; name a new study with --study")
    # a fresh seed per resumption, so a resumed random search draws new settings
    study.sampler = make_sampler(sampler, search, seed + len(study.trials))
    return study


def finished(study: optuna.Study) -> int:
    """Trials that completed (with test scores)."""
    return len(study.get_trials(deepcopy=False, states=FINISHED))


def record_command(study: optuna.Study, command: str) -> None:
    """Keep each command that worked on the study (the results list them)."""
    commands = list(study.user_attrs.get("commands", []))
    study.set_user_attr("commands", [*commands, command])


def results(study: optuna.Study, search: Search) -> dict:
    """The study as plain JSON-ready data: settings, scores and timings of every trial."""
    trials = []
    for t in study.get_trials(deepcopy=False):
        if t.state == TrialState.WAITING:  # queued for a later run, not yet run
            continue
        trials.append({
            "number": t.number, "state": t.state.name.lower(), "params": t.params,
            "value": _finite(t.value), "metrics": t.user_attrs.get("metrics", {}),
            "epochs_drawn": t.user_attrs.get("epochs_drawn"),
            "epochs_trained": t.user_attrs.get("epochs_trained"),
            "epochs_scale": t.user_attrs.get("epochs_scale"),
            "seconds": t.user_attrs.get("seconds") or _duration(t),
            "validation": {str(k): _finite(v) for k, v in t.intermediate_values.items()},
            "started": t.datetime_start.isoformat(timespec="seconds")
            if t.datetime_start else None,
        })
    goal = search.objectives[study.user_attrs.get("objective", "ours")]
    return {"search": search.name, "study": study.study_name, "table": search.table,
            "kind": search.kind, "objective": study.user_attrs.get("objective"),
            "objective_metric": goal.metric, "objective_label": goal.label,
            "direction": goal.direction, "preset": study.user_attrs.get("preset"),
            "commands": study.user_attrs.get("commands", []),
            "paper": PAPER_TABLES[search.name], "trials": trials,
            "updated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}


def write_results(data: dict, path: Path) -> None:
    """Write atomically, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # one per writing process
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    os.replace(tmp, path)


def _duration(trial) -> float | None:
    """Seconds from a trial's start to its end (pruned and failed trials too)."""
    if trial.datetime_start and trial.datetime_complete:
        return round((trial.datetime_complete - trial.datetime_start).total_seconds(), 1)
    return None


def _finite(value):
    return value if value is None or math.isfinite(value) else None
