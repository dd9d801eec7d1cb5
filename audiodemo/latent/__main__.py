"""The latent command line: `python -m audiodemo.latent encode|bundle ...`.

    python -m audiodemo.latent encode --model latent_vae --data PATH --out FILE.npz
    python -m audiodemo.latent bundle --data PATH --out assets/fsdd_test.npz

`encode` writes the latent means of every FSDD recording with its labels (arrays `z`,
`digit`, `speaker`, `take`, `split`, `file`); a model with more than two latent dimensions is
projected to the plane (PCA by default, `--projection tsne` as an option) and the file says
which. `bundle` packs the official test recordings as int16 audio, so the app can play the
recording behind a point without the dataset.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from audiodemo.checkpoint import load_checkpoint, shipped_checkpoint
from audiodemo.latent.bundle import bundle_test_audio
from audiodemo.latent.codes import PROJECTIONS, encode_fsdd, latent_stats
from audiodemo.paths import FSDD_ENV


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit status."""
    p = argparse.ArgumentParser(prog="python -m audiodemo.latent",
                                description="Encode FSDD into a latent space, or bundle audio.")
    sub = p.add_subparsers(dest="command", required=True)
    enc = sub.add_parser("encode", help="latent means of every recording, with labels")
    enc.add_argument("--model", required=True, help="checkpoint name in checkpoints/ or a path")
    enc.add_argument("--data", default=None, help=f"FSDD folder (default ${FSDD_ENV})")
    enc.add_argument("--out", required=True, help="the .npz file to write")
    enc.add_argument("--projection", choices=PROJECTIONS, default="pca",
                     help="for models with more than 2 latent dimensions")
    bun = sub.add_parser("bundle", help="pack the test recordings as int16 audio")
    bun.add_argument("--data", default=None, help=f"FSDD folder (default ${FSDD_ENV})")
    bun.add_argument("--out", required=True, help="the .npz file to write")
    args = p.parse_args(argv)
    try:
        if args.command == "bundle":
            print(f"{bundle_test_audio(args.data, args.out)} recordings -> {args.out}")
            return 0
        path = shipped_checkpoint(args.model)
        codes = encode_fsdd(load_checkpoint(path), args.data, args.projection, path.stem)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    codes.save(args.out)
    stats = latent_stats(codes.z[codes.split == "test"])
    print(f"{len(codes.z)} recordings -> {args.out} (projection {codes.projection}); test "
          f"split: mean {np.round(stats['mean'], 2).tolist()}, std "
          f"{np.round(stats['std'], 2).tolist()}, coverage {stats['coverage']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
