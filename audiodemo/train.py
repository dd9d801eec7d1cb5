"""Train a denoiser and write its checkpoint: `python -m audiodemo.train MODEL --data PATH`.

    python -m audiodemo.train vae --data ../shared/data/fsdd --preset paper
    python -m audiodemo.train unet --data $AUDIODEMO_FSDD --preset default --out checkpoints/ours.pt
    python -m audiodemo.train dcae --preset tiny --out /tmp/tiny.pt   # seconds, for tests

Trains on the official FSDD training takes (5-49) less a validation slice (takes 5-7),
or with `--held-out-speaker` on every other speaker. Writes the checkpoint (the best epoch by
validation loss), a CSV log and a loss-curve PNG beside it.
"""

from __future__ import annotations

import argparse
import ast
import csv
import datetime
import math
import shlex
import sys
import time
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from audiodemo import fsdd
from audiodemo.checkpoint import load_checkpoint, save_checkpoint
from audiodemo.denoise.features import clean_target, model_input, output_magnitude
from audiodemo.denoise.losses import denoising_loss
from audiodemo.denoise.pairs import PairMaker
from audiodemo.denoise.presets import PRESETS, get_preset
from audiodemo.models import MODELS, build_model
from audiodemo.models.paper import vae_loss
from audiodemo.paths import FSDD_ENV
from audiodemo.plots.training import loss_curve_figure
from audiodemo.spectrogram import stft

VALIDATION_TAKES = range(5, 8)
VALIDATION_SIZE = 64


def step_loss(kind, model, preset, noisy, clean) -> dict[str, torch.Tensor]:
    """Loss terms of one batch of `(B, T)` waves."""
    cfg, features = preset["spectrogram"], preset["features"]
    noisy_spec = stft(noisy, cfg)  # (B, F, N)
    x, stats = model_input(noisy_spec.abs(), cfg, features)
    if kind == "unet":
        estimate = output_magnitude(model(x), noisy_spec.abs(), features, stats, cfg)
        return denoising_loss(estimate, noisy_spec, clean, cfg, preset["loss"])
    target = clean_target(stft(clean, cfg).abs(), noisy_spec.abs(), cfg, features, stats)
    recon, mu, log_var = model(x)
    return vae_loss(recon, target, mu, log_var, preset["model"]["alpha"])


def make_pairs(preset, clean, talkers) -> PairMaker:
    return PairMaker(
        clean=clean, sample_rate=preset["spectrogram"].sample_rate, seconds=preset["seconds"],
        snr_range=preset["snr_range"], noise_mix=preset["noise_mix"], concat=preset["concat"],
        gain_db=preset["gain_db"], talkers=talkers,
    )


def load_data(args, preset):
    """Clean training and validation waves at the preset's rate."""
    recordings = fsdd.list_recordings(args.data)
    train, _ = fsdd.split(recordings, args.held_out_speaker)
    val = [r for r in train if r.take in VALIDATION_TAKES]
    train = [r for r in train if r.take not in VALIDATION_TAKES]
    if preset["max_clips"]:
        rng = np.random.default_rng(args.seed)
        train = [train[i] for i in rng.permutation(len(train))[: preset["max_clips"]]]
        val = val[: preset["max_clips"] // 2]
    rate = preset["spectrogram"].sample_rate
    return fsdd.load_waves(train, rate), fsdd.load_waves(val, rate)


def evaluate(kind, model, preset, val_batch) -> dict[str, float]:
    model.eval()
    with torch.no_grad():
        terms = step_loss(kind, model, preset, *val_batch)
    model.train()
    return {k: float(v) for k, v in terms.items()}


def save_curve(rows: list[dict], path: Path) -> None:
    loss_curve_figure(rows, title=path.stem).savefig(path, dpi=100)


def train(args, on_epoch=None) -> dict:
    """Run the training the arguments describe; returns the final metrics.

    `on_epoch(row)`, if given, sees each epoch's log row (a search reports it, and may stop
    the training by raising)."""
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    preset = apply_overrides(get_preset(args.model, args.preset), args.set, args.model)
    for key in ("epochs", "lr", "batch_size"):
        if getattr(args, key) is not None:
            preset[key] = getattr(args, key)
    clean, val_clean = load_data(args, preset)
    pairs = make_pairs(preset, clean, talkers=clean)
    val_batch = make_pairs(preset, val_clean, talkers=val_clean).batch(
        min(VALIDATION_SIZE, 4 * len(val_clean)), np.random.default_rng(10_000 + args.seed))
    model = build_model(args.model, preset["model"])
    if args.init:
        model.load_state_dict(initial_weights(args.init, args.model, preset).state_dict())
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=preset["lr"])
    steps = preset["steps_per_epoch"] or math.ceil(len(clean) / preset["batch_size"])
    total = preset["epochs"] * steps
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, (lambda i: 0.5 * (1 + math.cos(math.pi * i / total))) if preset["cosine"]
        else (lambda i: 1.0))
    rng = np.random.default_rng(args.seed)
    out = Path(args.out)
    rows, best = [], math.inf
    for epoch in range(1, preset["epochs"] + 1):
        start, running, skipped = time.time(), [], 0
        for _ in tqdm(range(steps), desc=f"epoch {epoch}/{preset['epochs']}", leave=False,
                      disable=args.quiet):
            terms = step_loss(args.model, model, preset, *pairs.batch(preset["batch_size"], rng))
            opt.zero_grad()
            terms["loss"].backward()
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            if not (torch.isfinite(terms["loss"]) and torch.isfinite(norm)):
                skipped += 1  # never let one bad batch poison the weights
                continue
            opt.step()
            sched.step()
            running.append(terms["loss"].item())
        val = evaluate(args.model, model, preset, val_batch)
        row = {"epoch": epoch, "train_loss": float(np.mean(running)), "val_loss": val["loss"],
               **{f"val_{k}": v for k, v in val.items() if k != "loss"},
               "skipped_batches": skipped, "seconds": round(time.time() - start, 1)}
        rows.append(row)
        print(", ".join(f"{k} {v:.5g}" if isinstance(v, float) else f"{k} {v}"
                        for k, v in row.items()), flush=True)
        if val["loss"] < best:
            best = val["loss"]
            save_checkpoint(out, args.model, model, preset["spectrogram"],
                            preprocessing(preset), training_record(args, preset, row),
                            half=preset["half"])
        if on_epoch is not None:
            on_epoch(row)
    write_log(rows, out)
    if not math.isfinite(best):
        raise ValueError(f"No epoch reached a finite validation loss, so no checkpoint was "
                         f"written (the log is in {out.with_suffix('.csv').name})")
    return rows[-1]


