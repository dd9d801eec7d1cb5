"""The searches: a two-trial tiny search runs, writes its JSON, and resumes from SQLite."""

from __future__ import annotations

import json

import optuna
import pytest

from audiodemo.paths import RESULTS_ENV
from audiodemo.search import __main__ as cli
from audiodemo.search.experiments import load_results
from audiodemo.search.report import markdown
from audiodemo.search.spaces import ARCHITECTURES, SEARCHES, scaled, suggest
from tests.melody_songs import bar_songs


def _run(tmp_path, *extra, preset="tiny") -> tuple[int, dict]:
    out = tmp_path / "study.json"
    code = cli.main([*extra, "--storage", f"sqlite:///{tmp_path / 'search.db'}",
                     "--study", "t", "--preset", preset, "--out", str(out)])
    return code, (json.loads(out.read_text()) if out.exists() else {})


def test_a_tiny_vae_search_writes_its_results_and_resumes(tmp_path, fake_fsdd):
    args = ["vae-training", "--trials", "2", "--data", str(fake_fsdd), "--epochs-scale", "0.01"]
    code, data = _run(tmp_path, *args)
    assert code == 0
    done = [t for t in data["trials"] if t["state"] == "complete"]
    assert len(done) == 2 and data["search"] == "vae-training"
    for t in done:
        assert 0.00005 <= t["params"]["lr"] <= 0.001 and 15 <= t["params"]["batch_size"] <= 50
        assert t["epochs_trained"] == 1 and 60 <= t["epochs_drawn"] <= 140
        assert t["epochs_scale"] == 0.01 and t["seconds"] > 0
        assert set(t["metrics"]) == {"paper_mse", "sisdr_5db", "val_mse"}
        assert t["value"] == t["metrics"]["sisdr_5db"]
    assert str(fake_fsdd) not in json.dumps(data)  # no path of this machine
    # the same command resumes: nothing is missing, so nothing runs
    code, again = _run(tmp_path, *args)
    assert code == 0 and [t["params"] for t in again["trials"]] == [t["params"] for t in
                                                                    data["trials"]]
    assert len(again["commands"]) == 1  # the rerun ran nothing
    # asking for three runs just one more, with new settings
    code, more = _run(tmp_path, *args[:1], "--trials", "3", *args[3:])
    assert len(more["trials"]) == 3
    assert more["trials"][2]["params"] not in [t["params"] for t in data["trials"]]
    assert "Table 2" in markdown(more) and "0.00347" in markdown(more)


def test_a_tiny_lstm_search_scores_both_objectives(tmp_path, monkeypatch):
    songs = bar_songs(40, [60, 62, 64, 65, 67], seed=0, pickup=lambda i, rng: 0)
    monkeypatch.setattr(cli, "load_songs", lambda data: songs)
    code, data = _run(tmp_path, "lstm", "--trials", "2", "--epochs-scale", "0.02",
                      "--objective", "paper")
    assert code == 0
    for t in data["trials"]:
        assert t["state"] == "complete" and t["value"] == t["metrics"]["accuracy"]
        assert 0 <= t["metrics"]["accuracy"] <= 1 and t["metrics"]["nll"] > 0
        assert 100 <= t["params"]["units"] <= 300 and t["epochs_trained"] in (1, 2)
    assert data["direction"] == "maximize"


def test_a_search_writes_where_results_env_points_and_the_tab_reads_it(tmp_path, monkeypatch):
    songs = bar_songs(40, [60, 62, 64, 65, 67], seed=0, pickup=lambda i, rng: 0)
    monkeypatch.setattr(cli, "load_songs", lambda data: songs)
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path))  # no --storage, no --out
    assert cli.main(["lstm", "--trials", "1", "--epochs-scale", "0.02", "--preset", "tiny"]) == 0
    assert (tmp_path / "search.db").is_file() and (tmp_path / "lstm.json").is_file()
    assert load_results("lstm")["study"] == "lstm"


def test_a_study_refuses_another_search_or_preset(tmp_path, fake_fsdd, capsys):
    args = ["--trials", "1", "--data", str(fake_fsdd), "--epochs-scale", "0.01"]
    assert _run(tmp_path, "vae-training", *args)[0] == 0
    assert _run(tmp_path, "vae-architecture", *args)[0] == 2
    assert "holds the vae-training search" in capsys.readouterr().err
    assert _run(tmp_path, "vae-training", *args, preset="paper")[0] == 2
    assert "was run with --preset tiny" in capsys.readouterr().err


def test_the_spaces_are_the_papers():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(30):
        trial = study.ask()
        lstm = suggest(SEARCHES["lstm"], trial)
        assert 100 <= lstm["units"] <= 300 and 0.0001 <= lstm["lr"] <= 0.01
        assert 16 <= lstm["batch_size"] <= 64 and 50 <= lstm["epochs"] <= 100
        study.tell(trial, 0.0)
    trial = study.ask()
    arch = suggest(SEARCHES["vae-architecture"], trial)
    assert arch["architecture"] in ARCHITECTURES and arch["epochs"] == 50
    assert ARCHITECTURES["4x32"]["strides"] == (1, 2, 2, 1)
    assert scaled(50, 0.04) == 2 and scaled(60, 0.001) == 1


@pytest.mark.parametrize("bad", [["--epochs-scale", "0"], ["--trials", "0"],
                                 ["--sampler", "grid"]])
def test_bad_search_settings_are_refused(tmp_path, fake_fsdd, bad, capsys):
    args = {"--trials": "1", "--epochs-scale": "0.01", "--sampler": "random"}
    args[bad[0]] = bad[1]
    flat = [x for kv in args.items() for x in kv]
    code, _ = _run(tmp_path, "vae-training", "--data", str(fake_fsdd), *flat)
    assert code == 2 and "error:" in capsys.readouterr().err


def test_a_search_whose_every_trial_fails_stops_and_says_so(tmp_path, fake_fsdd, monkeypatch,
                                                            capsys):
    def broken(*args, **kwargs):
        raise ValueError("no finite validation loss")

    monkeypatch.setattr(cli, "vae_trial", broken)
    code, data = _run(tmp_path, "vae-training", "--trials", "2", "--data", str(fake_fsdd))
    assert code == 2 and "Every trial of this run failed" in capsys.readouterr().err
    assert [t["state"] for t in data["trials"]] == ["fail", "fail"]


def test_table_1_fills_its_missing_rows_first_then_repeats_evenly():
    from audiodemo.search.spaces import next_architectures

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study()
    for name, state in [("2x32", "COMPLETE"), ("4x32", "PRUNED"), ("3x64", "COMPLETE")]:
        study.enqueue_trial({"architecture": name})
        trial = study.ask()
        trial.suggest_categorical("architecture", list(ARCHITECTURES))
        study.tell(trial, 1.0 if state == "COMPLETE" else None,
                   state=getattr(optuna.trial.TrialState, state))
    study.enqueue_trial({"architecture": "3x32"})  # waiting: counts as covered
    assert next_architectures(study, 4) == ["2x64", "4x32", "2x32", "2x64"]
    assert not SEARCHES["vae-architecture"].prune and SEARCHES["vae-training"].prune


def test_table_1_on_a_grid_fills_every_row_then_repeats(tmp_path, fake_fsdd):
    code, data = _run(tmp_path, "vae-architecture", "--trials", "6", "--data", str(fake_fsdd),
                      "--epochs-scale", "0.02", "--sampler", "grid")
    assert code == 0
    rows = [t["params"]["architecture"] for t in data["trials"] if t["state"] == "complete"]
    assert len(rows) == 6 and set(rows) == set(ARCHITECTURES)  # every row, then repeats
