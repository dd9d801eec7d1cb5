"""The bar-repeat head (issue 16): an exact mixture with any next-symbol model, fitted by the
likelihood of whole bars, saved and loaded as its own checkpoint, and sampled from."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from audiodemo.melody.__main__ import main
from audiodemo.melody.corpus import Song
from audiodemo.melody.evaluate import evaluate, song_ids
from audiodemo.melody.form import bars_of, first_downbeat
from audiodemo.melody.generate import continue_melody
from audiodemo.melody.model import load_melody
from audiodemo.melody.repeats import MAX_BACK, RepeatConfig, RepeatHead, mixed_distributions
from audiodemo.melody.repeats_fit import bar_terms, fit, log_likelihood, save_repeats
from audiodemo.melody.symbols import END
from audiodemo.melody.vocab import Vocabulary
from tests.melody_songs import bar_songs, keyed_songs, tiny_melody

VOCAB = Vocabulary.default()
END_ID = VOCAB.index[END]


def head_with(new_bias: float, weights=None, keep: float = 4.0) -> RepeatHead:
    head = RepeatHead(RepeatConfig())
    with torch.no_grad():
        head.new_bias.fill_(new_bias)
        head.keep.fill_(keep)
        if weights is not None:
            head.weights.copy_(torch.as_tensor(weights, dtype=torch.float32))
    return head.eval()


def random_base(length: int, seed: int) -> np.ndarray:
    p = np.random.default_rng(seed).random((length, len(VOCAB))) ** 4
    return p / p.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("pickup", [0, 4, 8])
def test_the_mixture_is_a_distribution_at_every_step(pickup):
    song = bar_songs(1, [60, 62, 64], seed=pickup)[0]
    ids = VOCAB.encode(song.symbols) + [END_ID]
    head = head_with(0.5, np.random.default_rng(1).normal(size=12))
    mixed = mixed_distributions(head, ids, random_base(len(ids), 2), 12, pickup, END_ID)
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, atol=1e-12)
    assert (mixed >= 0).all()


def test_a_head_that_never_copies_gives_the_model_back():
    song = bar_songs(1, [60, 62, 64], seed=3)[0]
    ids = VOCAB.encode(song.symbols) + [END_ID]
    base = random_base(len(ids), 4)
    never = mixed_distributions(head_with(600.0), ids, base, 12, 0, END_ID)
    np.testing.assert_allclose(never, base, atol=1e-12)


def test_the_symbols_chances_multiply_to_the_bars_likelihood():
    """Drawn symbol by symbol, the mixture gives each whole bar exactly the chance that
    `log_likelihood` (the fit's objective, by bars) gives it: the posterior updates are
    exact."""
    model, _ = tiny_melody()
    songs = keyed_songs(6)
    head = head_with(1.0, np.random.default_rng(5).normal(size=12))
    terms = bar_terms(model, songs)
    by_symbols = []
    for song in songs:
        ids = song_ids(song, VOCAB)
        mixed = model.with_repeats(head).distributions(ids, song)
        targets = ids[1:]
        logs = np.log(mixed[np.arange(len(targets)), targets])
        start, bar = first_downbeat(song.steps_per_bar, song.pickup), song.steps_per_bar
        for k in range(1, len(bars_of(song.symbols, bar, song.pickup))):
            by_symbols.append(logs[start + k * bar : start + (k + 1) * bar].sum())
    with torch.no_grad():
        assert float(log_likelihood(head, terms)) == pytest.approx(np.mean(by_symbols),
                                                                   abs=1e-4)


def test_fitting_on_songs_of_repeated_bars_learns_to_copy_and_scores_better():
    model, _ = tiny_melody()
    fitted = fit(bar_terms(model, keyed_songs(12)), steps=200)
    held_out = bar_songs(8, [57, 60, 64, 69, 71], seed=9, name="held/")
    before = evaluate(model, held_out, VOCAB)["nll"]
    after = evaluate(model.with_repeats(fitted), held_out, VOCAB)["nll"]
    assert after < before - 0.05


def test_a_head_saves_loads_and_names_its_model(tmp_path):
    model, _ = tiny_melody()
    base = tmp_path / "tiny.pt"
    from audiodemo.checkpoint import save_checkpoint

    save_checkpoint(base, "melody", model.net, {"vocab": list(VOCAB.symbols),
                                                "grid": {"steps_per_quarter": 4}}, {})
    head = head_with(1.5, np.arange(12) / 10)
    save_repeats(tmp_path / "tiny_repeats.pt", head, "tiny", model, 3, 30, -5.0, "test")
    loaded = load_melody(base, tmp_path / "tiny_repeats.pt")
    assert loaded.name.endswith("+ bar repeats")
    song = keyed_songs(1)[0]
    ids = song_ids(song, VOCAB)
    np.testing.assert_allclose(loaded.distributions(ids, song),
                               model.with_repeats(head).distributions(ids, song))
    save_repeats(tmp_path / "other_repeats.pt", head, "other", model, 3, 30, -5.0, "test")
    with pytest.raises(ValueError, match="fitted to 'other'"):
        load_melody(base, tmp_path / "other_repeats.pt")
    with pytest.raises(ValueError, match="not a bar-repeat head"):
        load_melody(base, base)


def test_the_command_line_fits_a_head_that_loads(tmp_path, capsys, monkeypatch):
    model, _ = tiny_melody()
    from audiodemo.checkpoint import save_checkpoint

    base = tmp_path / "tiny.pt"
    save_checkpoint(base, "melody", model.net, {"vocab": list(VOCAB.symbols),
                                                "grid": {"steps_per_quarter": 4}},
                    {"split_seed": 0})
    monkeypatch.setattr("audiodemo.melody.__main__.load_songs", lambda data: keyed_songs(40))
    assert main(["repeats", "--checkpoint", str(base), "--out",
                 str(tmp_path / "tiny_repeats.pt")]) == 0
    assert "validation songs" in capsys.readouterr().out
    assert load_melody(base, tmp_path / "tiny_repeats.pt").repeats is not None


SEED_BAR = ["60", "_", "_", "_", "64", "_", "_", "_", "67", "_", "_", "_"]


@pytest.mark.parametrize("end_in_last_bar", [False, True])
def test_a_head_that_always_copies_the_bar_before_repeats_it(end_in_last_bar):
    model, _ = tiny_melody()
    always = model.with_repeats(head_with(-60.0, [60.0] + [0.0] * 11, keep=60.0))
    melody = continue_melody(always, SEED_BAR, 3, 1.0, steps_per_bar=12, random_seed=2,
                             end_in_last_bar=end_in_last_bar, candidates=4)
    bars = bars_of(melody.symbols, 12)
    assert len(bars) >= 2 and all(b == tuple(SEED_BAR) for b in bars)


def test_generation_with_a_head_is_reproducible_and_repeats_more():
    model, _ = tiny_melody()
    head = head_with(0.0)  # new and each of the copies alike
    with_head = model.with_repeats(head)
    a = continue_melody(with_head, SEED_BAR, 6, 1.5, steps_per_bar=12, random_seed=3)
    b = continue_melody(with_head, SEED_BAR, 6, 1.5, steps_per_bar=12, random_seed=3)
    c = continue_melody(with_head, SEED_BAR, 6, 1.5, steps_per_bar=12, random_seed=4)
    assert a.continuation == b.continuation != c.continuation

    def repeated(m) -> float:
        bars = bars_of(m.symbols, 12)
        return np.mean([bars[k] in bars[:k] for k in range(1, len(bars))])

    draws = range(12)
    plain, mixed = ([repeated(continue_melody(m, SEED_BAR, 6, 1.5, steps_per_bar=12,
                                              random_seed=s, end_in_last_bar=True,
                                              candidates=1)) for s in draws]
                    for m in (model, with_head))
    assert np.mean(mixed) > np.mean(plain) + 0.2


def test_a_head_refuses_another_shape():
    with pytest.raises(ValueError, match=f"{MAX_BACK} copies"):
        RepeatHead(RepeatConfig(max_back=4))


def test_the_first_bar_is_the_models_alone():
    song = Song("s", SEED_BAR * 2, "3/4", "C major")
    ids = VOCAB.encode(song.symbols) + [END_ID]
    base = random_base(len(ids), 6)
    mixed = mixed_distributions(head_with(-5.0), ids, base, 12, 0, END_ID)
    np.testing.assert_allclose(mixed[:12], base[:12])
    assert not np.allclose(mixed[12:24], base[12:24])


def test_each_shipped_head_improves_its_models_held_out_score():
    """The shipped heads (fitted on split 0's validation songs) on 25 of its test songs,
    whole, as the app's bundle holds them (no corpus to parse)."""
    from audiodemo.melody.shipped import MODELS, available, get_bundle, get_model

    bundle = get_bundle()
    assert bundle.split_seed == 0
    test = [bundle.whole_song(seed) for seed in bundle.seeds[:25]]
    for name in available():
        assert get_model(name).training["split_seed"] == 0, MODELS[name].label
        with_head = get_model(name, repeats=True)
        before = evaluate(with_head.without_repeats(), test, VOCAB)["nll"]
        assert evaluate(with_head, test, VOCAB)["nll"] < before - 0.03, MODELS[name].label
