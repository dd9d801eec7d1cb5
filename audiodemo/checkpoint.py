"""Saving and loading models: one self-describing file per model, safe to load.

A checkpoint is a dict of plain Python types and tensors, loaded with
`torch.load(path, weights_only=True)` (no pickled classes, so no code runs on load):

    format_version   int, currently 1; other versions are refused
    kind             registry key in `audiodemo.models.MODELS` ("dcae", "vae", "unet")
    model_config     dict of the model's config dataclass
    spectrogram      dict of the `SpectrogramConfig` its features use
    preprocessing    dict: how waves become model inputs (see `audiodemo.denoise.features`)
    state_dict       the weights; float16 where `weights_dtype` says so, to halve the file
    weights_dtype    "float32" or "float16"
    training         dict: command, data, preset, epochs, seed, final metrics, date

`load_checkpoint` rebuilds the model in eval mode with float32 weights; `shipped_checkpoint`
finds a file of `checkpoints/` by its name.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from audiodemo.models import MODELS, build_model
from audiodemo.paths import CHECKPOINTS
from audiodemo.spectrogram import SpectrogramConfig

FORMAT_VERSION = 1


@dataclass
class Checkpoint:
    """A loaded checkpoint: the model in eval mode and everything needed to feed it."""

    kind: str
    model: nn.Module
    spectrogram: SpectrogramConfig
    preprocessing: dict
    training: dict


def shipped_checkpoint(name: str, choices: Sequence[str] | None = None) -> Path:
    """A checkpoint's name in `checkpoints/` (`ours`, `latent_vae`, ...) or a path to one.

    `ValueError` where there is neither, naming `choices` (default: every shipped file).
    """
    shipped = CHECKPOINTS / f"{name}.pt"
    path = shipped if name.isidentifier() and shipped.is_file() else Path(name)
    if not path.is_file():
        names = tuple(choices) if choices is not None else tuple(
            sorted(p.stem for p in CHECKPOINTS.glob("*.pt")))
        raise ValueError(f"No checkpoint {name!r}; choose from {names} or give a path")
    return path


def save_checkpoint(
    path: str | os.PathLike, kind: str, model: nn.Module, spectrogram: SpectrogramConfig,
    preprocessing: dict, training: dict, half: bool = False,
) -> None:
    """Write atomically (a temporary file, then rename), so a crash leaves no half file."""
    state = {k: (v.half() if half and v.is_floating_point() else v).detach().clone()
             for k, v in model.state_dict().items()}
    payload = {
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "model_config": asdict(model.config),
        "spectrogram": spectrogram.to_dict(),
        "preprocessing": dict(preprocessing),
        "state_dict": state,
        "weights_dtype": "float16" if half else "float32",
        "training": dict(training),
    }
    save_atomically(payload, path)


def save_atomically(payload: dict, path: str | os.PathLike) -> None:
    """`torch.save` to a temporary file, then rename: a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)


def load_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """Rebuild a model from a checkpoint file; `ValueError` for anything unexpected."""
    try:
        payload = torch.load(Path(path), map_location="cpu", weights_only=True)
    except Exception as err:
        raise ValueError(f"Cannot load checkpoint {Path(path).name!r}: {err}") from None
    version = payload.get("format_version") if isinstance(payload, dict) else None
    if version != FORMAT_VERSION:
        raise ValueError(f"Checkpoint format {version!r} is not supported (want {FORMAT_VERSION})")
    kind = payload.get("kind")
    if kind not in MODELS:
        raise ValueError(f"Unknown model kind {kind!r}; known: {sorted(MODELS)}")
    try:
        model = build_model(kind, payload["model_config"])
        model.load_state_dict({k: v.float() if v.is_floating_point() else v
                               for k, v in payload["state_dict"].items()})
        spectrogram = SpectrogramConfig.from_dict(payload["spectrogram"])
        preprocessing, training = dict(payload["preprocessing"]), dict(payload["training"])
    except (KeyError, TypeError, AttributeError, RuntimeError) as err:  # missing or mismatched
        raise ValueError(f"Checkpoint {Path(path).name!r} is incomplete or inconsistent: "
                         f"{type(err).__name__}: {err}") from None
    model.eval()
    return Checkpoint(kind=kind, model=model, spectrogram=spectrogram,
                      preprocessing=preprocessing, training=training)
