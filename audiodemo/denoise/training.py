"""The denoisers' trainer (kinds dcae, vae, unet) for `audiodemo.train`.

Trains on the official FSDD training takes (5-49) less a validation slice (takes 5-7), or
with `held_out_speaker` on every other speaker. Each batch is a fresh draw of clean clips
and noise (`audiodemo.denoise.pairs`); validation is one fixed batch, the same every epoch.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from audiodemo import fsdd
from audiodemo.denoise.features import clean_target, model_input, output_magnitude
from audiodemo.denoise.losses import denoising_loss
from audiodemo.denoise.pairs import PairMaker
from audiodemo.models import build_model
from audiodemo.models.paper import vae_loss
from audiodemo.spectrogram import stft

VALIDATION_TAKES = range(5, 8)
VALIDATION_SIZE = 64


def step_loss(kind, model, preset, noisy, clean) -> dict[str, torch.Tensor]:
    """Loss terms of one batch of `(B, T)` waves."""
    cfg, features = preset["spectrogram"], preset["features"]
    noisy_spec = stft(noisy, cfg)  # (B, F, N)
    x, stats = model_input(noisy_spec.abs(), cfg, features)
    if kind == "unet":
        estimate = output_magnitude(model(x), noisy_spec.abs(), features, stats, cfg)
        return denoising_loss(estimate, noisy_spec, clean, cfg, preset["loss"])
    target = clean_target(stft(clean, cfg).abs(), noisy_spec.abs(), cfg, features, stats)
    recon, mu, log_var = model(x)
    return vae_loss(recon, target, mu, log_var, preset["model"]["alpha"])


def make_pairs(preset, clean, talkers) -> PairMaker:
    return PairMaker(
        clean=clean, sample_rate=preset["spectrogram"].sample_rate, seconds=preset["seconds"],
        snr_range=preset["snr_range"], noise_mix=preset["noise_mix"], concat=preset["concat"],
        gain_db=preset["gain_db"], talkers=talkers,
    )


def load_data(data, preset, held_out_speaker=None, seed=0):
    """Clean training and validation waves at the preset's rate."""
    train, _ = fsdd.split(fsdd.list_recordings(data), held_out_speaker)
    val = [r for r in train if r.take in VALIDATION_TAKES]
    train = [r for r in train if r.take not in VALIDATION_TAKES]
    if preset["max_clips"]:
        rng = np.random.default_rng(seed)
        train = [train[i] for i in rng.permutation(len(train))[: preset["max_clips"]]]
        val = val[: preset["max_clips"] // 2]
    rate = preset["spectrogram"].sample_rate
    return fsdd.load_waves(train, rate), fsdd.load_waves(val, rate)


class DenoiserTask:
    """A spectrogram autoencoder learning clean speech from noisy mixes."""

    def __init__(self, kind: str, preset: dict, data=None, seed: int = 0,
                 held_out_speaker: str | None = None):
        self.kind, self.preset = kind, preset
        self.held_out_speaker = held_out_speaker
        self.clean, val_clean = load_data(data, preset, held_out_speaker, seed)
        self.pairs = make_pairs(preset, self.clean, talkers=self.clean)
        self.val_batch = make_pairs(preset, val_clean, talkers=val_clean).batch(
            min(VALIDATION_SIZE, 4 * len(val_clean)), np.random.default_rng(10_000 + seed))
        self.model = build_model(kind, preset["model"])
        self.preprocessing = {"spectrogram": preset["spectrogram"].to_dict(),
                              "features": preset["features"], "clip_seconds": preset["seconds"],
                              "concat": preset["concat"]}

    def steps(self, world_size: int) -> int:
        steps = self.preset["steps_per_epoch"] or math.ceil(len(self.clean)
                                                            / self.preset["batch_size"])
        return math.ceil(steps / world_size)

    def batches(self, rng, world):
        rng = rng.spawn(world.size)[world.rank]  # each rank its own clips and noise
        for _ in range(self.steps(world.size)):
            yield self.pairs.batch(self.preset["batch_size"], rng)

    def loss(self, model, batch):
        return step_loss(self.kind, model, self.preset, *batch)

    def validate(self) -> dict[str, float]:
        with torch.no_grad():
            terms = step_loss(self.kind, self.model, self.preset, *self.val_batch)
        return {k: float(v) for k, v in terms.items()}

    def describe(self) -> dict:
        """The training record's account of the data."""
        preset = self.preset
        data = "FSDD v1.0.9, official train takes 5-49 less validation takes 5-7"
        if self.held_out_speaker:
            data = f"FSDD v1.0.9, all speakers but {self.held_out_speaker}, less takes 5-7"
        return {"data": data, "noise": dict(preset["noise_mix"]),
                "snr_range_db": list(preset["snr_range"]), "loss": preset.get("loss")}
