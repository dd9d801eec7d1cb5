"""Continue a seed with the melody LSTM: temperature sampling, reproducible, in bars.

The seed is read in the model's key (C major or A minor); `transpose_symbols` moves a result
to any key afterwards. Sampling divides the logits by the temperature and subtracts their
maximum before the exponent (a stable softmax), so any temperature above zero works.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from audiodemo.melody.model import MelodyModel
from audiodemo.melody.symbols import END, HIGHEST, LOWEST, is_onset

MAX_BARS = 64
KEYS = ("C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B")
# minor keys spelled as musicians write them: D♭ minor (8 flats) is C♯ minor, and so on
MINOR_SPELLING = {"Db": "c#", "Gb": "f#", "Ab": "g#"}


def key_name(key: str, minor: bool) -> str:
    """music21's name of the key: "G" (major) or "e" (minor)."""
    return MINOR_SPELLING.get(key, key.lower()) if minor else key
_KEY_SEMITONES = {"C": 0, "C#": 1, "Db": 1, "D": 2, "Eb": 3, "E": 4, "F": 5, "F#": 6, "Gb": 6,
                  "G": 7, "Ab": 8, "A": 9, "Bb": 10, "B": 11}


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


def sample_next(logits: torch.Tensor, temperature: float, rng: np.random.Generator) -> int:
    """One id from `logits / temperature` with a numerically stable softmax."""
    scaled = logits.double() / temperature
    p = torch.softmax(scaled - scaled.max(), dim=-1).numpy()
    return int(rng.choice(len(p), p=p / p.sum()))


@torch.no_grad()
def continue_melody(model: MelodyModel, seed: list[str], bars: int, temperature: float,
                    steps_per_bar: int = 16, pickup: int = 0,
                    random_seed: int = 0) -> Melody:
    """Sample `bars` bars after the seed, stopping early if the model ends the song."""
    if not 1 <= int(bars) <= MAX_BARS:
        raise ValueError(f"Bars must be between 1 and {MAX_BARS}, got {bars}")
    temperature = check_temperature(temperature)
    rng = np.random.default_rng(int(random_seed))
    ids = [model.vocab.index[END], *model.vocab.encode(seed)]
    bar, pick = torch.tensor([steps_per_bar]), torch.tensor([pickup])
    logits, state = model.net(torch.tensor([ids]), bar, pick)
    out: list[int] = []
    for _ in range(int(bars) * steps_per_bar):
        nxt = sample_next(logits[0, -1], temperature, rng)
        if model.vocab.symbols[nxt] == END:
            return Melody(seed, model.vocab.decode(out), ended=True)
        out.append(nxt)
        ids.append(nxt)
        hidden, state = model.net.lstm(model.net.next_features(ids, steps_per_bar, pickup),
                                       state)
        logits = model.net.head(hidden)
    return Melody(seed, model.vocab.decode(out), ended=False)


def transpose_symbols(symbols: list[str], key: str, minor: bool = False) -> list[str]:
    """Move a melody from C major to `key` major, or from A minor to `key` minor (the tonic
    is `key` either way), the nearer way; notes leaving the piano's range move an octave."""
    if key not in _KEY_SEMITONES:
        raise ValueError(f"Key must be one of {KEYS}, got {key!r}")
    shift = _KEY_SEMITONES[key] - (9 if minor else 0)
    shift = (shift + 6) % 12 - 6  # -6 .. 5
    out = []
    for s in symbols:
        if is_onset(s):
            p = int(s) + shift
            p += 12 if p < LOWEST else -12 if p > HIGHEST else 0
            out.append(str(p))
        else:
            out.append(s)
    return out
