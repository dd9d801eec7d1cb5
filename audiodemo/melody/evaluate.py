"""Scoring next-symbol models honestly: split by song, every position, several measures.

The paper split overlapping windows of one long sequence at random, so a test window is
nearly a copy of training windows. Here whole songs go to train, validation or test
(`split_songs`, fixed seed), and a model predicts every symbol of every test song from the
song's start, the end-of-song symbol included. `random_window_split` rebuilds the paper's
split, to show the leak beside the honest figure.
"""

from __future__ import annotations

import math

import numpy as np

from audiodemo.melody.corpus import Song
from audiodemo.melody.symbols import END, is_onset
from audiodemo.melody.vocab import Vocabulary


def split_songs(songs: list[Song], seed: int = 0, test: float = 0.1,
                validation: float = 0.1) -> tuple[list[Song], list[Song], list[Song]]:
    """(train, validation, test): whole songs, shuffled with `seed`."""
    order = np.random.default_rng(seed).permutation(len(songs))
    n_test = max(1, round(test * len(songs)))
    n_val = max(1, round(validation * len(songs))) if len(songs) > 2 else 0
    pick = [songs[i] for i in order]
    return pick[n_test + n_val :], pick[n_test : n_test + n_val], pick[:n_test]


def song_ids(song: Song, vocab: Vocabulary) -> list[int]:
    """The song's ids framed by end symbols: the first is context, the last a target."""
    return vocab.encode([END, *song.symbols, END])


def evaluate(model, songs: list[Song], vocab: Vocabulary) -> dict:
    """Accuracy, onset accuracy, NLL per symbol (nats) and perplexity over every position.

    `model.distributions(ids, song)` gives `(len(ids) - 1, V)` probabilities of each next
    symbol (the song tells a model its time signature and pickup).
    Onset accuracy counts only targets that start a note, the hard and musical part.
    """
    correct = onsets = onset_correct = 0
    nll, total = 0.0, 0
    for song in songs:
        ids = song_ids(song, vocab)
        probs = np.asarray(model.distributions(ids, song))
        targets = np.asarray(ids[1:])
        guess = probs.argmax(axis=1)
        hit = guess == targets
        onset = np.array([is_onset(vocab.symbols[t]) for t in targets])
        correct += int(hit.sum())
        onsets += int(onset.sum())
        onset_correct += int((hit & onset).sum())
        p = probs[np.arange(len(targets)), targets]
        with np.errstate(divide="ignore"):
            nll += float(-np.log(p).sum())  # infinite where a model rules the truth out
        total += len(targets)
    mean_nll = nll / max(total, 1)
    return {
        "accuracy": correct / max(total, 1),
        "onset_accuracy": onset_correct / max(onsets, 1),
        "nll": mean_nll,
        "perplexity": math.exp(mean_nll) if mean_nll < 700 else math.inf,  # no overflow
        "songs": len(songs),
        "symbols": total,
    }


def random_window_split(songs: list[Song], vocab: Vocabulary, length: int = 64,
                        seed: int = 0, test: float = 0.1):
    """The paper's data: one sequence of all songs, each followed by `length` end symbols,
    cut into every window of `length` symbols (input) plus the next (target), then split
    at random. Returns (train windows, test windows) as lists of id lists of `length + 1`."""
    sequence = []
    for song in songs:
        sequence += vocab.encode(song.symbols) + vocab.encode([END] * length)
    windows = [sequence[i : i + length + 1] for i in range(len(sequence) - length)]
    order = np.random.default_rng(seed).permutation(len(windows))
    n_test = max(1, round(test * len(windows)))
    return ([windows[i] for i in order[n_test:]], [windows[i] for i in order[:n_test]])


def window_accuracy(model, windows: list[list[int]]) -> float:
    """Share of windows whose last symbol the model predicts from the rest (the paper's
    figure). A model's `distribution(history)`, if it has one, predicts just that symbol."""
    def last(window: list[int]) -> np.ndarray:
        if hasattr(model, "distribution"):
            return model.distribution(window[:-1])
        return model.distributions(window)[-1]

    hits = [int(np.argmax(last(w)) == w[-1]) for w in windows]
    return float(np.mean(hits)) if hits else math.nan
