"""Training the melody LSTM: whole songs, teacher forcing on every position, best by validation.

Presets: `tiny` (seconds, for tests), `paper` (one layer of 184 units on the current symbol
alone, as the paper), `default` (one layer of 320 units with lookback and context inputs,
dropout, 40 epochs on a cosine schedule).
Each epoch sees every training song once, in batches of songs padded to the longest; the
checkpoint keeps the epoch with the lowest validation NLL per symbol.
"""

from __future__ import annotations

import csv
import datetime
import math
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from audiodemo.melody.corpus import Song
from audiodemo.melody.evaluate import song_ids
from audiodemo.melody.model import MelodyConfig, MelodyLSTM, save_melody
from audiodemo.melody.vocab import Vocabulary

PRESETS = {
    "tiny": dict(config=dict(hidden=16, lookback=True), epochs=1, lr=0.01, batch_size=8,
                 max_songs=30),
    "paper": dict(config=dict(hidden=184, lookback=False), epochs=20, lr=0.002, batch_size=32,
                  max_songs=None),
    # ours: wider; lookbacks 1, 2, 4 and 8 bars back; the sounding note, its age and repeat
    # flags; dropout; a cosine schedule (see BENCHMARKS.md for what each step gave)
    "default": dict(config=dict(hidden=320, lookback=True, context=True, dropout=0.1,
                                lookback_bars=(1, 2, 4, 8), embedding=256),
                    epochs=40, lr=0.002, min_lr=0.0001, batch_size=32, max_songs=None),
}


def get_preset(name: str) -> dict:
    """A copy of a preset; `ValueError` naming the choices."""
    if name not in PRESETS:
        raise ValueError(f"No melody preset {name!r}; choose from {sorted(PRESETS)}")
    return dict(PRESETS[name])


def batch_tensors(songs: list[Song], vocab: Vocabulary):
    """Songs -> padded ids `(B, T + 1)`, a mask of real targets `(B, T)`, bars and pickups."""
    rows = [song_ids(s, vocab) for s in songs]
    width = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)  # padding: the end symbol, masked
    mask = torch.zeros(len(rows), width - 1, dtype=torch.bool)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row)
        mask[i, : len(row) - 1] = True
    bars = torch.tensor([s.steps_per_bar for s in songs])
    pickups = torch.tensor([s.pickup for s in songs])
    return ids, mask, bars, pickups


def mean_nll(net: MelodyLSTM, songs: list[Song], vocab: Vocabulary, batch_size: int = 64):
    """NLL per symbol (nats) of `songs` under `net`, batched."""
    net.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(songs), batch_size):
            ids, mask, bars, pickups = batch_tensors(songs[i : i + batch_size], vocab)
            logits, _ = net(ids[:, :-1], bars, pickups)
            loss = nn.functional.cross_entropy(logits[mask], ids[:, 1:][mask], reduction="sum")
            total, count = total + float(loss), count + int(mask.sum())
    net.train()
    return total / max(count, 1)


def train_melody(train: list[Song], validation: list[Song], preset: dict, out: Path,
                 seed: int = 0, record: dict | None = None, quiet: bool = False,
                 on_epoch=None) -> list[dict]:
    """Train, write the best checkpoint and a CSV log beside it; returns the log rows.
    `on_epoch(row)`, if given, sees each epoch's log row (and may stop training by raising)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    if preset.get("max_songs"):
        train = train[: preset["max_songs"]]
        validation = validation[: max(2, preset["max_songs"] // 5)]
    if not train or not validation:
        raise ValueError(f"Training needs songs to train and validate on; got {len(train)} and "
                         f"{len(validation)}")
    vocab = Vocabulary.default()
    net = MelodyLSTM(MelodyConfig(**preset["config"]), len(vocab))
    opt = torch.optim.Adam(net.parameters(), lr=preset["lr"])
    # the learning rate falls along a cosine to `min_lr` by the last epoch, where one is set
    schedule = (torch.optim.lr_scheduler.CosineAnnealingLR(opt, preset["epochs"],
                                                           preset["min_lr"])
                if preset.get("min_lr") is not None else None)
    rows, best = [], math.inf
    for epoch in range(1, preset["epochs"] + 1):
        start, losses = time.time(), []
        order = rng.permutation(len(train))
        for i in range(0, len(order), preset["batch_size"]):
            batch = [train[j] for j in order[i : i + preset["batch_size"]]]
            ids, mask, bars, pickups = batch_tensors(batch, vocab)
            logits, _ = net(ids[:, :-1], bars, pickups)
            loss = nn.functional.cross_entropy(logits[mask], ids[:, 1:][mask])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            losses.append(loss.item())
        if schedule is not None:
            schedule.step()
        val = mean_nll(net, validation, vocab)
        row = {"epoch": epoch, "train_nll": float(np.mean(losses)), "val_nll": val,
               "seconds": round(time.time() - start, 1)}
        rows.append(row)
        if not quiet:
            print(", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                            for k, v in row.items()), flush=True)
        if val < best:
            best = val
            save_melody(out, net, vocab, {**(record or {}), "best_epoch": epoch,
                                          "val_nll": val, "epochs": preset["epochs"],
                                          "seed": seed,
                                          "date": datetime.date.today().isoformat()})
        if on_epoch is not None:
            on_epoch(row)
    with open(Path(out).with_suffix(".csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    if not math.isfinite(best):
        raise ValueError("No epoch reached a finite validation NLL, so no checkpoint was written")
    return rows
