"""A one-epoch tiny training per model writes a checkpoint that loads and records its making."""

from __future__ import annotations

import csv

import pytest

from audiodemo import train
from audiodemo.checkpoint import load_checkpoint
from audiodemo.presets import get_preset


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
    bob = {len(w) for w in train.fsdd.load_waves(
        [r for r in recordings if r.speaker == "bob"], 8000)}
    assert not bob & {len(w) for w in clean}


def test_unknown_preset_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="no preset 'huge'.*'paper'"):
        get_preset("vae", "huge")
