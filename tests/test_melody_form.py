"""A melody's form: bars from the first downbeat, self-similarity, repeats and near-repeats,
the transformer's attention per bar, and their pictures for any length."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from audiodemo.melody.form import (
    bar_attention,
    bars_of,
    melody_attention,
    onset_differences,
    repeat_marks,
    repeats,
    self_similarity,
)
from audiodemo.melody.model import MelodyConfig, MelodyLSTM
from audiodemo.melody.statistics import melody_statistics
from audiodemo.melody.transformer import MelodyTransformer, MelodyTransformerConfig
from audiodemo.melody.vocab import Vocabulary
from audiodemo.plots.form import FormPanel, form_figure

A = ["60", "_", "62", "_"]
A2 = ["60", "_", "64", "_"]  # A with one onset changed
B = ["67", "_", "69", "71"]  # three onsets away from A
C = ["r", "65", "r", "72"]  # four onsets away from every bar above


def test_bars_start_at_the_first_downbeat_and_drop_a_short_last_bar():
    symbols = ["55", "_"] + A + B + ["60"]  # a two-sixteenth pickup, two bars, a stray note
    assert bars_of(symbols, 4, pickup=2) == [tuple(A), tuple(B)]
    assert bars_of(A + B, 4) == [tuple(A), tuple(B)]


def test_onset_differences_count_changed_note_starts_only():
    assert onset_differences(tuple(A), tuple(A)) == 0
    assert onset_differences(tuple(A), tuple(A2)) == 1
    assert onset_differences(tuple(A), tuple(C)) == 4
    assert onset_differences(("60", "_"), ("60", "r")) == 0  # a hold against a rest


def test_self_similarity_is_one_on_the_diagonal_symmetric_and_counts_steps():
    bars = bars_of(A + A2 + B + A, 4)
    s = self_similarity(bars)
    np.testing.assert_array_equal(np.diag(s), 1.0)
    np.testing.assert_array_equal(s, s.T)
    assert s[0, 3] == 1.0 and s[0, 1] == 0.75 and s[0, 2] == 0.25


def test_repeats_and_near_repeats_of_an_aaba_tune():
    bars = bars_of(A + A2 + B + A + C, 4)  # A A' B A C
    assert repeats(bars) == {"bar_repetition": 0.25, "near_repetition": 0.5}
    assert repeats(bars, first=3) == {"bar_repetition": 0.5, "near_repetition": 0.5}
    marks = repeat_marks(bars)
    assert marks[3, 0] == "=" and marks[1, 0] == "≈" and marks[4, 0] == marks[0, 3] == ""


def test_statistics_count_near_repeats_after_the_seed():
    stats = melody_statistics(A2 + B + A, 4, before=A)
    assert stats["bar_repetition"] == pytest.approx(1 / 3)
    assert stats["near_repetition"] == pytest.approx(2 / 3)


def test_bar_attention_sums_each_bars_share_and_is_causal():
    length, bar = 12, 4
    weights = np.tril(np.ones((length, length)))
    weights /= weights.sum(axis=1, keepdims=True)  # each position attends evenly back
    out = bar_attention(weights, length, bar)
    assert out.shape == (3, 3)
    np.testing.assert_array_equal(np.triu(out, 1), 0.0)
    assert np.all(out.sum(axis=1) <= 1 + 1e-12)
    # the positions writing bar 3 (columns 8..11) see columns 1..4 as bar 1: 4 of 9..12
    assert out[2, 0] == pytest.approx(np.mean([4 / n for n in (9, 10, 11, 12)]))


def _transformer() -> MelodyTransformer:
    torch.manual_seed(0)
    config = MelodyTransformerConfig(d_model=16, layers=2, heads=2, window=64, max_distance=32,
                                     dropout=0.5)
    return MelodyTransformer(config)


def test_the_transformers_attention_is_causal_and_sums_to_one_without_dropout():
    net = _transformer().train()
    ids = torch.randint(0, net.vocab_size, (2, 20))
    weights = net.attention(ids, torch.tensor([16, 12]), torch.tensor([0, 4]))
    assert weights.shape == (2, 2, 2, 20, 20)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 2, 2, 20))
    assert float(weights.triu(1).abs().max()) == 0.0
    again = net.attention(ids, torch.tensor([16, 12]), torch.tensor([0, 4]))
    torch.testing.assert_close(weights, again)  # no dropout, and still in training mode
    assert net.training


def test_melody_attention_per_bar_for_the_transformer_and_none_for_an_lstm():
    vocab = Vocabulary.default()
    melody = A * 5
    out = melody_attention(_transformer(), vocab, melody, 4)
    assert out.shape == (5, 5) and np.all(out >= 0) and np.all(out.sum(axis=1) <= 1 + 1e-9)
    lstm = MelodyLSTM(MelodyConfig(hidden=8))
    assert melody_attention(lstm, vocab, melody, 4) is None


@pytest.mark.parametrize("bars", [0, 1, 5, 40])
def test_the_form_pictures_render_for_any_length(bars):
    melody = (A + B) * bars
    found = bars_of(melody, 4)
    attention = bar_attention(np.tril(np.full((len(melody), len(melody)), 0.1)), len(melody),
                              4)
    fig = form_figure([
        [FormPanel("melody", self_similarity(found), marks=repeat_marks(found), seed_bars=1),
         FormPanel("attention", attention, attention=True)],
        [FormPanel("another", self_similarity(found)), None]])
    assert len(fig.axes) == (6 if bars else 3)  # three panels with their colour bars
    fig.canvas.draw()
