"""A one-epoch tiny training per model writes a checkpoint that loads and records its making."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import torch

from audiodemo import train
from audiodemo.checkpoint import load_checkpoint
from audiodemo.denoise.denoiser import Denoiser
from audiodemo.denoise.presets import get_preset


@pytest.mark.parametrize("kind", ["dcae", "vae", "unet"])
def test_tiny_training_writes_a_loadable_checkpoint_log_and_curve(kind, tiny_checkpoints):
    path = tiny_checkpoints[kind]
    loaded = load_checkpoint(path)
    assert loaded.kind == kind
    assert loaded.training["preset"] == "tiny" and loaded.training["epochs"] == 1
    assert loaded.training["command"].startswith("python -m audiodemo.train " + kind)
    assert "$AUDIODEMO_FSDD" in loaded.training["command"]  # no path of this machine
    assert str(path.parent) not in loaded.training["command"]
    assert loaded.preprocessing["features"] == get_preset(kind, "tiny")["features"]
    rows = list(csv.DictReader(open(path.with_suffix(".csv"))))
    assert [r["epoch"] for r in rows] == ["1"] and float(rows[0]["val_loss"]) == float(
        rows[0]["val_loss"])  # a number, not NaN
    assert path.with_suffix(".png").stat().st_size > 1000


def test_held_out_speaker_is_never_trained_on(fake_fsdd, tmp_path):
    args = train.parse_args(["unet", "--data", str(fake_fsdd), "--preset", "tiny",
                             "--held-out-speaker", "bob"])
    clean, val = train.load_data(args, get_preset("unet", "tiny"))
    assert clean and val
    recordings = train.fsdd.list_recordings(fake_fsdd)
    bob = train.fsdd.load_waves([r for r in recordings if r.speaker == "bob"], 8000)
    assert not any(np.array_equal(b, w) for b in bob for w in clean + val)
    ann = train.fsdd.load_waves([r for r in recordings if r.speaker == "ann"], 8000)
    assert all(any(np.array_equal(a, w) for a in ann) for w in clean + val)


def test_unknown_preset_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="no preset 'huge'.*'paper'"):
        get_preset("vae", "huge")


def test_overrides_reach_the_preset_and_the_model_config():
    preset = train.apply_overrides(
        get_preset("unet", "tiny"),
        ["loss=l1", "model.skips=false", "model.channels=(2, 4)", "features=fixed_db"], "unet")
    assert preset["loss"] == "l1" and preset["features"] == "fixed_db"
    assert preset["model"]["skips"] is False and preset["model"]["channels"] == (2, 4)
    assert "skips" not in get_preset("unet", "tiny")["model"]  # the preset itself is untouched


@pytest.mark.parametrize("item", ["bogus=1", "model.width=3", "loss"])
def test_unknown_overrides_are_refused_with_the_keys(item):
    with pytest.raises(ValueError, match="KEY=VALUE.*model.skips|model.{.*skips"):
        train.apply_overrides(get_preset("unet", "tiny"), [item], "unet")


def test_a_variant_trains_and_denoises(fake_fsdd, tmp_path):
    out = tmp_path / "variant.pt"
    train.main(["unet", "--data", str(fake_fsdd), "--preset", "tiny", "--out", str(out),
                "--quiet", "--set", "features=fixed_db", "--set", "model.skips=false",
                "--set", "loss=mse_db"])
    loaded = load_checkpoint(out)
    assert loaded.preprocessing["features"] == "fixed_db"
    assert loaded.model.config.skips is False
    assert loaded.training["loss"] == "mse_db"
    wave = np.random.default_rng(0).standard_normal(3000).astype(np.float32) * 0.1
    result = Denoiser(loaded)(wave, 8000)
    assert result.shape == wave.shape and np.all(np.isfinite(result))


def test_training_starts_from_a_checkpoint_of_the_same_model(fake_fsdd, tiny_checkpoints, tmp_path):
    start = load_checkpoint(tiny_checkpoints["unet"])
    model = train.initial_weights(str(tiny_checkpoints["unet"]), "unet",
                                  get_preset("unet", "tiny"))
    for a, b in zip(model.state_dict().values(), start.model.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    wider = train.apply_overrides(get_preset("unet", "tiny"), ["model.channels=(8, 16)"], "unet")
    with pytest.raises(ValueError, match="different model"):
        train.initial_weights(str(tiny_checkpoints["unet"]), "unet", wider)
    out = tmp_path / "tuned.pt"
    train.main(["unet", "--data", str(fake_fsdd), "--preset", "tiny", "--out", str(out),
                "--quiet", "--init", str(tiny_checkpoints["unet"])])
    assert load_checkpoint(out).training["initialised_from"] == "unet.pt"


def test_bad_settings_end_the_cli_with_one_line(capsys):
    with pytest.raises(SystemExit, match="error: --set wants KEY=VALUE"):
        train.main(["unet", "--preset", "tiny", "--set", "nonsense"])


def test_a_run_without_a_finite_validation_loss_says_so(fake_fsdd, tmp_path, monkeypatch):
    monkeypatch.setattr(train, "evaluate", lambda *a: {"loss": float("nan")})
    with pytest.raises(SystemExit, match="No epoch reached a finite validation loss"):
        train.main(["unet", "--data", str(fake_fsdd), "--preset", "tiny", "--out",
                    str(tmp_path / "nan.pt"), "--quiet"])
    assert not (tmp_path / "nan.pt").exists() and (tmp_path / "nan.csv").exists()
