"""`python -m audiodemo.train KIND --out PATH ...`: train a model, write its checkpoint.

    python -m audiodemo.train unet --preset default --data $AUDIODEMO_FSDD --out runs/ours.pt
    python -m audiodemo.train vae --preset paper --out runs/vae.pt --set epochs=10
    python -m audiodemo.train melody --preset default --data essenFolksong/erk --out runs/m.pt
    python -m audiodemo.train melody_transformer --out runs/melody_transformer.pt
    python -m audiodemo.train dcae --preset tiny --out /tmp/tiny.pt   # seconds, for tests
    torchrun --standalone --nproc_per_node 2 -m audiodemo.train unet --out runs/ours.pt

KIND is dcae or vae (the paper's), unet (ours), gtcrn (wideband), melody (the LSTM) or
melody_transformer; the presets of each are in `audiodemo.train.PRESETS`. Writes the
checkpoint (the best epoch by validation loss), a CSV log and a loss-curve PNG beside it,
and after each epoch the state `--resume` goes on from (deleted when the run ends).
Replacing a shipped checkpoint needs `--overwrite`.
"""

from __future__ import annotations

import argparse
import sys

from audiodemo.paths import FSDD_ENV
from audiodemo.train import PRESETS, train


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m audiodemo.train",
                                description="Train a model and write its checkpoint.")
    p.add_argument("kind", choices=sorted(PRESETS),
                   help="dcae, vae (the paper's), unet (ours), gtcrn, melody (the LSTM) or "
                        "melody_transformer")
    p.add_argument("--out", required=True, help="the checkpoint to write")
    p.add_argument("--preset", default="default",
                   help="tiny, paper or default (latent, latent_tiny: dcae and vae)")
    p.add_argument("--data", default=None,
                   help=f"FSDD folder (default ${FSDD_ENV}); for the melody kinds a folder or "
                        f"music21 corpus prefix (default essenFolksong/erk)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a preset entry, e.g. epochs=5, loss=l1, model.skips=false")
    p.add_argument("--epochs", type=int, default=None, help="the same as --set epochs=N")
    p.add_argument("--lr", type=float, default=None, help="the same as --set lr=X")
    p.add_argument("--batch-size", type=int, default=None, help="the same as --set batch_size=N")
    p.add_argument("--init", default=None, help="start from this checkpoint's weights")
    p.add_argument("--held-out-speaker", default=None, help="denoisers: leave this FSDD "
                                                             "speaker out entirely")
    p.add_argument("--seed", type=int, default=0,
                   help="seeds weights, data order and noise (and the melody's song split)")
    p.add_argument("--resume", action="store_true", help="go on from the last epoch's state")
    p.add_argument("--overwrite", action="store_true", help="allow replacing a shipped file")
    p.add_argument("--threads", type=int, default=0,
                   help="torch CPU threads per process (0: the cores shared among processes)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    args = p.parse_args(argv)
    for key in ("epochs", "lr", "batch_size"):
        if getattr(args, key) is not None:
            args.set.append(f"{key}={getattr(args, key)!r}")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        train(args.kind, args.preset, out=args.out, data=args.data, settings=args.set,
              seed=args.seed, init=args.init, held_out_speaker=args.held_out_speaker,
              resume=args.resume, overwrite=args.overwrite, quiet=args.quiet,
              threads=args.threads)
    except ValueError as err:  # bad data path, preset, setting or checkpoint: one line
        sys.exit(f"error: {err}")


if __name__ == "__main__":
    main()
