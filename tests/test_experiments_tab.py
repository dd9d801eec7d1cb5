"""The Experiments tab renders the saved searches and the shipped models' training logs."""

from __future__ import annotations

import gradio as gr
import optuna
import pytest
from matplotlib.figure import Figure

from audiodemo.paths import RESULTS_ENV
from audiodemo.search.spaces import SEARCHES
from audiodemo.search.study import results, write_results
from audiodemo.ui.experiments_tab import experiments


@pytest.fixture()
def small_results(tmp_path, monkeypatch):
    """A three-trial Table 1 study saved the way the search saves it."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    search = SEARCHES["vae-architecture"]
    study = optuna.create_study(direction="maximize")
    study.set_user_attr("objective", "ours")
    study.set_user_attr("preset", "paper")
    study.set_user_attr("commands", ["python -m audiodemo.search vae-architecture --trials 3"])
    for arch, si_sdr in [("2x64", 3.5), ("4x32", 4.25), ("3x32", None)]:
        trial = study.ask()
        trial.suggest_categorical("architecture", ["2x32", "2x64", "3x32", "3x64", "4x32"])
        trial.set_user_attr("epochs_drawn", 50)
        trial.set_user_attr("epochs_trained", 2)
        trial.set_user_attr("epochs_scale", 0.04)
        trial.set_user_attr("seconds", 150.0)
        if si_sdr is None:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            trial.set_user_attr("metrics", {"paper_mse": 0.0123, "sisdr_5db": si_sdr,
                                            "val_mse": 0.011})
            study.tell(trial, si_sdr)
    write_results(results(study, search), tmp_path / "vae-architecture.json")
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path))
    return tmp_path


def test_the_tab_shows_our_trials_beside_the_papers_table(small_results):
    tables, trials, curves = experiments("vae-architecture", "ours")
    assert "Table 1" in tables and "0.0123" in tables and "4.25" in tables
    assert "| 4x32 | 0.0015 |" in tables  # the paper's row
    assert "pruned" in tables and "2 of 50" in tables
    assert "No results saved yet" in tables  # Tables 2 and 3 were not run here
    assert isinstance(trials, Figure) and isinstance(curves, Figure)
    assert len(trials.axes) == 1 and len(trials.axes[0].lines) == 3


def test_a_search_without_results_says_how_to_run_it(small_results):
    tables, trials, _ = experiments("lstm", "melody")
    assert "python -m audiodemo.search lstm" in tables and trials is None


@pytest.mark.parametrize("search, model", [("nonsense", "ours"), ("lstm", "../etc/passwd"),
                                           ("lstm", "nothing")])
def test_bad_choices_are_refused_with_a_message(small_results, search, model):
    with pytest.raises(gr.Error):
        experiments(search, model)


def test_a_damaged_results_file_is_reported(small_results):
    (small_results / "vae-architecture.json").write_text("{not json")
    with pytest.raises(gr.Error, match="Cannot read the results"):
        experiments("vae-architecture", "ours")
