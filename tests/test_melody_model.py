"""The melody LSTM: lookback features, a tiny training run, its checkpoint, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from audiodemo.melody import __main__ as cli
from audiodemo.melody import shipped
from audiodemo.melody import train as melody_train
from audiodemo.melody.corpus import Song
from audiodemo.melody.evaluate import split_songs
from audiodemo.melody.model import MAX_AGE, MelodyConfig, MelodyLSTM, load_melody
from audiodemo.melody.vocab import Vocabulary
from audiodemo.train import train
from tests.melody_songs import bar_songs

VOCAB = Vocabulary.default()


def _songs(count: int) -> list[Song]:
    return bar_songs(count, [60, 62, 64, 65, 67], seed=0,
                     pickup=lambda i, rng: int(rng.integers(0, 12)))


def test_lookback_inputs_show_the_symbols_one_and_two_bars_back_and_the_beat():
    net = MelodyLSTM(MelodyConfig(hidden=4, max_bar=16))
    ids = torch.tensor([[0, 5, 6, 7, 8, 9, 10]])  # the end symbol, then six symbols
    x = net.features(ids, torch.tensor([2]), torch.tensor([1]))  # bars of 2, 1 into the bar
    v = len(VOCAB)
    assert x.shape == (1, 7, 3 * v + 16)
    current, one_back, two_back = x[0, :, :v], x[0, :, v : 2 * v], x[0, :, 2 * v : 3 * v]
    position = x[0, :, 3 * v :]
    assert current.argmax(-1).tolist() == ids[0].tolist()
    # step t predicts index t + 1; one bar back is index t - 1, two bars back t - 3
    assert one_back.argmax(-1).tolist() == [0, 0, 5, 6, 7, 8, 9]
    assert two_back.argmax(-1).tolist() == [0, 0, 0, 0, 5, 6, 7]
    assert position.argmax(-1).tolist() == [1, 0, 1, 0, 1, 0, 1]


def test_a_tiny_training_writes_a_loadable_checkpoint_that_scores(tmp_path):
    songs = _songs(40)
    train_songs, val, _ = split_songs(songs)
    out = tmp_path / "melody.pt"
    rows = train("melody", "tiny", out=out, data=(train_songs, val), quiet=True)
    assert len(rows) == 1 and np.isfinite(rows[0]["val_loss"])
    model = load_melody(out)
    assert model.vocab == VOCAB and model.training["command"].startswith(
        "python -m audiodemo.train melody --preset tiny --out")
    probs = model.distributions([0, *VOCAB.encode(songs[0].symbols)], songs[0])
    np.testing.assert_allclose(probs.sum(-1), 1.0, rtol=1e-6)
    assert out.with_suffix(".csv").is_file()


def test_melody_checkpoints_refuse_anything_else(tiny_checkpoints):
    with pytest.raises(ValueError, match="holds a unet model"):
        load_melody(tiny_checkpoints["unet"])


def test_the_cli_trains_and_prints_json_scores(tmp_path, monkeypatch, capsys):
    songs = _songs(40)
    monkeypatch.setattr(cli, "load_songs", lambda source: songs)
    monkeypatch.setattr(melody_train, "load_songs", lambda source: songs)
    out = tmp_path / "m.pt"
    assert cli.main(["train", "--data", "fake", "--preset", "tiny", "--out", str(out),
                     "--quiet"]) == 0
    assert load_melody(out).training["command"] == (
        "python -m audiodemo.train melody --preset tiny --data fake --out .../m.pt")
    capsys.readouterr()
    assert cli.main(["evaluate", "--data", "fake", "--checkpoint", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"accuracy", "onset_accuracy", "nll", "perplexity", "songs",
                           "symbols", "model"}
    assert result["model"] == "LSTM"  # no bar-repeat head beside it
    assert result["songs"] == 4


def test_the_cli_trains_and_scores_each_of_the_three_models(tmp_path, monkeypatch, capsys):
    songs = _songs(40)
    monkeypatch.setattr(cli, "load_songs", lambda source: songs)
    monkeypatch.setattr(melody_train, "load_songs", lambda source: songs)
    out = tmp_path / "t.pt"
    assert cli.main(["train", "--model", "transformer", "--data", "fake", "--preset", "tiny",
                     "--out", str(out), "--quiet"]) == 0
    assert load_melody(out).training["kind"] == "melody_transformer"
    assert cli.main(["evaluate", "--data", "fake", "--checkpoint", str(out), "--json"]) == 0
    for name in shipped.available():  # the shipped ones, by name (fake songs: --split all)
        capsys.readouterr()
        assert cli.main(["evaluate", "--data", "fake", "--model", name, "--split", "all",
                         "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["songs"] == 40


def test_the_cli_reports_a_missing_checkpoint(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "load_songs", lambda source: _songs(10))
    assert cli.main(["evaluate", "--checkpoint", str(tmp_path / "none.pt")]) == 2
    assert "Cannot load checkpoint 'none.pt'" in capsys.readouterr().err


def test_context_inputs_show_the_sounding_pitch_its_age_and_repeated_bars():
    net = MelodyLSTM(MelodyConfig(hidden=4, max_bar=16, lookback=False, context=True))
    h = 1  # the hold
    ids = torch.tensor([[0, 5, h, 6, h, h, 6, h, h]])  # bars of 3: [5 _ 6] [_ _ 6] [_ _]
    x = net.features(ids, torch.tensor([3]), torch.tensor([0]))
    v = len(VOCAB)
    assert x.shape == (1, 9, 2 * v + MAX_AGE + 2)
    sounding, age = x[0, :, v : 2 * v], x[0, :, 2 * v : 2 * v + MAX_AGE]
    repeats = x[0, :, 2 * v + MAX_AGE :]
    assert sounding.argmax(-1).tolist() == [0, 5, 5, 6, 6, 6, 6, 6, 6]
    assert age.argmax(-1).tolist() == [0, 0, 1, 0, 1, 2, 0, 1, 2]
    # the symbol at t equals the one 3 (one bar) or 6 (two bars) before it
    assert repeats[:, 0].tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert repeats[:, 1].tolist() == [0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_the_age_of_a_long_note_is_counted_up_to_its_cap():
    net = MelodyLSTM(MelodyConfig(hidden=4, lookback=False, context=True))
    ids = torch.tensor([[0, 5] + [1] * (MAX_AGE + 5)])
    age = net.features(ids, torch.tensor([16]), torch.tensor([0]))[0, :, 2 * len(VOCAB):]
    assert age[:, :MAX_AGE].argmax(-1)[-1] == MAX_AGE - 1


def test_the_countdown_counts_bars_to_the_melodys_last_bar():
    net = MelodyLSTM(MelodyConfig(hidden=4, lookback=False, countdown=3))
    ids = torch.tensor([[0, 5, 6, 7, 8, 9, 10, 11, 12]])  # eight symbols after the end symbol
    # bars of 3 from a pickup of 2: symbols 0 | 1 2 3 | 4 5 6 | 7, then the end symbol
    x = net.features(ids, torch.tensor([3]), torch.tensor([2]), length=torch.tensor([8]))
    left = x[0, :, len(VOCAB):]
    assert left.sum(-1).tolist() == [1.0] * 9
    assert left.argmax(-1).tolist() == [2, 2, 2, 2, 1, 1, 1, 0, 0]  # 3 bars left count as 2
    with pytest.raises(ValueError, match="needs the melody's length"):
        net.features(ids, torch.tensor([3]), torch.tensor([2]))


@pytest.mark.parametrize("context, countdown", [(False, 0), (True, 0), (True, 4)])
def test_step_features_equal_the_batch_features(context, countdown):
    net = MelodyLSTM(MelodyConfig(hidden=4, max_bar=16, context=context, countdown=countdown))
    ids = [0, 5, 1, 7, 1, 1, 10, 5, 1, 7, 1]
    length = torch.tensor([14])
    full = net.features(torch.tensor([ids]), torch.tensor([3]), torch.tensor([2]),
                        length=length)
    for t in range(1, len(ids) + 1):
        step = net.features(torch.tensor([ids[:t]]), torch.tensor([3]), torch.tensor([2]),
                            last_only=True, length=length)
        torch.testing.assert_close(step[0, 0], full[0, t - 1])


def test_the_cli_generates_numbered_midi_and_musicxml(tmp_path, monkeypatch, capsys):
    import pretty_midi

    songs = _songs(40)
    monkeypatch.setattr(cli, "load_songs", lambda source: songs)
    monkeypatch.setattr(melody_train, "load_songs", lambda source: songs)
    ckpt = tmp_path / "m.pt"
    cli.main(["train", "--data", "fake", "--preset", "tiny", "--out", str(ckpt), "--quiet"])
    code = cli.main(["generate", "--seed", "60 _ D4 _ 64 _ r _", "--bars", "2", "--key", "G",
                     "--variations", "2", "--checkpoint", str(ckpt), "--out",
                     str(tmp_path / "tune.mid"), "--musicxml", str(tmp_path / "tune.musicxml"),
                     "--time-signature", "3/4"])
    assert code == 0
    names = sorted(p.name for p in tmp_path.iterdir() if p.stem.startswith("tune"))
    assert names == ["tune-1.mid", "tune-1.musicxml", "tune-2.mid", "tune-2.musicxml"]
    first = pretty_midi.PrettyMIDI(str(tmp_path / "tune-1.mid")).instruments[0].notes
    assert [n.pitch for n in first[:2]] == [55, 57]  # the seed, moved from C to G
    assert "<beats>3</beats>" in (tmp_path / "tune-2.musicxml").read_text()
    capsys.readouterr()
    assert cli.main(["generate", "--seed", "60 H9", "--checkpoint", str(ckpt), "--out",
                     str(tmp_path / "x.mid")]) == 2
    assert "'H9' is neither" in capsys.readouterr().err


def test_the_cli_refuses_to_score_training_songs_as_test_songs(tmp_path, monkeypatch, capsys):
    songs = _songs(40)
    monkeypatch.setattr(cli, "load_songs", lambda source: songs)
    monkeypatch.setattr(melody_train, "load_songs", lambda source: songs)
    out = tmp_path / "m.pt"
    cli.main(["train", "--data", "fake", "--preset", "tiny", "--out", str(out), "--quiet",
              "--seed", "3"])
    capsys.readouterr()
    assert cli.main(["evaluate", "--data", "fake", "--checkpoint", str(out), "--seed", "0"]) == 2
    assert "would include training songs" in capsys.readouterr().err
    assert cli.main(["evaluate", "--data", "fake", "--checkpoint", str(out), "--json"]) == 0


def test_training_without_validation_songs_says_so(tmp_path):
    with pytest.raises(ValueError, match="songs to train and validate on"):
        train("melody", "tiny", out=tmp_path / "m.pt", data=(_songs(5), []), quiet=True)


def test_lookbacks_reach_as_many_bars_back_as_configured():
    config = MelodyConfig(hidden=4, max_bar=16, lookback_bars=(1, 4))
    net = MelodyLSTM(config)
    ids = torch.tensor([[0, *range(5, 15)]])  # the end symbol, then ten symbols
    x = net.features(ids, torch.tensor([2]), torch.tensor([0]))
    v = len(VOCAB)
    assert x.shape == (1, 11, 3 * v + 16)
    four_back = x[0, :, 2 * v : 3 * v].argmax(-1).tolist()
    # step t predicts index t + 1; four bars of 2 back is index t - 7
    assert four_back == [0] * 8 + [5, 6, 7]


def test_a_checkpoint_keeps_the_lookback_bars(tmp_path):
    train("melody", "tiny", out=tmp_path / "m.pt", data=split_songs(_songs(12))[:2],
          settings={"model.lookback_bars": (1, 2, 4), "model.context": True}, quiet=True)
    model = load_melody(tmp_path / "m.pt")
    assert model.net.config.lookback_bars == (1, 2, 4) and model.net.config.context
