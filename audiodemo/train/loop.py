"""The one training loop every model kind goes through, on one process or several.

A `Task` (a trainer, one per kind: `audiodemo.denoise.training`, `audiodemo.melody.train`)
owns the model, the data and the loss; this loop owns what is common: Adam, the learning
rate schedule, gradient clipping, skipping a non-finite step, the log row of each epoch, the
best checkpoint by validation loss, the state `--resume` continues from, and DDP
(`audiodemo.train.distributed`).

Randomness is drawn afresh per epoch from `(seed, epoch)`, so a run resumed
from its last epoch goes on exactly as the uninterrupted run would.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from audiodemo.checkpoint import load_training_state, save_checkpoint, save_training_state
from audiodemo.train import distributed
from audiodemo.train.distributed import World
from audiodemo.train.record import write_log


class Task(Protocol):
    """What a trainer gives the loop."""

    kind: str
    preset: dict  # epochs, lr, min_lr, cosine, clip_norm, half, and the task's own keys
    model: nn.Module
    preprocessing: dict  # into the checkpoint

    def steps(self, world_size: int) -> int:
        """Optimiser steps per epoch on each rank."""

    def batches(self, rng: np.random.Generator, world: World) -> Iterable:
        """This rank's batches of one epoch, `steps(world.size)` of them on every rank;
        `rng` is the epoch's, the same on every rank."""

    def loss(self, model: nn.Module, batch) -> dict[str, torch.Tensor]:
        """Loss terms of one batch, `loss` among them (`model` may be a DDP wrapper)."""

    def validate(self) -> dict[str, float]:
        """Validation terms of `self.model`, `loss` among them (the same on every rank)."""


def state_path(out: Path) -> Path:
    """Where a training writes the state it resumes from: beside its checkpoint."""
    return out.with_name(out.stem + ".state.pt")


def schedule(opt: torch.optim.Optimizer, preset: dict, steps: int):
    """Constant, or a cosine from `lr` to `min_lr` over the run, stepped per optimiser step
    (`cosine="step"`) or per epoch (`cosine="epoch"`)."""
    per = preset.get("cosine")
    if per not in (None, "step", "epoch"):
        raise ValueError(f"cosine must be 'step', 'epoch' or None, got {per!r}")
    total = preset["epochs"] * (steps if per == "step" else 1)
    floor = preset.get("min_lr", 0.0) / preset["lr"]

    def factor(i: int) -> float:
        if per is None:
            return 1.0
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * i / total))

    return torch.optim.lr_scheduler.LambdaLR(opt, factor)


def _seeded(seed: int, epoch: int, rank: int) -> np.random.Generator:
    """The epoch's generator, the same on every rank (a task spawns one per rank where its
    ranks must draw apart); torch's own generator, for dropout and the VAE's samples, is
    seeded apart per rank."""
    torch.manual_seed(int(np.random.default_rng([seed, epoch, rank, 1]).integers(2**62)))
    return np.random.default_rng([seed, epoch])


def _on(batch, device: torch.device):
    """A batch of tensors on the training device."""
    if device.type == "cpu":
        return batch
    return tuple(b.to(device) if isinstance(b, torch.Tensor) else b for b in batch)


def fit(task: Task, out: Path, record: Callable[[dict], dict], world: World, seed: int = 0,
        resume: bool = False, quiet: bool = False, on_epoch=None) -> list[dict]:
    """Train `task`, writing the best epoch's checkpoint, a CSV log and a loss curve at `out`
    (rank 0 only); returns the log rows. `record(row)` gives the checkpoint's training record
    for a best row; `on_epoch(row)`, if given, sees each row (and may stop by raising)."""
    preset, model = task.preset, task.model.to(world.device)
    trained = distributed.wrap(model, world)
    opt = torch.optim.Adam(model.parameters(), lr=preset["lr"])
    steps = task.steps(world.size)
    sched = schedule(opt, preset, steps)
    signature = repr((task.kind, sorted((k, repr(v)) for k, v in preset.items()), world.size))
    rows, best, start_epoch = [], math.inf, 1
    if resume:
        saved = state_path(out)
        state = distributed.share(load_training_state(saved) if world.main and saved.is_file()
                                  else None, world)
        if state is None:
            if world.main:
                world.say(f"no {saved.name} to resume from: starting afresh")
        elif state["signature"] != signature:
            raise ValueError(f"{saved.name} is the state of another training; run without "
                             f"--resume to start afresh, or give another --out")
        else:
            model.load_state_dict(state["model"])
            opt.load_state_dict(state["optimiser"])
            sched.load_state_dict(state["schedule"])
            rows, best, start_epoch = list(state["rows"]), state["best"], state["epoch"] + 1
            if world.main:
                world.say(f"resuming after epoch {state['epoch']} of {preset['epochs']}")
    model.train()
    for epoch in range(start_epoch, preset["epochs"] + 1):
        began, running, skipped = time.time(), [], 0
        batches = task.batches(_seeded(seed, epoch, world.rank), world)
        for batch in tqdm(batches, total=steps, desc=f"epoch {epoch}/{preset['epochs']}",
                          leave=False, disable=quiet or not world.main):
            terms = task.loss(trained, _on(batch, world.device))
            opt.zero_grad()
            terms["loss"].backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), preset["clip_norm"])
            finite = bool(torch.isfinite(terms["loss"]) and torch.isfinite(norm))
            if not distributed.all_true(finite, world):
                skipped += 1  # never let one bad batch poison the weights
                continue
            opt.step()
            if preset.get("cosine") == "step":
                sched.step()
            running.append(terms["loss"].item())
        if preset.get("cosine") == "epoch":
            sched.step()
        distributed.share_buffers(model, world)
        model.eval()
        val = task.validate()
        model.train()
        row = {"epoch": epoch,
               "train_loss": distributed.mean(float(np.mean(running)) if running else math.nan,
                                              world),
               "val_loss": val["loss"], **{f"val_{k}": v for k, v in val.items() if k != "loss"},
               "skipped_batches": skipped, "seconds": round(time.time() - began, 1)}
        rows.append(row)
        if world.main:
            print(", ".join(f"{k} {v:.5g}" if isinstance(v, float) else f"{k} {v}"
                            for k, v in row.items()), flush=True)
        if val["loss"] < best:
            best = val["loss"]
            if world.main:
                save_checkpoint(out, task.kind, model, task.preprocessing, record(row),
                                half=preset["half"])
                world.say(f"wrote {out.name} (epoch {epoch})")
        if world.main:
            save_training_state(state_path(out), {
                "signature": signature, "epoch": epoch, "model": model.state_dict(),
                "optimiser": opt.state_dict(), "schedule": sched.state_dict(), "rows": rows,
                "best": best})
        if on_epoch is not None:
            on_epoch(row)
    distributed.check_same_weights(model, world)
    if world.main:
        write_log(rows, out)
        state_path(out).unlink(missing_ok=True)
    if not math.isfinite(best):
        raise ValueError(f"No epoch reached a finite validation loss, so no checkpoint was "
                         f"written (the log is in {out.with_suffix('.csv').name})")
    return rows
