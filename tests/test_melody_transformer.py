"""The melody transformer: relative attention by skewing, its key/value cache, training in
windows, its checkpoint, generation, and what relative positions let it learn."""

from __future__ import annotations

from dataclasses import asdict, fields

import numpy as np
import pytest
import torch

from audiodemo.checkpoint import read_checkpoint, save_checkpoint
from audiodemo.melody.evaluate import evaluate, split_songs
from audiodemo.melody.generate import continue_melody
from audiodemo.melody.model import MelodyModel, load_melody
from audiodemo.melody.train import mean_nll
from audiodemo.melody.transformer import (
    MelodyTransformer,
    MelodyTransformerConfig,
    RelativeAttention,
    allowed,
    skew,
)
from audiodemo.melody.transformer_train import PRESETS, song_windows
from audiodemo.melody.vocab import Vocabulary
from audiodemo.models import build_model
from audiodemo.train import train
from tests.melody_songs import bar_songs

VOCAB = Vocabulary.default()
SEED = ["60", "_", "62", "_", "64", "_", "65", "_"]


def _net(**config) -> MelodyTransformer:
    torch.manual_seed(0)
    settings = dict(d_model=16, layers=2, heads=2, window=12, max_distance=8, dropout=0.0,
                    bar_index=4)
    return MelodyTransformer(MelodyTransformerConfig(**{**settings, **config})).eval()


def _naive_relative_logits(q: torch.Tensor, distance: torch.Tensor) -> torch.Tensor:
    """`q_i · E_r[min(i - j, M - 1)]` from an explicit `(T, T, hs)` tensor of embeddings (the
    memory-hungry form of Shaw et al. that skewing avoids); zero where j > i."""
    t = q.shape[-2]
    back = torch.arange(t)[:, None] - torch.arange(t)[None, :]
    embeddings = distance[back.clamp(0, len(distance) - 1)]  # (T, T, hs)
    return torch.einsum("bhid,ijd->bhij", q, embeddings) * (back >= 0)


