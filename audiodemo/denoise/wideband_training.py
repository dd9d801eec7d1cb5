"""The wideband denoiser's trainer (kind gtcrn) for `audiodemo.train` (issue 15).

Speech: speechocean762 less its validation speakers (`audiodemo.speechocean`), and FSDD's
training takes as band-limited speech where `$AUDIODEMO_FSDD` is set; noise: ESC-10 folds
1-3 (`audiodemo.esc10`) and made noises (`audiodemo.denoise.wideband`). Validation: the
held-out speakers under fold 4's noises, one fixed set, scored by the loss and its SI-SDR.
`data` is the speechocean762 folder (default `$AUDIODEMO_SPEECHOCEAN`); ESC-10 comes from
`$AUDIODEMO_ESC10`.
"""

from __future__ import annotations

import math
import os

import numpy as np
import torch

from audiodemo import esc10, fsdd, speechocean
from audiodemo.audio import load_audio
from audiodemo.denoise.losses import component_terms, hybrid_loss
from audiodemo.denoise.wideband import WidebandPairs
from audiodemo.models import build_model
from audiodemo.paths import FSDD_ENV
from audiodemo.spectrogram import stft

VALIDATION_BATCH = 8


def pair_maker(preset: dict, speech: list, noises: list, narrow: list | None) -> WidebandPairs:
    return WidebandPairs(speech=speech, noises=noises,
                         sample_rate=preset["spectrogram"].sample_rate,
                         seconds=preset["seconds"], snr_range=preset["snr_range"],
                         narrow_speech=narrow, p_narrow=preset["p_narrow"],
                         p_clean=preset["p_clean"],
                         p_band_limit=preset["p_band_limit"],
                         # a preset without it (a resumed run's) keeps the pairs' default
                         level_db=tuple(preset.get("level_db", WidebandPairs.level_db)))


def step_loss(model, preset, noisy, clean) -> dict[str, torch.Tensor]:
    """The hybrid loss; where the preset names `component_weights` (speech, noise), plus
    those times the component terms of the same mask (`losses.component_terms`)."""
    cfg = preset["spectrogram"]
    weights = tuple(preset["loss_weights"])
    noisy_spec, clean_spec = stft(noisy, cfg), stft(clean, cfg)
    if "component_weights" not in preset:
        return hybrid_loss(model(noisy_spec), clean_spec, clean, cfg, weights)
    estimate, speech, noise = model(noisy_spec, clean_spec, noisy_spec - clean_spec)
    terms = hybrid_loss(estimate, clean_spec, clean, cfg, weights)
    terms["speech"], terms["noise"] = component_terms(speech, noise, clean_spec, weights[:2])
    w_speech, w_noise = preset["component_weights"]
    terms["loss"] = terms["loss"] + w_speech * terms["speech"] + w_noise * terms["noise"]
    return terms


class WidebandTask:
    """The GTCRN-style network learning speech from noisy mixes at 16 kHz."""

    def __init__(self, kind: str, preset: dict, data=None, seed: int = 0,
                 held_out_speaker: str | None = None):
        if held_out_speaker:
            raise ValueError("gtcrn holds out speechocean762's validation speakers "
                             "(audiodemo.speechocean.VALIDATION_SPEAKERS), not one of FSDD's")
        self.kind, self.preset = kind, preset
        rate = preset["spectrogram"].sample_rate
        train, val = speechocean.split(speechocean.list_utterances(data))
        noise_train, noise_val = esc10.split(esc10.list_clips())
        limit = preset["max_clips"]
        if limit:
            train, val = train[:limit], val[: max(2, limit // 4)]
            noise_train, noise_val = noise_train[:limit], noise_val[: max(2, limit // 4)]
        narrow = None
        if os.environ.get(FSDD_ENV) and not limit:
            narrow = [r.path for r in fsdd.split(fsdd.list_recordings())[0]]
        self.pairs = pair_maker(preset, [u.path for u in train],
                                [load_audio(c.path, rate)[0] for c in noise_train], narrow)
        checking = pair_maker(preset, [u.path for u in val],
                              [load_audio(c.path, rate)[0] for c in noise_val], None)
        rng = np.random.default_rng(10_000 + seed)
        self.validation = [checking.batch(VALIDATION_BATCH, rng)
                           for _ in range(preset["validation_batches"])]
        self.model = build_model(kind, preset["model"])
        self.preprocessing = {"spectrogram": preset["spectrogram"].to_dict(),
                              "features": "complex_mask", "clip_seconds": preset["seconds"],
                              "concat": True}
        self.counts = {"speakers": len({u.speaker for u in train}), "utterances": len(train),
                       "noise_clips": len(noise_train)}

    def steps(self, world_size: int) -> int:
        return math.ceil(self.preset["steps_per_epoch"] / world_size)

    def batches(self, rng, world):
        rng = rng.spawn(world.size)[world.rank]
        for _ in range(self.steps(world.size)):
            yield self.pairs.batch(self.preset["batch_size"], rng)

    def loss(self, model, batch):
        return step_loss(model, self.preset, *batch)

    def validate(self) -> dict[str, float]:
        terms = []
        with torch.no_grad():
            for noisy, clean in self.validation:
                terms.append({k: float(v) for k, v in
                              step_loss(self.model, self.preset, noisy, clean).items()})
        return {k: float(np.mean([t[k] for t in terms])) for k in terms[0]}

    def describe(self) -> dict:
        return {"data": f"speechocean762 less speakers {', '.join(speechocean.VALIDATION_SPEAKERS)}"
                        f" ({self.counts['speakers']} speakers, {self.counts['utterances']} "
                        f"utterances); ESC-10 folds 1-3 ({self.counts['noise_clips']} clips) and "
                        f"made noises; FSDD training takes as band-limited speech",
                "validation": "the held-out speakers under ESC-10 fold 4 and made noises",
                "snr_range_db": list(self.preset["snr_range"]),
                "loss": f"hybrid, weights {list(self.preset['loss_weights'])}"}
