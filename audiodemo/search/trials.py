"""Training and scoring one trial of a search: the paper's VAE on FSDD or its LSTM on songs.

A trial trains in a temporary folder, reports its validation score after each epoch (so a
pruner may stop it), then scores the best epoch's checkpoint on test data: the VAE by the
paper's spectrogram MSE and by SI-SDR, both at 5 dB SNR on test digits; the LSTM by
accuracy and NLL per symbol on the test songs of a split by song. Preset `tiny` shrinks the
models and data to seconds, for tests.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from audiodemo import fsdd
from audiodemo.denoise.denoiser import Denoiser
from audiodemo.denoise.scores import paper_mse, si_sdr, test_takes
from audiodemo.melody.evaluate import evaluate
from audiodemo.melody.model import load_melody
from audiodemo.melody.vocab import Vocabulary
from audiodemo.search.spaces import ARCHITECTURES, scaled
from audiodemo.train import train

SNR_DB = 5.0
TEST_DIGITS = {"paper": 100, "tiny": 4}  # test takes scored per VAE trial


def vae_trial(settings: dict, data: str, preset: str, scale: float, seed: int = 0,
              report=None) -> dict:
    """Train the paper's VAE with `settings` (architecture, lr, batch_size, epochs) and
    score it; `report(epoch, value)` sees each epoch's validation MSE."""
    model = dict(ARCHITECTURES[settings["architecture"]])
    if preset == "tiny":  # the tiny preset's filters are 25 times fewer
        model["filters"] = tuple(max(2, f // 25) for f in model["filters"])
    epochs = scaled(settings["epochs"], scale)
    start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "vae.pt"
        overrides = {"epochs": epochs, "lr": settings["lr"],
                     "batch_size": settings["batch_size"],
                     **{f"model.{key}": value for key, value in model.items()}}
        rows = []

        def on_epoch(row):
            rows.append(row)
            if report is not None:
                report(row["epoch"], row["val_mse"])

        train("vae", preset, out=out, data=data, settings=overrides, seed=seed, quiet=True,
              on_epoch=on_epoch)
        trained = time.time() - start
        denoiser = Denoiser.from_checkpoint(out)
        tests = test_takes(fsdd.list_recordings(data), TEST_DIGITS[preset])
        metrics = {"paper_mse": paper_mse(denoiser, tests, SNR_DB),
                   "sisdr_5db": si_sdr(denoiser, tests, SNR_DB),
                   "val_mse": min(r["val_mse"] for r in rows)}
    return {"metrics": metrics, "epochs_trained": epochs, "train_seconds": round(trained, 1),
            "seconds": round(time.time() - start, 1), "test_digits": len(tests)}


def lstm_trial(settings: dict, songs: tuple[list, list, list], preset: str, scale: float,
               seed: int = 0, report=None) -> dict:
    """Train the paper's LSTM (one layer, the current symbol as input) with `settings`
    (units, lr, batch_size, epochs) on `songs` = (train, validation, test) and score it;
    `report(epoch, value)` sees each epoch's validation NLL."""
    train_songs, validation, test = songs
    units = settings["units"] if preset != "tiny" else max(4, settings["units"] // 20)
    epochs = scaled(settings["epochs"], scale)
    overrides = {"model.hidden": units, "epochs": epochs, "lr": settings["lr"],
                 "batch_size": settings["batch_size"],
                 "max_songs": 30 if preset == "tiny" else None}
    start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "lstm.pt"
        rows = train("melody", "paper", out=out, data=(train_songs, validation),
                     settings=overrides, seed=seed, quiet=True,
                     on_epoch=(lambda row: report(row["epoch"], row["val_loss"])) if report
                     else None)
        trained = time.time() - start
        model = load_melody(out)
    scores = evaluate(model, test, Vocabulary.default())
    metrics = {k: scores[k] for k in ("accuracy", "onset_accuracy", "nll")}
    metrics["val_nll"] = min(r["val_loss"] for r in rows)
    return {"metrics": metrics, "epochs_trained": epochs, "units_trained": units,
            "train_seconds": round(trained, 1), "seconds": round(time.time() - start, 1),
            "test_songs": len(test)}
