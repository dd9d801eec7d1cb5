"""Rewrite format 1 checkpoints as format 2, the weights untouched (issue 14, run once).

    python scripts/upgrade_checkpoints.py checkpoints/*.pt

Each file is read, upgraded (`audiodemo.checkpoint.upgraded`) and written back only if
every tensor of the new file equals the old one, dtype included.
"""

from __future__ import annotations

import sys

import torch

from audiodemo.checkpoint import read_checkpoint, read_safely, save_atomically


def main(paths: list[str]) -> int:
    for path in paths:
        old = read_safely(path)
        if old.get("format_version") != 1:
            print(f"{path}: format {old.get('format_version')}, left as it is")
            continue
        new = read_checkpoint(path)
        save_atomically(new, path)
        again = read_safely(path)["state_dict"]
        same = old["state_dict"].keys() == again.keys() and all(
            v.dtype == again[k].dtype and torch.equal(v, again[k])
            for k, v in old["state_dict"].items())
        if not same:
            save_atomically(old, path)
            raise SystemExit(f"{path}: the weights changed on rewriting; restored format 1")
        print(f"{path}: format 1 -> 2, {len(again)} tensors identical")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
