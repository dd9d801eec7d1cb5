"""Fitting the bar-repeat head (`audiodemo.melody.repeats`) to a next-symbol model, and
saving it as its own checkpoint (kind "melody_repeats", a few kB) beside the model's.

The head is fitted on the *validation* songs of the split the model trained on: on its
training songs the model's chances are too good (it has learned those bars), so a head
fitted there would trust "new" more than held-out songs warrant. The likelihood is exact:
for each whole bar k >= 1 of a song, log Σ_z P(z) · P(bar | z), where P(bar | new) is the
model's chance of the bar's symbols (teacher forcing) and P(bar | copy d) is the model's
chance of not ending the song within the bar if bar k - d is the same bar, else 0. Twelve
weights and a bias, by Adam over all bars at once.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

import numpy as np
import torch

from audiodemo.checkpoint import save_checkpoint
from audiodemo.melody.corpus import Song
from audiodemo.melody.evaluate import song_ids
from audiodemo.melody.form import bars_of, first_downbeat
from audiodemo.melody.model import MelodyModel
from audiodemo.melody.repeats import (
    END_ID,
    MAX_BACK,
    RepeatConfig,
    RepeatHead,
    copy_features,
)


@dataclass
class BarTerms:
    """What the likelihood needs of N whole bars: features `(N, D, F)`, which copies exist
    and which match the bar `(N, D)`, the model's log chance of each bar `(N,)`, and its
    log chance of not ending the song within it `(N,)` (what a copy of it is worth)."""

    features: torch.Tensor
    exists: torch.Tensor
    matches: torch.Tensor
    log_new: torch.Tensor
    log_going_on: torch.Tensor


def bar_terms(model: MelodyModel, songs: list[Song]) -> BarTerms:
    """The `BarTerms` of every whole bar after the first of every song."""
    features, exists, matches, log_new, log_going_on = [], [], [], [], []
    for song in songs:
        ids = song_ids(song, model.vocab)
        targets = np.asarray(ids[1:-1])  # the song's symbols
        probs = model.without_repeats().distributions(ids, song)
        logs = np.log(np.maximum(probs[np.arange(len(targets)), targets], 1e-300))
        going_on = np.log1p(-probs[: len(targets), END_ID])
        bars = bars_of(list(targets), song.steps_per_bar, song.pickup)
        start = first_downbeat(song.steps_per_bar, song.pickup)
        for k in range(1, len(bars)):
            t = start + k * song.steps_per_bar
            back = min(k, MAX_BACK)
            features.append(copy_features(bars, k))
            exists.append(np.arange(1, MAX_BACK + 1) <= back)
            matches.append([d <= back and bars[k] == bars[k - d] for d in range(1, MAX_BACK + 1)])
            log_new.append(logs[t : t + song.steps_per_bar].sum())
            log_going_on.append(going_on[t : t + song.steps_per_bar].sum())
    return BarTerms(*(torch.tensor(np.array(x)) for x in
                      (features, exists, matches, log_new, log_going_on)))


def log_likelihood(head: RepeatHead, terms: BarTerms) -> torch.Tensor:
    """Mean log chance of the bars under the mixture (nats per bar)."""
    log_w = head.log_chances(terms.features, terms.exists)
    copies = (log_w[:, 1:] + terms.log_going_on[:, None].float()).masked_fill(~terms.matches,
                                                                               -torch.inf)
    both = torch.cat([log_w[:, :1] + terms.log_new[:, None].float(), copies], dim=1)
    return torch.logsumexp(both, dim=1).mean()


def fit(terms: BarTerms, steps: int = 500, l2: float = 1e-3, seed: int = 0) -> RepeatHead:
    """The head maximising `log_likelihood` on `terms`, less a little L2 on the weights."""
    torch.manual_seed(seed)
    head = RepeatHead(RepeatConfig())
    opt = torch.optim.Adam(head.parameters(), lr=0.05)
    for _ in range(steps):
        opt.zero_grad()
        loss = -log_likelihood(head, terms) + l2 * head.weights.pow(2).sum()
        loss.backward()
        opt.step()
    return head.eval()


def save_repeats(path: str | os.PathLike, head: RepeatHead, base: str, model: MelodyModel,
                 songs: int, bars: int, per_bar: float, command: str) -> None:
    """The head as a checkpoint of kind "melody_repeats", naming the model it was fitted to
    (`base`, a file name in `checkpoints/` or a path)."""
    save_checkpoint(path, "melody_repeats", head, {"base": base}, {
        "command": command, "base": base, "split_seed": model.training.get("split_seed"),
        "fitted_on": f"{songs} validation songs ({bars} bars) of the model's split",
        "log_likelihood_per_bar": per_bar,
        "date": datetime.date.today().isoformat(),
    })
