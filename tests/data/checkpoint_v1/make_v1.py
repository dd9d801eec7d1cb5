"""Tiny v1 checkpoints and their outputs, written by the v1 code at commit 1795d5d (kept to
show how the fixture was made; it no longer runs: v1 writers are gone).

    PYTHONPATH=. python tests/data/checkpoint_v1/make_v1.py
"""

from pathlib import Path

import numpy as np
import torch

from audiodemo.checkpoint import save_checkpoint
from audiodemo.denoise.presets import OURS_SPEC, PAPER_SPEC
from audiodemo.melody.model import MelodyConfig, MelodyLSTM, save_melody
from audiodemo.melody.vocab import Vocabulary
from audiodemo.models import build_model

out = Path("tests/data/checkpoint_v1")
torch.manual_seed(0)
arrays = {}
cases = {
    "unet": (dict(n_freqs=129, channels=(4, 8), dilations=(1, 2)), OURS_SPEC, False, 129),
    "dcae": (dict(filters=(4, 2), latent_dim=8, variational=False), PAPER_SPEC, True, 257),
    "vae": (dict(filters=(4, 2), latent_dim=8, variational=True), PAPER_SPEC, False, 257),
}
for kind, (config, spec, half, f) in cases.items():
    model = build_model(kind, config).eval()
    for p in model.buffers():  # batch-norm statistics other than the defaults
        if p.is_floating_point():
            p.add_(torch.rand_like(p) * 0.1)
    save_checkpoint(
        out / f"{kind}.pt",
        kind,
        model,
        spec,
        {
            "features": "mask" if kind == "unet" else "minmax_db",
            "clip_seconds": 0.55,
            "concat": False,
        },
        {"command": "fixture"},
        half,
    )
    from audiodemo.checkpoint import load_checkpoint

    loaded = load_checkpoint(out / f"{kind}.pt").model
    x = torch.rand(1, 1, f, 48, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        y = loaded(x)
    arrays[f"{kind}_x"] = x.numpy()
    arrays[f"{kind}_y"] = (y[0] if isinstance(y, tuple) else y).numpy()
vocab = Vocabulary.default()
net = MelodyLSTM(MelodyConfig(hidden=8, max_bar=16, context=True, embedding=6), len(vocab)).eval()
save_melody(out / "melody.pt", net, vocab, {"command": "fixture"})
ids = torch.tensor([[0, 5, 1, 7, 1, 9, 1, 1, 3]])
with torch.no_grad():
    logits, _ = net(ids, torch.tensor([4]), torch.tensor([0]))
arrays["melody_ids"] = ids.numpy()
arrays["melody_y"] = logits.numpy()
np.savez(out / "outputs.npz", **arrays)