def test_skewing_equals_the_naive_relative_attention_on_random_tensors():
    torch.manual_seed(1)
    q, distance = torch.randn(2, 3, 9, 5), torch.randn(9, 5)
    order = torch.arange(8, -1, -1)  # column r: distance T-1-r
    skewed = skew(q @ distance[order].T)
    causal = allowed(9, 9, 9)
    torch.testing.assert_close(skewed * causal, _naive_relative_logits(q, distance),
                               atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("queries", [7, 3, 1])  # the full pass, a chunk, one step
def test_attention_logits_equal_content_plus_clipped_distance_terms(queries):
    torch.manual_seed(2)
    attention = RelativeAttention(MelodyTransformerConfig(d_model=8, heads=2, window=5,
                                                          max_distance=4))
    torch.nn.init.normal_(attention.distance)
    q, k = torch.randn(1, 2, 7, 4), torch.randn(1, 2, 7, 4)
    expected = (q @ k.transpose(-2, -1) + _naive_relative_logits(q, attention.distance)) / 2
    expected = expected.masked_fill(~allowed(7, 7, 5), -torch.inf)[:, :, 7 - queries :]
    with torch.no_grad():
        got = attention.logits(q[:, :, 7 - queries :], k)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("context", [False, True])
def test_the_cache_gives_the_logits_of_a_full_pass(context):
    net = _net(context=context)
    ids = torch.randint(0, len(VOCAB), (3, 40))  # longer than the window of 12
    bars, pickups = torch.tensor([16, 12, 6]), torch.tensor([0, 3, 5])
    with torch.no_grad():
        full, _ = net(ids, bars, pickups)
        logits, cache = net(ids[:, :5], bars, pickups)
        pieces = [logits]
        for t in range(6, 30):  # one symbol at a time
            logits, cache = net.step(net.features(ids[:, :t], bars, pickups, last_only=True),
                                     cache)
            pieces.append(logits)
        chunk = net.features(ids, bars, pickups)[:, 29:]  # the rest at once
        pieces.append(net.step(chunk, cache)[0])
    torch.testing.assert_close(torch.cat(pieces, dim=1), full, atol=1e-5, rtol=1e-5)


def test_a_window_inside_a_song_has_the_song_s_bar_positions():
    net = _net()
    ids = torch.randint(0, len(VOCAB), (1, 30))
    bars, pickups = torch.tensor([12]), torch.tensor([5])
    whole = net.features(ids, bars, pickups)
    window = net.features(ids[:, 17:], bars, pickups + 17)
    torch.testing.assert_close(window, whole[:, 17:])


@pytest.mark.parametrize("inputs", [1, 11, 12, 13, 40, 100])
def test_training_windows_count_every_target_once(inputs):
    counted = np.zeros(inputs, dtype=int)
    for w in song_windows(0, inputs, 12):
        assert 0 <= w.start <= w.first <= w.start + 12
        counted[w.first : w.start + 12] += 1
    assert counted.tolist() == [1] * inputs


def _songs(count: int):
    songs = bar_songs(count, [60, 62, 64, 65, 67], seed=0,
                      pickup=lambda i, rng: int(rng.integers(0, 12)))
    for song in songs[::3]:
        song.symbols = song.symbols * 2  # 96 symbols: several windows of the tiny 32
    return songs


def test_a_tiny_transformer_trains_one_epoch_and_reloads_with_the_same_outputs(tmp_path):
    torch.set_num_threads(1)
    train_songs, validation, _ = split_songs(_songs(40))
    out = tmp_path / "transformer.pt"
    rows = train("melody_transformer", "tiny", out=out, data=(train_songs, validation),
                 quiet=True, threads=1)
    assert len(rows) == 1 and np.isfinite(rows[0]["val_loss"])
    model = load_melody(out)
    assert model.name == "Transformer" and model.vocab == VOCAB
    assert model.training["command"] == (
        "python -m audiodemo.train melody_transformer --preset tiny --out .../transformer.pt")
    # the reloaded model is the trained one: it scores the validation songs as training did
    scored = sorted(validation[:6], key=lambda s: len(s.symbols))  # the tiny preset's six
    assert mean_nll(model.net, scored, VOCAB, 16) == pytest.approx(rows[0]["val_loss"],
                                                                   rel=1e-6)
    result = evaluate(model, validation, VOCAB)
    assert np.isfinite(result["nll"]) and result["songs"] == len(validation)
    ids = torch.tensor([VOCAB.encode(["/", *validation[0].symbols])])
    again = tmp_path / "again.pt"
    save_checkpoint(again, "melody_transformer", model.net,
                    {"vocab": VOCAB.to_list(), "grid": {"steps_per_quarter": 4}}, {})
    first = model.net(ids, torch.tensor([12]), torch.tensor([0]))[0]
    second = load_melody(again).net(ids, torch.tensor([12]), torch.tensor([0]))[0]
    assert torch.equal(first, second)


def test_the_checkpoint_holds_everything_to_rebuild(tmp_path):
    net = _net()
    save_checkpoint(tmp_path / "t.pt", "melody_transformer", net,
                    {"vocab": VOCAB.to_list(), "grid": {"steps_per_quarter": 4}},
                    {"command": "python -m audiodemo.train melody_transformer"})
    payload = read_checkpoint(tmp_path / "t.pt")  # torch.load(weights_only=True)
    assert payload["format_version"] == 2 and payload["kind"] == "melody_transformer"
    assert set(payload["model_config"]) == {f.name for f in fields(MelodyTransformerConfig)}
    assert payload["model_config"] == asdict(net.config)
    assert payload["preprocessing"]["vocab"] == VOCAB.to_list()
    rebuilt = build_model(payload["kind"], payload["model_config"]).eval()
    rebuilt.load_state_dict(payload["state_dict"])
    ids = torch.randint(0, len(VOCAB), (2, 20))
    bars, pickups = torch.tensor([16, 6]), torch.tensor([0, 2])
    assert torch.equal(rebuilt(ids, bars, pickups)[0], net(ids, bars, pickups)[0])


def test_generation_is_reproducible_with_a_seed_and_runs_past_the_window():
    model = MelodyModel(_net(), VOCAB, {}, "Transformer")
    for end_in_last_bar in (False, True):
        a = continue_melody(model, SEED, 4, 1.0, random_seed=5, end_in_last_bar=end_in_last_bar,
                            candidates=4)
        b = continue_melody(model, SEED, 4, 1.0, random_seed=5, end_in_last_bar=end_in_last_bar,
                            candidates=4)
        c = continue_melody(model, SEED, 4, 1.0, random_seed=6, end_in_last_bar=end_in_last_bar,
                            candidates=4)
        assert a.continuation == b.continuation and a.continuation != c.continuation
        assert set(a.continuation) <= set(VOCAB.symbols) - {"/"}
    long = continue_melody(model, SEED, 4, 1.0, random_seed=1, end_in_last_bar=True,
                           candidates=2)
    assert len(long.symbols) > model.net.config.window


def _copy_accuracy(net: MelodyTransformer, back: int = 3, steps: int = 150):
    """Train `net` to output the token `back` positions before, on random sequences of 8-16
    tokens; its accuracy on sequences of 64 at the positions seen in training (below 16)
    and at those past them. Each position is a bar of its own (bar length 1), so a bar
    number input is the absolute position."""
    rng = torch.Generator().manual_seed(0)
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=0.01)
    net.train()
    for step in range(steps):
        x = torch.randint(0, 10, (32, 8 + step % 9), generator=rng)
        logits, _ = net(x, torch.ones(32, dtype=torch.long), torch.zeros(32, dtype=torch.long))
        loss = torch.nn.functional.cross_entropy(logits[:, back:].flatten(0, 1),
                                                 x[:, :-back].flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    x = torch.randint(0, 10, (64, 64), generator=rng)
    with torch.no_grad():
        guess = net(x, torch.ones(64, dtype=torch.long),
                    torch.zeros(64, dtype=torch.long))[0].argmax(-1)
    hit = (guess[:, back:] == x[:, :-back]).float()  # (64, 64 - back)
    return float(hit[:, : 16 - back].mean()), float(hit[:, 16 - back :].mean())


def _copier(relative: bool, absolute: bool) -> MelodyTransformer:
    """One layer, no bar position inputs; distance embeddings learned or held at zero, the
    position (bar number) as an input or not."""
    torch.manual_seed(0)
    net = MelodyTransformer(MelodyTransformerConfig(
        d_model=32, layers=1, heads=2, window=64, max_distance=8, dropout=0.0, max_bar=0,
        bar_index=64 if absolute else 0, vocab_size=10))
    if not relative:
        net.blocks[0].attention.distance.data.zero_()
        net.blocks[0].attention.distance.requires_grad_(False)
    return net


def test_relative_attention_copies_by_distance_at_positions_absolute_ones_never_saw():
    """Copy the token three back: relative attention learns it and keeps it past the
    training lengths; absolute positions learn it only where they were trained; a model
    that knows neither cannot tell one earlier token from another."""
    torch.set_num_threads(1)
    seen, unseen = _copy_accuracy(_copier(relative=True, absolute=False))
    assert seen > 0.9 and unseen > 0.9
    seen, unseen = _copy_accuracy(_copier(relative=False, absolute=True))
    assert seen > 0.9 and unseen < 0.4
    seen, _ = _copy_accuracy(_copier(relative=False, absolute=False))
    assert seen < 0.4


def test_the_default_preset_is_small():
    net = MelodyTransformer(MelodyTransformerConfig(**PRESETS["default"]["model"]))
    weights = sum(p.numel() for p in net.parameters())
    assert weights * 4 < 10_000_000  # float32 bytes: the checkpoint stays under 10 MB
