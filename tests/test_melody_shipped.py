"""The shipped melody model's companions (bundle, copy index) and variations written as files,
with a tiny model and bundle in their place."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiodemo.melody import shipped
from audiodemo.melody.bundle import MelodyBundle
from audiodemo.melody.extra import GERMAN_COLLECTIONS
from audiodemo.melody.generate import transpose_symbols
from audiodemo.melody.model import load_melody
from audiodemo.melody.statistics import melody_statistics
from audiodemo.paths import ASSETS, CHECKPOINTS
from tests.melody_songs import stand_in, tiny_melody


@pytest.fixture
def bundle(monkeypatch):
    stand_in(monkeypatch, *tiny_melody())
    yield tiny_melody()[1]
    shipped.get_copies.cache_clear()  # it holds the tiny bundle's songs


def test_a_model_from_another_split_than_the_bundle_is_refused(monkeypatch):
    model, bundle = tiny_melody()
    shipped.get_model.cache_clear()
    monkeypatch.setattr(shipped, "get_bundle", lambda: bundle)
    monkeypatch.setattr(shipped, "load_melody", lambda path, repeats=None: type(model)(
        model.net, model.vocab, {"split_seed": 5, "data": ""}))
    with pytest.raises(ValueError, match="does not match the model's training split"):
        shipped.get_model("lookback")
    shipped.get_model.cache_clear()


def test_every_model_is_named_and_the_shipped_ones_are_offered():
    offered = shipped.available()
    assert offered == [n for n in shipped.MODELS if n in offered]  # in order: the default first
    assert {"lookback", "paper"} <= set(offered)  # checkpoints/melody.pt, melody_paper.pt
    with pytest.raises(ValueError, match="Unknown melody model 'gpt'"):
        shipped.model_named("gpt")


def test_a_held_out_seed_is_found_by_name(bundle):
    assert shipped.held_out_seed(bundle.seeds[1].name) == bundle.seeds[1]
    with pytest.raises(ValueError, match="Unknown seed 'no/such'"):
        shipped.held_out_seed("no/such")


def test_variations_are_written_as_midi_and_musicxml_with_their_statistics(bundle, tmp_path):
    song = next(s for s in bundle.seeds if "minor" in s.key)
    called = []
    written = list(shipped.write_variations(song, 2, 2, 1.0, "D", 100, 7, tmp_path,
                                            before=called.append))
    assert called == [0, 1] and len(written) == 2
    for k, w in enumerate(written, start=1):
        assert (w.midi, w.musicxml) == (tmp_path / f"melody-{k}.mid",
                                        tmp_path / f"melody-{k}.musicxml")
        assert w.midi.stat().st_size > 0 and Path(w.musicxml).read_text() == w.xml
        melody = w.variation.melody
        assert melody.seed == song.symbols  # moved from A minor to D minor afterwards
        assert w.variation.symbols == transpose_symbols(melody.symbols, "D", minor=True)
        assert w.statistics == melody_statistics(melody.continuation, song.steps_per_bar, True,
                                                 shipped.get_copies(), song.pickup,
                                                 before=song.symbols)
        assert w.statistics["longest_copy_bars"] <= shipped.COPIED_BARS  # set aside
    (tmp_path / "again").mkdir()
    again = shipped.write_variations(song, 2, 2, 1.0, "D", 100, 7, tmp_path / "again")
    assert [w.variation.symbols for w in again] == [w.variation.symbols for w in written]


def test_the_shipped_bundle_holds_every_song_a_shipped_model_trained_on():
    """Drafts that copy a training song are checked against the bundle's training songs: a
    model that also read other collections (the transformer) needs them there too."""
    bundle = MelodyBundle.load(ASSETS / "melody_corpus.npz")

    def records(training):  # a model's training and what its weights started from
        while training:
            yield training
            training = training.get("pretraining")

    trained = [r["songs"]["train"] for name in shipped.available() for r in records(
        load_melody(CHECKPOINTS / f"{shipped.MODELS[name].checkpoint}.pt").training)]
    assert len(bundle.train) == max(trained)
    assert shipped.trained_collections() == sorted(GERMAN_COLLECTIONS)
