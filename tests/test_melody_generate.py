"""Generation: reproducible with a seed, valid symbols only, stable at any temperature."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from audiodemo.melody.generate import (
    check_temperature,
    continue_melody,
    draw,
    tempered,
    transpose_symbols,
)
from audiodemo.melody.model import MelodyConfig, MelodyLSTM, MelodyModel, countdown
from audiodemo.melody.symbols import decode_symbols
from audiodemo.melody.vocab import Vocabulary

VOCAB = Vocabulary.default()
SEED = ["60", "_", "62", "_", "64", "_", "65", "_"]


@pytest.fixture(scope="module")
def model() -> MelodyModel:
    torch.manual_seed(0)
    return MelodyModel(MelodyLSTM(MelodyConfig(hidden=8)).eval(), VOCAB, {})


def test_the_same_random_seed_gives_the_same_melody(model):
    a = continue_melody(model, SEED, 4, 1.0, random_seed=5)
    b = continue_melody(model, SEED, 4, 1.0, random_seed=5)
    c = continue_melody(model, SEED, 4, 1.0, random_seed=6)
    assert a.continuation == b.continuation and a.continuation != c.continuation


@pytest.mark.parametrize("temperature", [0.05, 0.7, 1.0, 3.0])
def test_every_generated_symbol_is_valid_and_the_length_is_bounded(model, temperature):
    melody = continue_melody(model, SEED, 2, temperature, steps_per_bar=12, random_seed=1)
    assert melody.symbols[:8] == SEED
    assert len(melody.continuation) <= 4 + 2 * 12  # the seed's bar filled, then two bars
    assert set(melody.continuation) <= set(VOCAB.symbols) - {"/"}
    decode_symbols(melody.symbols)  # raises on anything invalid


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), 11, "hot"])
def test_bad_temperatures_are_refused(value):
    with pytest.raises(ValueError):
        check_temperature(value)


@pytest.mark.parametrize("bars", [0, 10_000, -3])
def test_bad_lengths_are_refused(model, bars):
    with pytest.raises(ValueError, match="Bars must be between 1 and 64"):
        continue_melody(model, SEED, bars, 1.0)


def sample_next(logits, temperature, rng) -> int:
    return int(draw(tempered(logits[None], temperature), rng)[0])


def test_sampling_is_stable_for_huge_logits():
    rng = np.random.default_rng(0)
    logits = torch.tensor([1e30, 1e30 - 1, -1e30, 0.0])
    for temperature in (1e-3, 1.0, 10.0):
        assert sample_next(logits, temperature, rng) in (0, 1)
    assert all(sample_next(torch.tensor([0.0, 50.0, 0.0]), 0.01, rng) == 1 for _ in range(20))


def test_transposing_moves_every_note_and_keeps_holds_and_rests():
    # the nearer way: C to G is down a fourth, C to F up a fourth
    assert transpose_symbols(["60", "_", "r", "67"], "G") == ["55", "_", "r", "62"]
    assert transpose_symbols(["60", "67"], "F") == ["65", "72"]
    assert transpose_symbols(["57"], "E", minor=True) == ["52"]  # A minor to E minor
    assert transpose_symbols(["21"], "Bb") == ["31"]  # below the piano: an octave up
    with pytest.raises(ValueError, match="Key must be one of"):
        transpose_symbols(["60"], "H")


def test_a_melody_not_ended_by_the_model_stops_at_a_bar_line(model):
    for pickup in (0, 3):
        melody = continue_melody(model, SEED[:5], 2, 1.0, steps_per_bar=16, pickup=pickup,
                                 random_seed=0)
        if not melody.ended:
            assert (pickup + len(melody.symbols)) % 16 == 0


@pytest.mark.parametrize("temperature", [0.05, 1.0, 5.0])
def test_ending_in_the_last_bar_gives_valid_melodies_that_end_there(model, temperature):
    for random_seed in range(3):
        melody = continue_melody(model, SEED, 3, temperature, steps_per_bar=8,
                                 random_seed=random_seed, end_in_last_bar=True, candidates=8)
        assert melody.ended
        assert 2 * 8 < len(melody.continuation) <= 3 * 8
        assert set(melody.continuation) <= set(VOCAB.symbols) - {"/"}
        again = continue_melody(model, SEED, 3, temperature, steps_per_bar=8,
                                random_seed=random_seed, end_in_last_bar=True, candidates=8)
        assert again.continuation == melody.continuation


class _EndsAfterC(torch.nn.Module):
    """A stand-in net: C4 or D4 at random; after a C4 the song ends with chance 0.9."""

    def features(self, ids, bar_steps, pickup, last_only=False, length=None):
        return (ids[:, -1:] if last_only else ids)[..., None].float()

    def step(self, features, state=None):
        last = features[..., 0].long()
        logits = torch.full((*last.shape, len(VOCAB)), -torch.inf)
        logits[..., VOCAB.index["60"]] = logits[..., VOCAB.index["62"]] = 0.0
        logits[..., VOCAB.index["/"]] = torch.where(last == VOCAB.index["60"],
                                                     float(np.log(18.0)), -torch.inf)
        return logits, state

    def forward(self, ids, bar_steps, pickup, state=None, length=None):
        return self.step(self.features(ids, bar_steps, pickup), state)


def test_the_kept_ending_is_one_the_model_would_choose():
    stub = MelodyModel(_EndsAfterC(), VOCAB, {})
    endings = [continue_melody(stub, ["62"], 2, 1.0, steps_per_bar=4, random_seed=i,
                               end_in_last_bar=True, candidates=16).symbols[-1]
               for i in range(20)]
    assert endings.count("60") == 20  # no other ending has any chance under the model
    free = [continue_melody(stub, ["62"], 2, 1.0, steps_per_bar=4, random_seed=i)
            for i in range(20)]
    assert sum(m.ended for m in free) >= 10  # freely, most songs end at their first C4


class _EndsMoreAfterC(_EndsAfterC):
    """A stand-in net: C4 or D4 at random; the song ends with chance 0.5 after a C4 and 0.1
    after a D4."""

    def step(self, features, state=None):
        last = features[..., 0].long()
        logits = torch.full((*last.shape, len(VOCAB)), -torch.inf)
        logits[..., VOCAB.index["60"]] = logits[..., VOCAB.index["62"]] = 0.0
        logits[..., VOCAB.index["/"]] = torch.where(last == VOCAB.index["60"],
                                                     float(np.log(2.0)), float(np.log(2 / 9)))
        return logits, state


def test_a_higher_ending_power_keeps_the_endings_the_model_is_surer_of():
    stub = MelodyModel(_EndsMoreAfterC(), VOCAB, {})

    def last_notes(power):
        return [continue_melody(stub, ["62"], 2, 1.0, steps_per_bar=4, random_seed=i,
                                end_in_last_bar=True, candidates=16,
                                ending_power=power).symbols[-1] for i in range(40)]

    assert last_notes(1.0).count("62") >= 2  # the model's own endings: D4 now and then
    assert last_notes(50.0).count("62") == 0  # the surest places only: after a C4


class _EndsInTheLastBar(torch.nn.Module):
    """A stand-in net that reads the countdown: C4 always, and the end symbol, certain,
    once the countdown says the last bar has come."""

    def features(self, ids, bar_steps, pickup, last_only=False, length=None):
        cols = torch.arange(ids.shape[1] - 1, ids.shape[1]) if last_only else torch.arange(
            ids.shape[1])
        return countdown(cols, bar_steps, pickup, length, 4)

    def step(self, features, state=None):
        logits = torch.full((*features.shape[:2], len(VOCAB)), -torch.inf)
        last_bar = features[..., 0] > 0
        logits[..., VOCAB.index["60"]] = torch.where(last_bar, -torch.inf, 0.0)
        logits[..., VOCAB.index["/"]] = torch.where(last_bar, 0.0, -torch.inf)
        return logits, state

    def forward(self, ids, bar_steps, pickup, state=None, length=None):
        return self.step(self.features(ids, bar_steps, pickup, length=length), state)


@pytest.mark.parametrize("pickup", [0, 3])
def test_generation_tells_a_countdown_model_where_the_melody_ends(pickup):
    stub = MelodyModel(_EndsInTheLastBar(), VOCAB, {})
    melody = continue_melody(stub, ["62"], 3, 1.0, steps_per_bar=4, pickup=pickup)
    # the seed's bar is filled, three bars follow, and the model ends as the last begins
    assert melody.ended
    assert len(melody.continuation) == (-(pickup + 1)) % 4 + 2 * 4


def test_drafts_to_avoid_are_set_aside_unless_all_are():
    stub = MelodyModel(_EndsAfterC(), VOCAB, {})
    for i in range(10):
        melody = continue_melody(stub, ["62"], 2, 1.0, steps_per_bar=4, random_seed=i,
                                 end_in_last_bar=True, candidates=16,
                                 avoid=lambda symbols: symbols[0] == "60")
        assert melody.continuation[0] == "62"
    anyway = continue_melody(stub, ["62"], 2, 1.0, steps_per_bar=4, end_in_last_bar=True,
                             candidates=4, avoid=lambda symbols: True)
    assert anyway.ended and anyway.symbols[-1] == "60"
