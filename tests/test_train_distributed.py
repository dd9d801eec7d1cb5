"""Training with two processes (`torchrun`, DDP over gloo on this CPU): both ranks end with the
same weights, and rank 0 alone writes the checkpoint, its log and its curve."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys

import pytest

from audiodemo.checkpoint import load_checkpoint
from audiodemo.train.distributed import weights_digest


# both have batch norm; the VAE samples too. With one epoch the checkpoint holds the last
# weights; with two, batch-norm statistics must be shared between epochs.
@pytest.mark.parametrize(("kind", "epochs"), [("unet", 1), ("vae", 2)])
def test_two_processes_train_one_model_and_rank_0_alone_writes_it(kind, epochs, fake_fsdd,
                                                                  tmp_path):
    out = tmp_path / f"{kind}.pt"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc_per_node", "2", "-m", "audiodemo.train", kind, "--preset", "tiny",
               "--data", str(fake_fsdd), "--out", str(out), "--set", f"epochs={epochs}", "--quiet"]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    digests = dict(re.findall(r"\[rank (\d)/2\] weights sha256 ([0-9a-f]{64})", done.stdout))
    assert set(digests) == {"0", "1"} and digests["0"] == digests["1"], done.stdout
    writers = re.findall(r"\[rank (\d)/2\] wrote ", done.stdout)
    assert writers and set(writers) == {"0"}, done.stdout
    loaded = load_checkpoint(out)
    rows = list(csv.DictReader(open(out.with_suffix(".csv"))))
    assert [r["epoch"] for r in rows] == [str(e + 1) for e in range(epochs)]  # one log
    assert loaded.training["processes"] == 2
    if epochs == 1:  # the saved weights are the last ones
        assert weights_digest(loaded.model) == digests["0"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{kind}.{s}" for s in
                                                         ("csv", "png", "pt")]