def apply_overrides(preset: dict, assignments: list[str], kind: str) -> dict:
    """`KEY=VALUE` settings over a preset; `model.KEY` reaches into the model config.

    Values are Python literals (`false` and `true` too); anything else stays a string:
    `--set features=fixed_db --set model.skips=false --set loss=l1`.
    """
    preset = dict(preset, model=dict(preset["model"]))
    model_keys = [f.name for f in fields(MODELS[kind][0])]
    for item in assignments:
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


def initial_weights(path: str, kind: str, preset: dict) -> torch.nn.Module:
    """The model of a checkpoint to start from; it must match the preset's model."""
    start = load_checkpoint(path)
    if start.kind != kind or asdict(start.model.config) != asdict(build_model(
            kind, preset["model"]).config):
        raise ValueError(f"{path} holds a different model ({start.kind}, "
                         f"{asdict(start.model.config)}); cannot start from it")
    return start.model


def preprocessing(preset) -> dict:
    return {"features": preset["features"], "clip_seconds": preset["seconds"],
            "concat": preset["concat"]}


def training_record(args, preset, row) -> dict:
    """How the checkpoint was made, without paths of this machine."""
    hidden = {str(args.data): "$AUDIODEMO_FSDD", str(args.out): _portable(Path(args.out))}
    argv = [hidden.get(a, a) for a in args.argv]
    data = "FSDD v1.0.9, official train takes 5-49 less validation takes 5-7"
    if args.held_out_speaker:
        data = f"FSDD v1.0.9, all speakers but {args.held_out_speaker}, less takes 5-7"
    return {
        "command": "python -m audiodemo.train " + shlex.join(argv),
        "data": data, "preset": args.preset, "seed": args.seed,
        "epochs": preset["epochs"], "best_epoch": row["epoch"],
        "noise": {k: v for k, v in preset["noise_mix"].items()},
        "snr_range_db": list(preset["snr_range"]), "lr": preset["lr"],
        "batch_size": preset["batch_size"], "loss": preset.get("loss"),
        "overrides": list(args.set), "initialised_from": args.init and Path(args.init).name,
        "metrics": {k: v for k, v in row.items() if k.startswith("val_")},
        "date": datetime.date.today().isoformat(),
    }


def _portable(path: Path) -> str:
    """A path as the record may show it: relative to here, or just its name."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return f".../{path.name}"


def write_log(rows: list[dict], out: Path) -> None:
    log = out.with_suffix(".csv")
    with open(log, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    save_curve(rows, out.with_suffix(".png"))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Train a denoising autoencoder on FSDD.")
    p.add_argument("model", choices=sorted(PRESETS), help="dcae, vae (the paper's) or unet (ours)")
    p.add_argument("--data", default=None, help=f"FSDD folder (default: ${FSDD_ENV})")
    p.add_argument("--preset", default="default", help="tiny, paper or default")
    p.add_argument("--out", default=None, help="checkpoint path (default: checkpoints/MODEL.pt)")
    p.add_argument("--epochs", type=int, default=None, help="override the preset's epochs")
    p.add_argument("--lr", type=float, default=None, help="override the learning rate")
    p.add_argument("--batch-size", type=int, default=None, help="override the batch size")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a preset entry, e.g. loss=l1 or model.skips=false")
    p.add_argument("--init", default=None, help="start from this checkpoint's weights")
    p.add_argument("--held-out-speaker", default=None, help="leave this speaker out entirely")
    p.add_argument("--seed", type=int, default=0, help="seeds weights, data order and noise")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    args = p.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    args.out = args.out or f"checkpoints/{args.model}.pt"
    return args


def main(argv=None) -> None:
    try:
        train(parse_args(argv))
    except ValueError as err:  # bad data path, preset, override or checkpoint: one line
        sys.exit(f"error: {err}")


if __name__ == "__main__":
    main()
