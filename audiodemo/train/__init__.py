"""Train any model of the package and write its checkpoint: one API, one command line.

    from audiodemo.train import train
    rows = train("unet", "tiny", out="/tmp/tiny.pt", data="path/to/fsdd")

`TRAINERS` maps each kind to its trainer (`audiodemo.denoise.training` for the denoisers,
`audiodemo.melody.train` for the melody LSTM, `audiodemo.melody.transformer_train` for the
melody transformer); `PRESETS[kind][name]` holds their settings;
`audiodemo.train.loop` runs the epochs. Settings override a preset by key (`epochs=3`,
`model.hidden=64`). The command line is `python -m audiodemo.train` (see `__main__`).
"""

from __future__ import annotations

import ast
import datetime
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields
from pathlib import Path

import torch

from audiodemo.checkpoint import MELODY_KINDS, is_shipped, load_checkpoint
from audiodemo.denoise.presets import PRESETS as DENOISER_PRESETS
from audiodemo.denoise.training import DenoiserTask
from audiodemo.denoise.wideband_training import WidebandTask
from audiodemo.melody.train import PRESETS as MELODY_PRESETS
from audiodemo.melody.train import MelodyTask
from audiodemo.melody.transformer_train import PRESETS as TRANSFORMER_PRESETS
from audiodemo.melody.transformer_train import MelodyTransformerTask
from audiodemo.models import REGISTRY
from audiodemo.train import distributed
from audiodemo.train.loop import fit
from audiodemo.train.record import command, portable

TRAINERS = {"dcae": DenoiserTask, "vae": DenoiserTask, "unet": DenoiserTask,
            "gtcrn": WidebandTask, "melody": MelodyTask,
            "melody_transformer": MelodyTransformerTask}
PRESETS = {**DENOISER_PRESETS, "melody": MELODY_PRESETS,
           "melody_transformer": TRANSFORMER_PRESETS}


def get_preset(kind: str, name: str) -> dict:
    """A copy of the preset `name` of model `kind`; `ValueError` naming the choices."""
    if kind not in PRESETS:
        raise ValueError(f"Unknown model {kind!r}; choose from {sorted(PRESETS)}")
    if name not in PRESETS[kind]:
        raise ValueError(f"Model {kind!r} has no preset {name!r}; choose from "
                         f"{sorted(PRESETS[kind])}")
    return dict(PRESETS[kind][name], model=dict(PRESETS[kind][name]["model"]))


def setting_texts(settings: Sequence[str] | Mapping) -> list[str]:
    """Settings as `KEY=VALUE` texts (a mapping's values as Python literals)."""
    if isinstance(settings, Mapping):
        return [f"{k}={v!r}" for k, v in settings.items()]
    return list(settings)


def apply_overrides(preset: dict, settings: Sequence[str] | Mapping, kind: str) -> dict:
    """`KEY=VALUE` settings over a preset; `model.KEY` reaches into the model config.

    Values are Python literals (`false` and `true` too); anything else stays a string:
    `features=fixed_db`, `model.skips=false`, `loss=l1`.
    """
    preset = dict(preset, model=dict(preset["model"]))
    model_keys = [f.name for f in fields(REGISTRY[kind][0])]
    for item in setting_texts(settings):
        key, sep, text = item.partition("=")
        target, name = (preset["model"], key[6:]) if key.startswith("model.") else (preset, key)
        if not sep or name not in (model_keys if target is preset["model"] else preset):
            raise ValueError(f"--set wants KEY=VALUE with KEY one of {sorted(preset)} or "
                             f"model.{{{', '.join(model_keys)}}}, got {item!r}")
        text = {"true": "True", "false": "False"}.get(text.lower(), text)
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = text
        target[name] = value
    return preset


def initial_weights(path: str, kind: str, model: torch.nn.Module) -> dict:
    """Copy a checkpoint's weights into `model`; it must hold the same weights (names and
    shapes: settings that hold none, such as a gtcrn's `mask_bound`, may differ). Returns that
    checkpoint's training record, for the new one to keep (what the weights learned from)."""
    start = load_checkpoint(path)
    shapes = [{k: v.shape for k, v in m.state_dict().items()} for m in (start.model, model)]
    if start.kind != kind or shapes[0] != shapes[1]:
        raise ValueError(f"{path} holds a different model ({start.kind}, "
                         f"{asdict(start.model.config)}); cannot start from it")
    model.load_state_dict(start.model.state_dict())
    return start.training


def _shown_data(kind: str, data) -> str | None:
    """The data as the record's command shows it, without paths of this machine."""
    if kind == "gtcrn":
        return "$AUDIODEMO_SPEECHOCEAN"
    if kind not in MELODY_KINDS:
        return "$AUDIODEMO_FSDD"
    if data is None or isinstance(data, tuple):
        return None
    return portable(data) if os.path.exists(data) else str(data)


def train(kind: str, preset: str = "default", *, out: str | os.PathLike, data=None,
          settings: Sequence[str] | Mapping = (), seed: int = 0, init: str | None = None,
          held_out_speaker: str | None = None, resume: bool = False, overwrite: bool = False,
          quiet: bool = False, threads: int = 0, on_epoch=None) -> list[dict]:
    """Train a model of `kind` with `preset` and `settings`; write the best epoch's
    checkpoint at `out` with its CSV log and loss curve; return the log rows.

    `data`: the FSDD folder (default `$AUDIODEMO_FSDD`) for the denoisers; for the melody a
    folder or music21 corpus prefix, or a `(train, validation)` pair of song lists. `out`
    may name a shipped checkpoint only with `overwrite`. `resume` goes on from the state the
    last run left beside `out`. Under `torchrun`, every process runs this; rank 0 writes.
    `on_epoch(row)`, if given, sees each epoch's row (a search may stop the run by raising).
    """
    out = Path(out)
    if is_shipped(out) and not overwrite:
        raise ValueError(f"{out.name} is a shipped checkpoint; pass --overwrite to replace it "
                         f"on purpose, or write elsewhere with --out")
    if kind not in TRAINERS:
        raise ValueError(f"Unknown model {kind!r}; choose from {sorted(TRAINERS)}")
    texts = setting_texts(settings)
    config = apply_overrides(get_preset(kind, preset), texts, kind)
    world = distributed.join()
    try:
        torch.set_num_threads(threads or max(1, (os.cpu_count() or 1) // world.size))
        torch.manual_seed(seed)
        task = TRAINERS[kind](kind, config, data, seed, held_out_speaker)
        pretraining = initial_weights(init, kind, task.model) if init else None
        shown = command(kind, preset, out, _shown_data(kind, data), texts, seed, init,
                        held_out_speaker)

        def record(row: dict) -> dict:
            return {"command": shown, "kind": kind, "preset": preset, "seed": seed,
                    "epochs": config["epochs"], "best_epoch": row["epoch"], "lr": config["lr"],
                    "batch_size": config["batch_size"], "overrides": texts,
                    "initialised_from": init and Path(init).name, "pretraining": pretraining,
                    "processes": world.size,
                    "metrics": {k: v for k, v in row.items() if k.startswith("val_")},
                    "date": datetime.date.today().isoformat(), **task.describe()}

        rows = fit(task, out, record, world, seed, resume, quiet, on_epoch)
        distributed.wait_for_all(world)
        return rows
    finally:
        distributed.leave(world)
