"""The model registry: a checkpoint's `kind` names its config class and model class here."""

from __future__ import annotations

from torch import nn

from audiodemo.models.paper import PaperAEConfig, PaperAutoencoder
from audiodemo.models.unet import MaskUNet, MaskUNetConfig

MODELS = {
    "dcae": (PaperAEConfig, PaperAutoencoder),
    "vae": (PaperAEConfig, PaperAutoencoder),
    "unet": (MaskUNetConfig, MaskUNet),
}


def build_model(kind: str, config: dict) -> nn.Module:
    """A fresh model of `kind` from a plain config dict."""
    if kind not in MODELS:
        raise ValueError(f"Unknown model kind {kind!r}; known: {sorted(MODELS)}")
    config_cls, model_cls = MODELS[kind]
    return model_cls(config_cls(**config))
