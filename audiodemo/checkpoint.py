"""Saving and loading models: one self-describing file per model, of any kind, safe to load.

A checkpoint is a dict of plain Python types and tensors, loaded with
`torch.load(path, weights_only=True)` (no pickled classes, so no code runs on load). This
module is the only one that calls `torch.load`. Format 2:

    format_version   2
    kind             registry key in `audiodemo.models.REGISTRY`: dcae, vae, unet, gtcrn,
                     melody (the LSTM), melody_transformer, melody_repeats (a bar-repeat
                     head for one of those, `audiodemo.melody.repeats`)
    model_config     dict of the model's config dataclass: enough to rebuild the network
    preprocessing    dict: what turns data into the model's input. Denoisers: `spectrogram`
                     (a `SpectrogramConfig` dict), `features`, `clip_seconds`, `concat` (see
                     `audiodemo.denoise.features`). Melody: `vocab` (the symbols in id
                     order) and `grid` (`steps_per_quarter`); a repeat head: `base` (the
                     model it mixes with)
    state_dict       the weights; float16 where `weights_dtype` says so, to halve the file
    weights_dtype    "float32" or "float16"
    training         dict: command, data, preset, epochs, seed, final metrics, date

Format 1 files (a top-level `spectrogram` for denoisers; `config` and `vocab` for the melody
LSTM, kind "melody_lstm") are upgraded on load by `upgraded`. `load_checkpoint` rebuilds the
model in eval mode with float32 weights; `shipped_checkpoint` finds a file of `checkpoints/`.
Training state for `--resume` (optimiser, epoch, log) is saved and read here too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from audiodemo.models import REGISTRY, build_model
from audiodemo.paths import CHECKPOINTS
from audiodemo.spectrogram import SpectrogramConfig

FORMAT_VERSION = 2
MELODY_GRID = {"steps_per_quarter": 4}  # sixteenth notes: the grid of `audiodemo.melody`
MELODY_KINDS = ("melody", "melody_transformer")  # preprocessing: vocab and grid
NO_SPECTROGRAM = (*MELODY_KINDS, "melody_repeats")


@dataclass
class Checkpoint:
    """A loaded checkpoint: the model in eval mode and everything needed to feed it."""

    kind: str
    model: nn.Module
    preprocessing: dict
    training: dict

    @property
    def spectrogram(self) -> SpectrogramConfig:
        """The spectrogram a denoiser's features use."""
        return SpectrogramConfig.from_dict(self.preprocessing["spectrogram"])


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


def is_shipped(path: str | os.PathLike) -> bool:
    """Whether `path` is one of the files in `checkpoints/` (or would be)."""
    return Path(path).resolve().parent == CHECKPOINTS.resolve()


def save_checkpoint(path: str | os.PathLike, kind: str, model: nn.Module, preprocessing: dict,
                    training: dict, half: bool = False) -> None:
    """Write atomically (a temporary file, then rename), so a crash leaves no half file."""
    state = {k: (v.half() if half and v.is_floating_point() else v).detach().clone()
             for k, v in model.state_dict().items()}
    save_atomically({
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "model_config": asdict(model.config),
        "preprocessing": dict(preprocessing),
        "state_dict": state,
        "weights_dtype": "float16" if half else "float32",
        "training": dict(training),
    }, path)


def save_atomically(payload: dict, path: str | os.PathLike) -> None:
    """`torch.save` to a temporary file, then rename: a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)


def read_safely(path: str | os.PathLike) -> dict:
    """A dict of plain types and tensors from a file, refusing pickled code (`ValueError`)."""
    try:
        payload = torch.load(Path(path), map_location="cpu", weights_only=True)
    except Exception as err:
        raise ValueError(f"Cannot load checkpoint {Path(path).name!r}: {err}") from None
    if not isinstance(payload, dict):
        raise ValueError(f"Checkpoint {Path(path).name!r} holds no dict")
    return payload


def upgraded(payload: dict) -> dict:
    """A format 1 payload in format 2 (a new dict; the weights are the same tensors)."""
    payload = dict(payload)
    if payload.get("format_version") != 1:
        return payload
    if payload.get("kind") == "melody_lstm":
        vocab = list(payload.pop("vocab", []))
        payload.update(kind="melody", weights_dtype="float32",
                       model_config={**payload.pop("config", {}), "vocab_size": len(vocab)},
                       preprocessing={"vocab": vocab, "grid": dict(MELODY_GRID)})
    elif "spectrogram" in payload:
        payload["preprocessing"] = {"spectrogram": payload.pop("spectrogram"),
                                    **payload.get("preprocessing", {})}
        config = dict(payload.get("model_config", {}))
        config.pop("notes", None)  # an empty field of the paper's config, since removed
        payload["model_config"] = config
    payload["format_version"] = 2
    return payload


def read_checkpoint(path: str | os.PathLike) -> dict:
    """A checkpoint's payload in the current format; `ValueError` for other versions."""
    payload = upgraded(read_safely(path))
    version = payload.get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(f"Checkpoint format {version!r} is not supported (want {FORMAT_VERSION})")
    return payload


def load_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """Rebuild a model from a checkpoint file; `ValueError` for anything unexpected."""
    payload = read_checkpoint(path)
    kind = payload.get("kind")
    if kind not in REGISTRY:
        raise ValueError(f"Unknown model kind {kind!r}; known: {sorted(REGISTRY)}")
    try:
        model = build_model(kind, payload["model_config"])
        model.load_state_dict({k: v.float() if v.is_floating_point() else v
                               for k, v in payload["state_dict"].items()})
        checkpoint = Checkpoint(kind=kind, model=model.eval(),
                                preprocessing=dict(payload["preprocessing"]),
                                training=dict(payload["training"]))
        if "spectrogram" not in checkpoint.preprocessing and kind not in NO_SPECTROGRAM:
            raise KeyError("preprocessing.spectrogram")
    except (KeyError, TypeError, AttributeError, RuntimeError) as err:  # missing or mismatched
        raise ValueError(f"Checkpoint {Path(path).name!r} is incomplete or inconsistent: "
                         f"{type(err).__name__}: {err}") from None
    return checkpoint


def save_training_state(path: str | os.PathLike, state: dict) -> None:
    """What `--resume` needs beyond the weights: epoch, optimiser, schedule, log, best loss."""
    save_atomically({"format_version": FORMAT_VERSION, "training_state": state}, path)


def load_training_state(path: str | os.PathLike) -> dict:
    """The state `save_training_state` wrote; `ValueError` if it is not one."""
    payload = read_safely(path)
    if payload.get("format_version") != FORMAT_VERSION or "training_state" not in payload:
        raise ValueError(f"{Path(path).name!r} is not a training state to resume from")
    return payload["training_state"]
