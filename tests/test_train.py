"""The train module: a one-epoch tiny training per model writes a checkpoint that loads and
records its making; presets, settings, starting weights, resuming, shipped files kept safe."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import torch

from audiodemo import fsdd
from audiodemo.checkpoint import load_checkpoint
from audiodemo.denoise import training
from audiodemo.denoise.denoiser import Denoiser
from audiodemo.train import apply_overrides, get_preset, initial_weights, loop, train
from audiodemo.train.__main__ import main


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
    clean, val = training.load_data(fake_fsdd, get_preset("unet", "tiny"), "bob")
    assert clean and val
    recordings = fsdd.list_recordings(fake_fsdd)
    bob = fsdd.load_waves([r for r in recordings if r.speaker == "bob"], 8000)
    assert not any(np.array_equal(b, w) for b in bob for w in clean + val)
    ann = fsdd.load_waves([r for r in recordings if r.speaker == "ann"], 8000)
    assert all(any(np.array_equal(a, w) for a in ann) for w in clean + val)


def test_unknown_preset_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="no preset 'huge'.*'paper'"):
        get_preset("vae", "huge")


def test_overrides_reach_the_preset_and_the_model_config():
    preset = apply_overrides(
        get_preset("unet", "tiny"),
        ["loss=l1", "model.skips=false", "model.channels=(2, 4)", "features=fixed_db"], "unet")
    assert preset["loss"] == "l1" and preset["features"] == "fixed_db"
    assert preset["model"]["skips"] is False and preset["model"]["channels"] == (2, 4)
    assert "skips" not in get_preset("unet", "tiny")["model"]  # the preset itself is untouched


@pytest.mark.parametrize("item", ["bogus=1", "model.width=3", "loss"])
def test_unknown_overrides_are_refused_with_the_keys(item):
    with pytest.raises(ValueError, match="KEY=VALUE.*model.skips|model.{.*skips"):
        apply_overrides(get_preset("unet", "tiny"), [item], "unet")


def test_a_variant_trains_and_denoises(fake_fsdd, tmp_path):
    out = tmp_path / "variant.pt"
    main(["unet", "--data", str(fake_fsdd), "--preset", "tiny", "--out", str(out),
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
    model = training.DenoiserTask("unet", get_preset("unet", "tiny"), fake_fsdd).model
    initial_weights(str(tiny_checkpoints["unet"]), "unet", model)
    for a, b in zip(model.state_dict().values(), start.model.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    wider = apply_overrides(get_preset("unet", "tiny"), ["model.channels=(8, 16)"], "unet")
    with pytest.raises(ValueError, match="different model"):
        initial_weights(str(tiny_checkpoints["unet"]), "unet",
                        training.DenoiserTask("unet", wider, fake_fsdd).model)
    out = tmp_path / "tuned.pt"
    main(["unet", "--data", str(fake_fsdd), "--preset", "tiny", "--out", str(out),
          "--quiet", "--init", str(tiny_checkpoints["unet"])])
    tuned = load_checkpoint(out).training
    assert tuned["initialised_from"] == "unet.pt"
    start = load_checkpoint(tiny_checkpoints["unet"]).training
    assert tuned["pretraining"] == start  # what the weights learned from before, kept


def test_bad_settings_end_the_cli_with_one_line(capsys):
    with pytest.raises(SystemExit, match="error: --set wants KEY=VALUE"):
        main(["unet", "--preset", "tiny", "--out", "x.pt", "--set", "nonsense"])


def test_a_run_without_a_finite_validation_loss_says_so(fake_fsdd, tmp_path, monkeypatch):
    monkeypatch.setattr(training.DenoiserTask, "validate", lambda self: {"loss": float("nan")})
    with pytest.raises(SystemExit, match="No epoch reached a finite validation loss"):
        main(["unet", "--data", str(fake_fsdd), "--preset", "tiny", "--out",
              str(tmp_path / "nan.pt"), "--quiet"])
    assert not (tmp_path / "nan.pt").exists() and (tmp_path / "nan.csv").exists()


@pytest.mark.parametrize("shipped", ["ours", "melody"])
def test_no_command_replaces_a_shipped_checkpoint_without_overwrite(shipped, fake_fsdd):
    from audiodemo.paths import CHECKPOINTS

    path = CHECKPOINTS / f"{shipped}.pt"
    before = path.stat().st_mtime_ns
    kind = "melody" if shipped == "melody" else "unet"
    with pytest.raises(SystemExit, match="shipped checkpoint; pass --overwrite"):
        main([kind, "--preset", "tiny", "--data", str(fake_fsdd), "--out", str(path)])
    assert path.stat().st_mtime_ns == before


def test_out_is_required(capsys):
    with pytest.raises(SystemExit):
        main(["unet", "--preset", "tiny"])
    assert "--out" in capsys.readouterr().err


def test_a_resumed_run_ends_as_the_uninterrupted_one(fake_fsdd, tmp_path, monkeypatch):
    settings = {"epochs": 3}
    whole = train("unet", "tiny", out=tmp_path / "whole.pt", data=fake_fsdd,
                  settings=settings, quiet=True)
    assert not loop.state_path(tmp_path / "whole.pt").exists()  # gone once the run ends

    def stop_after_two(row):
        if row["epoch"] == 2:
            raise KeyboardInterrupt  # as a killed run

    with pytest.raises(KeyboardInterrupt):
        train("unet", "tiny", out=tmp_path / "cut.pt", data=fake_fsdd, settings=settings,
              quiet=True, on_epoch=stop_after_two)
    assert loop.state_path(tmp_path / "cut.pt").is_file()
    resumed = train("unet", "tiny", out=tmp_path / "cut.pt", data=fake_fsdd,
                    settings=settings, quiet=True, resume=True)
    assert [r["epoch"] for r in resumed] == [1, 2, 3]
    for a, b in zip(whole, resumed, strict=True):
        assert a["val_loss"] == b["val_loss"] and a["train_loss"] == b["train_loss"]
    weights = [load_checkpoint(tmp_path / f"{n}.pt").model.state_dict() for n in ("whole", "cut")]
    for a, b in zip(*(w.values() for w in weights), strict=True):
        assert torch.equal(a, b)


def test_resuming_a_different_training_is_refused(fake_fsdd, tmp_path):
    def stop(row):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train("unet", "tiny", out=tmp_path / "a.pt", data=fake_fsdd, settings={"epochs": 3},
              quiet=True, on_epoch=stop)
    with pytest.raises(ValueError, match="state of another training"):
        train("unet", "tiny", out=tmp_path / "a.pt", data=fake_fsdd, settings={"epochs": 4},
              quiet=True, resume=True)


def test_the_wideband_model_trains_resumes_and_rebuilds(fake_speechocean, fake_esc10,
                                                        tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIODEMO_ESC10", str(fake_esc10))
    common = dict(data=fake_speechocean, settings={"epochs": 2}, quiet=True)
    whole = train("gtcrn", "tiny", out=tmp_path / "whole.pt", **common)

    def stop(row):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train("gtcrn", "tiny", out=tmp_path / "cut.pt", on_epoch=stop, **common)
    resumed = train("gtcrn", "tiny", out=tmp_path / "cut.pt", resume=True, **common)
    assert [r["val_loss"] for r in resumed] == [r["val_loss"] for r in whole]
    loaded = load_checkpoint(tmp_path / "cut.pt")
    assert loaded.kind == "gtcrn" and loaded.preprocessing["features"] == "complex_mask"
    assert "0075" in loaded.training["data"] and "$AUDIODEMO_SPEECHOCEAN" in loaded.training[
        "command"]
    for a, b in zip(load_checkpoint(tmp_path / "whole.pt").model.state_dict().values(),
                    loaded.model.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    # a fine-tune may change what holds no weights (the mask's bound), and keeps it
    tuned = train("gtcrn", "tiny", out=tmp_path / "tuned.pt", init=str(tmp_path / "whole.pt"),
                  data=fake_speechocean, settings={"epochs": 1, "model.mask_bound": 1.25},
                  quiet=True)
    assert len(tuned) == 1
    tuned = load_checkpoint(tmp_path / "tuned.pt")
    assert tuned.model.config.mask_bound == 1.25 and loaded.model.config.mask_bound == 1.0
    assert tuned.training["initialised_from"] == "whole.pt"
