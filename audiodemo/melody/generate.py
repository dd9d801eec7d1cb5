"""Continue a seed with a melody model (the LSTM or the transformer): temperature sampling,
reproducible, in bars.

The seed is read in the model's key (C major or A minor); `transpose_symbols` moves a result
to any key afterwards, and `generate_variations` draws several continuations, each moved to a key
(what the Melody tab and `python -m audiodemo.melody generate` both write). Sampling divides
the logits by the temperature and subtracts their maximum before the exponent (a stable
softmax), so any temperature above zero works.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch

from audiodemo.melody.keys import SEMITONES, shift_to
from audiodemo.melody.model import MelodyModel
from audiodemo.melody.repeats import BarChoice
from audiodemo.melody.symbols import END, HIGHEST, LOWEST, is_onset

MAX_BARS = 64
KEYS = ("C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B")
# minor keys spelled as musicians write them: D♭ minor (8 flats) is C♯ minor, and so on
MINOR_SPELLING = {"Db": "c#", "Gb": "f#", "Ab": "g#"}


def key_name(key: str, minor: bool) -> str:
    """music21's name of the key: "G" (major) or "e" (minor)."""
    return MINOR_SPELLING.get(key, key.lower()) if minor else key


@dataclass
class Melody:
    """A generated melody: the seed's symbols, then the continuation."""

    seed: list[str]
    continuation: list[str]
    ended: bool  # the model chose to end the song before the length ran out

    @property
    def symbols(self) -> list[str]:
        """Seed and continuation."""
        return self.seed + self.continuation


def check_temperature(temperature: float) -> float:
    """The temperature as a float; `ValueError` unless 0 < T <= 10."""
    temperature = float(temperature)
    if not np.isfinite(temperature) or temperature <= 0 or temperature > 10:
        raise ValueError(f"Temperature must be above 0 and at most 10, got {temperature}")
    return temperature


