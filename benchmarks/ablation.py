"""Ablations of ours: what each design choice is worth, measured on waves.

    python -m benchmarks.ablation --data ../shared/data/fsdd --epochs 4 --out-dir runs/ablation

Trains one model per variant with `python -m audiodemo.train unet --preset default` for the
same short budget and seed (from scratch, so the variants compare with each other, not with the
shipped model), then scores each on the denoising benchmark's white-noise strings (speaker
theo's test takes, 0 / 5 / 10 dB). Each variant changes one thing from ours:

- **no skips**: the same encoder and decoder without skip connections (a plain autoencoder);
- **magnitude output**: predicts the clean dB spectrogram instead of a mask;
- **L1 only**: the compressed-magnitude L1 without the SI-SDR term;
- **paper loss**: MSE of [0, 1]-scaled dB spectrograms, the paper's measure.

A variant's checkpoint already in `--out-dir` for the same epochs and seed (they are in its
file name) is scored, not retrained, so a run resumes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from audiodemo import fsdd
from audiodemo.denoise.denoiser import Denoiser
from audiodemo.paths import FSDD_ENV
from audiodemo.train import train
from benchmarks.denoise import as_system, baselines, digit_strings, markdown, score

VARIANTS = {
    "ours (mask, skips, L1 + SI-SDR)": [],
    "no skips": ["model.skips=false"],
    "magnitude output": ["features=fixed_db"],
    "L1 only": ["loss=l1"],
    "paper loss (MSE of scaled dB)": ["loss=mse_db"],
}


def slug(name: str) -> str:
    return name.split(" (")[0].replace(" ", "_")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=None, help=f"FSDD folder (default ${FSDD_ENV})")
    p.add_argument("--epochs", type=int, default=4, help="epochs of 100 steps per variant")
    p.add_argument("--out-dir", default="runs/ablation", help="where the variants are saved")
    p.add_argument("--strings", type=int, default=10, help="test strings (max 10)")
    p.add_argument("--threads", type=int, default=1, help="torch threads")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    out_dir = Path(args.out_dir)
    systems, minutes = {}, {}
    for name, overrides in VARIANTS.items():
        path = out_dir / f"{slug(name)}-e{args.epochs}-s{args.seed}.pt"
        if not path.exists():
            start = time.time()
            settings = [f"epochs={args.epochs}", *overrides]
            print(f"# training {name}: {' '.join(settings)}", file=sys.stderr, flush=True)
            train("unet", "default", out=path, data=args.data, settings=settings,
                  seed=args.seed, threads=args.threads, quiet=True)
            minutes[name] = (time.time() - start) / 60
        systems[name] = as_system(Denoiser.from_checkpoint(path))
    strings = digit_strings(fsdd.list_recordings(args.data), "theo", args.strings)
    base = baselines()
    table = score({"noisy input": base["noisy input"], **systems}, strings)
    print(f"## Ablations: {args.epochs} epochs of 100 steps each, white noise, speaker theo "
          f"({len(strings)} strings)\n")
    print(markdown(table))
    if minutes:
        print("\nTraining minutes: " + ", ".join(f"{k} {v:.0f}" for k, v in minutes.items()))


if __name__ == "__main__":
    main()
