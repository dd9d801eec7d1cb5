"""Ablations of ours at 16 kHz (issue 15): what each design choice is worth, on held-out voices.

    python -m benchmarks.wideband_ablation --data ../shared/data/speechocean762 \
        --epochs 3 --steps 100 --out-dir runs/wideband_ablation

Trains one `gtcrn` model per variant for the same short budget and seed, from scratch (so the
variants compare with each other, not with the shipped model), then scores each on
`benchmarks.wideband`'s held-out speakers under ESC-10 fold 4 at 0, 5 and 10 dB (16 kHz).
Each variant changes one thing from ours:

- **real mask**: the mask's real part only, the noisy phase kept (a magnitude-style mask);
- **no SI-SDR term**: the loss without its SI-SDR part (compressed spectrum and magnitude);
- **no compression**: the network sees |X| rather than |X|^0.3;
- **half width**: 8 channels instead of 16.

A variant's checkpoint already in `--out-dir` for the same budget and seed (in its file name)
is scored, not retrained, so a run resumes. Needs `$AUDIODEMO_ESC10` (and `--data` or
`$AUDIODEMO_SPEECHOCEAN`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from audiodemo.denoise.denoiser import Denoiser
from audiodemo.denoise.fullband import denoise_recording
from audiodemo.train import train
from benchmarks.wideband import SNRS, markdown, mixtures, wideband_table

VARIANTS = {
    "ours (complex mask, hybrid loss, power 0.3, 16 channels)": [],
    "real mask": ["model.mask=real"],
    "no SI-SDR term": ["loss_weights=(30.0, 70.0, 0.0)"],
    "no compression": ["model.power=1.0"],
    "half width": ["model.channels=8"],
}


def slug(name: str) -> str:
    return name.split(" (")[0].replace(" ", "_").replace("-", "")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=None, help="speechocean762 folder")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--steps", type=int, default=100, help="steps of 8 examples per epoch")
    p.add_argument("--out-dir", default="runs/wideband_ablation")
    p.add_argument("--clips", type=int, default=1, help="utterances per validation speaker")
    p.add_argument("--threads", type=int, default=1, help="torch threads")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--only", nargs="*", default=None, help="train these variants only (slugs)")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    out_dir = Path(args.out_dir)
    found, minutes = {}, {}
    for name, overrides in VARIANTS.items():
        path = out_dir / f"{slug(name)}-e{args.epochs}x{args.steps}-s{args.seed}.pt"
        if args.only is not None and slug(name) not in args.only:
            continue
        if not path.exists():
            start = time.time()
            settings = [f"epochs={args.epochs}", f"steps_per_epoch={args.steps}", *overrides]
            print(f"# training {name}: {' '.join(settings)}", file=sys.stderr, flush=True)
            train("gtcrn", "default", out=path, data=args.data, settings=settings,
                  seed=args.seed, threads=args.threads, quiet=True)
            minutes[name] = (time.time() - start) / 60
        found[name] = lambda y, r, d=Denoiser.from_checkpoint(path): denoise_recording(d, y, r)
    mixes = mixtures(args.clips)
    print(f"## Ablations of ours at 16 kHz: {args.epochs} epochs of {args.steps} steps each, "
          f"seed {args.seed}; {len(mixes)} held-out utterances under ESC-10 fold 4\n")
    for snr in SNRS:
        table = wideband_table({"noisy input": lambda y, r: y, **found}, mixes, snr)
        print(f"### {snr} dB SNR\n\n{markdown(table)}\n")
    if minutes:
        print("Training minutes: " + ", ".join(f"{k} {v:.0f}" for k, v in minutes.items()))


if __name__ == "__main__":
    main()
