"""Baselines and the honest evaluation: split by song, every position, the paper's leak."""

from __future__ import annotations

import math

import numpy as np
import pytest

from audiodemo.melody.corpus import Song
from audiodemo.melody.evaluate import (
    evaluate,
    random_window_split,
    song_ids,
    split_songs,
    window_accuracy,
)
from audiodemo.melody.ngram import AlwaysHold, NGram
from audiodemo.melody.vocab import Vocabulary

VOCAB = Vocabulary.default()


def _songs(count: int, seed: int = 0) -> list[Song]:
    rng = np.random.default_rng(seed)
    songs = []
    for i in range(count):
        bar = []
        for pitch in rng.choice([60, 62, 64, 65, 67], size=4):
            bar += [str(pitch), "_", "_", "_"]
        songs.append(Song(f"s{i}", bar * 3 + ["60", "_", "_", "_", "r", "_"], "4/4", "C major"))
    return songs


def test_the_vocabulary_round_trips_and_is_the_same_every_time():
    symbols = ["/", "_", "r", "60", "108", "21"]
    assert VOCAB.decode(VOCAB.encode(symbols)) == symbols
    assert Vocabulary.default() == VOCAB and len(VOCAB) == 3 + 88
    assert Vocabulary(tuple(VOCAB.to_list())) == VOCAB
    with pytest.raises(ValueError, match="unknown melody symbol '130'"):
        VOCAB.encode(["130"])


def test_songs_split_whole_and_reproducibly():
    songs = _songs(50)
    train, val, test = split_songs(songs, seed=3)
    assert (len(train), len(val), len(test)) == (40, 5, 5)
    names = [s.name for part in (train, val, test) for s in part]
    assert sorted(names) == sorted(s.name for s in songs)  # each song in exactly one part
    assert [s.name for s in split_songs(songs, seed=3)[2]] == [s.name for s in test]
    assert [s.name for s in split_songs(songs, seed=4)[2]] != [s.name for s in test]


def test_ngram_probabilities_sum_to_one_and_prefer_what_was_seen():
    songs = _songs(20)
    model = NGram(VOCAB, 4).fit([song_ids(s, VOCAB) for s in songs])
    ids = song_ids(songs[0], VOCAB)
    probs = model.distributions(ids)
    assert probs.shape == (len(ids) - 1, len(VOCAB))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert (probs > 0).all()  # backoff to uniform: no symbol is impossible
    assert probs[1, VOCAB.index["_"]] > 0.5  # after an onset, a hold


def test_evaluation_returns_every_key_and_ranks_the_baselines():
    songs = _songs(60)
    train, _, test = split_songs(songs)
    hold = evaluate(AlwaysHold(VOCAB), test, VOCAB)
    ngram = evaluate(NGram(VOCAB, 6).fit([song_ids(s, VOCAB) for s in train]), test, VOCAB)
    for result in (hold, ngram):
        assert set(result) == {"accuracy", "onset_accuracy", "nll", "perplexity", "songs",
                               "symbols"}
        assert result["songs"] == len(test)
        assert result["symbols"] == sum(len(s.symbols) + 1 for s in test)
    assert hold["onset_accuracy"] == 0.0 and math.isinf(hold["perplexity"])
    assert ngram["accuracy"] > hold["accuracy"] and ngram["onset_accuracy"] > 0
    assert math.isclose(ngram["perplexity"], math.exp(ngram["nll"]))


def test_the_random_window_split_leaks_what_the_song_split_hides():
    songs = _songs(40)
    train, test = random_window_split(songs, VOCAB, length=16, seed=0)
    assert all(len(w) == 17 for w in train + test)
    leaky = NGram(VOCAB, 12).fit(train)
    by_song_train, _, by_song_test = split_songs(songs)
    honest = NGram(VOCAB, 12).fit([song_ids(s, VOCAB) for s in by_song_train])
    honest_windows = random_window_split(by_song_test, VOCAB, length=16)[1]
    assert window_accuracy(leaky, test) > window_accuracy(honest, honest_windows)