def tempered(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """Probabilities of `logits / temperature` along the last axis, in float64, with the
    maximum subtracted before the exponent (a stable softmax)."""
    scaled = logits.double() / temperature
    return torch.softmax(scaled - scaled.max(dim=-1, keepdim=True).values, dim=-1)


def draw(p: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """One index per row of probabilities `p` `(K, V)` (rows need not sum to one)."""
    cdf = p.cumsum(dim=-1)
    u = torch.from_numpy(rng.random(len(p))) * cdf[:, -1]
    return (cdf < u[:, None]).sum(dim=-1).clamp_max(p.shape[-1] - 1)


CANDIDATES = 32  # melodies written at once when the melody must end in its last bar


@torch.no_grad()
def continue_melody(model: MelodyModel, seed: list[str], bars: int, temperature: float,
                    steps_per_bar: int = 16, pickup: int = 0, random_seed: int = 0,
                    end_in_last_bar: bool = False, candidates: int = CANDIDATES,
                    avoid=None, ending_power: float = 1.0) -> Melody:
    """Sample the rest of the seed's bar and `bars` bars more (so the melody stops at a bar
    line; `pickup` is where the seed starts in its bar).

    Freely (`end_in_last_bar=False`) the model may end the song early, or is cut off at the
    length, often mid-phrase. With `end_in_last_bar`, the melody ends where the model would
    end a song, somewhere in the last bar: `candidates` continuations are sampled without
    the end symbol, and one of them, with an end point in its last bar, is kept with
    probability proportional to its importance weight, the chance of ending there times
    the chance of not having ended before. This samples (approximately, by self-normalised
    importance sampling) from the model's songs that end in that bar, so cadences come
    from the model rather than from a rule. `avoid(symbols)`, if given, sets aside drafts
    for which it is true (say, those copying a training song), unless it is true of all.
    `ending_power` raises those weights to a power before the choice: 1 is the model's own
    endings; higher keeps the drafts and places it is surer of (a benchmark's question).
    A model with a bar-repeat head (`model.repeats`) is sampled from its mixture, the
    temperature applied to the model's own chances (`audiodemo.melody.repeats.BarChoice`).
    """
    if not 1 <= int(bars) <= MAX_BARS:
        raise ValueError(f"Bars must be between 1 and {MAX_BARS}, got {bars}")
    temperature = check_temperature(temperature)
    rng = np.random.default_rng(int(random_seed))
    k = max(1, int(candidates)) if end_in_last_bar else 1
    steps = (-(pickup + len(seed))) % steps_per_bar + int(bars) * steps_per_bar
    end = model.vocab.index[END]
    ids = torch.tensor([[end, *model.vocab.encode(seed)]]).repeat(k, 1)
    bar, pick = torch.full((k,), steps_per_bar), torch.full((k,), pickup)
    length = torch.full((k,), len(seed) + steps)  # symbols, the last in the last bar
    logits, state = model.net(ids, bar, pick, length=length)
    choice = (None if model.repeats is None
              else BarChoice(model.repeats, k, steps_per_bar, pickup, end))
    end_chances = []  # [t]: (K,) chance that the song ends after t generated symbols
    for t in range(steps + 1):
        last = logits[:, -1]
        p = tempered(last, temperature)
        if choice is not None:  # the bar-repeat head's mixture (temperature: the model's)
            base, history = p.numpy(), ids[:, 1:].numpy()
            p = torch.from_numpy(choice.mix(len(seed) + t, history, base))
        end_chances.append(p[:, end])
        if t == steps:
            break
        if end_in_last_bar and choice is not None:
            p = p.index_fill(1, torch.tensor([end]), 0.0)
            if (p.sum(dim=1) <= 0).any():  # every chance but the end's underflowed
                p = torch.from_numpy(choice.mix(len(seed) + t, history, tempered(
                    last.index_fill(1, torch.tensor([end]), -torch.inf), temperature).numpy()))
        elif end_in_last_bar:  # ruled out in the logits, so no row underflows to zeros
            p = tempered(last.index_fill(1, torch.tensor([end]), -torch.inf), temperature)
        nxt = draw(p, rng)
        if choice is not None:
            choice.observe(len(seed) + t, nxt.numpy(), base)
        if not end_in_last_bar and int(nxt[0]) == end:
            return Melody(seed, model.vocab.decode(ids[0, len(seed) + 1 :]), ended=True)
        ids = torch.cat([ids, nxt[:, None]], dim=1)
        logits, state = model.net.step(
            model.net.features(ids, bar, pick, last_only=True, length=length), state)
    if not end_in_last_bar:
        return Melody(seed, model.vocab.decode(ids[0, len(seed) + 1 :]), ended=False)
    chance = torch.stack(end_chances, dim=1)  # (K, steps + 1)
    stay = torch.log1p(-chance.clamp_max(1 - 1e-12))
    log_weight = chance.log() + stay.cumsum(dim=1) - stay  # end at t, not before
    if avoid is not None:
        drafts = [model.vocab.decode(row[len(seed) + 1 :]) for row in ids]
        kept = torch.tensor([not avoid(d) for d in drafts])
        if kept.any():
            log_weight[~kept] = -torch.inf
    first = max(steps - steps_per_bar + 1, 1)  # at least one symbol in the last bar
    window = log_weight[:, first:].flatten()
    if not torch.isfinite(window.max()):  # every ending ruled out: the whole length
        return Melody(seed, model.vocab.decode(ids[0, len(seed) + 1 :]), ended=False)
    choice = int(draw(torch.exp(ending_power * (window - window.max()))[None], rng)[0])
    row, t = divmod(choice, log_weight.shape[1] - first)
    return Melody(seed, model.vocab.decode(ids[row, len(seed) + 1 : len(seed) + 1 + first + t]),
                  ended=True)


def shift_symbols(symbols: list[str], semitones: int) -> list[str]:
    """The melody `semitones` higher; notes leaving the piano's range move an octave."""
    out = []
    for s in symbols:
        if is_onset(s):
            p = int(s) + semitones
            p += 12 if p < LOWEST else -12 if p > HIGHEST else 0
            out.append(str(p))
        else:
            out.append(s)
    return out


def transpose_symbols(symbols: list[str], key: str, minor: bool = False) -> list[str]:
    """Move a melody from C major to `key` major, or from A minor to `key` minor (the tonic
    is `key` either way), the nearer way."""
    if key not in SEMITONES:
        raise ValueError(f"Key must be one of {KEYS}, got {key!r}")
    return shift_symbols(symbols, shift_to(key, minor))


@dataclass
class Variation:
    """One continuation of a seed, and its symbols (seed and continuation) moved to a key."""

    melody: Melody
    symbols: list[str]


def generate_variations(
    model: MelodyModel, seed: list[str], count: int, bars: int, temperature: float,
    key: str = "C", minor: bool = False, steps_per_bar: int = 16, pickup: int = 0,
    random_seed: int = 0, end_in_last_bar: bool = False, avoid=None,
    before: Callable[[int], None] | None = None,
) -> Iterator[Variation]:
    """`count` continuations of `seed` (see `continue_melody`), the k-th drawn with
    `random_seed + k`, each moved from C major / A minor to `key`; `before(k)`, if given, is
    called before the k-th is drawn (a caller's progress report)."""
    for k in range(count):
        if before is not None:
            before(k)
        melody = continue_melody(model, seed, bars, temperature, steps_per_bar, pickup,
                                 random_seed + k, end_in_last_bar, avoid=avoid)
        yield Variation(melody, transpose_symbols(melody.symbols, key, minor))
