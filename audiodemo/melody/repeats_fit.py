"""Fitting the bar-repeat head (`audiodemo.melody.repeats`) to a next-symbol model, and
saving it as its own checkpoint (kind "melody_repeats", a few kB) beside the model's.

The head is fitted on the *validation* songs of the split the model trained on: on its
training songs the model's chances are too good (it has learned those bars), so a head
fitted there would trust "new" more than held-out songs warrant. The likelihood is exact:
for each whole bar k >= 1 of a song, log Σ_z P(z) · P(bar | z), where P(bar | new) is the
model's chance of the bar's symbols (teacher forcing) and P(bar | copy d) the product over
its steps of λ · [the symbol is bar k - d's] · (the model's chance of not ending there)
+ (1 - λ) · (the model's chance of the symbol). Twelve weights, a bias and λ, by Adam over
all bars at once.
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
from audiodemo.melody.repeats import MAX_BACK, RepeatConfig, RepeatHead, copy_features
from audiodemo.melody.symbols import END


@dataclass
class BarTerms:
    """What the likelihood needs of N whole bars of up to L steps: features `(N, D, F)` and
    which copies exist `(N, D)`; per step, the model's log chance of the bar's symbol and of
    not ending the song there `(N, L)`, which steps are in the bar `(N, L)`, and where copy
    d has the same symbol `(N, D, L)`."""

    features: torch.Tensor
    exists: torch.Tensor
    log_p: torch.Tensor
    log_going_on: torch.Tensor
    steps: torch.Tensor
    hits: torch.Tensor


def bar_terms(model: MelodyModel, songs: list[Song]) -> BarTerms:
    """The `BarTerms` of every whole bar after the first of every song."""
    rows = []
    longest = max(song.steps_per_bar for song in songs)
    for song in songs:
        ids = song_ids(song, model.vocab)
        targets = np.asarray(ids[1:-1])  # the song's symbols
        probs = model.without_repeats().distributions(ids, song)
        logs = np.log(np.maximum(probs[np.arange(len(targets)), targets], 1e-300))
        going_on = np.log1p(-probs[: len(targets), model.vocab.index[END]])
        bar = song.steps_per_bar
        bars = bars_of(list(targets), bar, song.pickup)
        start = first_downbeat(bar, song.pickup)
        for k in range(1, len(bars)):
            t = start + k * bar
            hits = np.zeros((MAX_BACK, longest), bool)
            for d in range(1, min(k, MAX_BACK) + 1):
                hits[d - 1, :bar] = np.equal(bars[k], bars[k - d])
            pad = (0, longest - bar)
            rows.append((copy_features(bars, k), np.arange(1, MAX_BACK + 1) <= min(k, MAX_BACK),
                         np.pad(logs[t : t + bar], pad), np.pad(going_on[t : t + bar], pad),
                         np.arange(longest) < bar, hits))
    return BarTerms(*(torch.tensor(np.array(column)) for column in zip(*rows, strict=True)))


def log_likelihood(head: RepeatHead, terms: BarTerms) -> torch.Tensor:
    """Mean log chance of the bars under the mixture (nats per bar)."""
    log_w = head.log_chances(terms.features, terms.exists)
    log_p, steps = terms.log_p.float()[:, None], terms.steps[:, None]
    from_bar = torch.where(terms.hits, terms.log_going_on.float()[:, None], -torch.inf)
    keep = torch.nn.functional.logsigmoid(head.keep)
    vary = torch.nn.functional.logsigmoid(-head.keep)
    per_step = torch.logaddexp(keep + from_bar, vary + log_p).masked_fill(~steps, 0.0)
    new = log_w[:, :1] + terms.log_p.float().sum(dim=1, keepdim=True)
    return torch.logsumexp(torch.cat([new, log_w[:, 1:] + per_step.sum(dim=2)], dim=1),
                           dim=1).mean()


def fit(terms: BarTerms, steps: int = 500, l2: float = 1e-3) -> RepeatHead:
    """The head maximising `log_likelihood` on `terms`, less a little L2 on the weights
    (deterministic: the head starts from fixed values)."""
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
        "log_likelihood_per_bar": per_bar, "kept": head.kept(),
        "date": datetime.date.today().isoformat(),
    })
