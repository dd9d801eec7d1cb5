"""The model registry: a checkpoint's `kind` names its config class and model class here."""

from __future__ import annotations

from torch import nn

from audiodemo.melody.model import MelodyConfig, MelodyLSTM
from audiodemo.melody.repeats import RepeatConfig, RepeatHead
from audiodemo.melody.transformer import MelodyTransformer, MelodyTransformerConfig
from audiodemo.models.gtcrn import GTCRN, GTCRNConfig
from audiodemo.models.paper import PaperAEConfig, PaperAutoencoder
from audiodemo.models.unet import MaskUNet, MaskUNetConfig

REGISTRY = {
    "dcae": (PaperAEConfig, PaperAutoencoder),
    "vae": (PaperAEConfig, PaperAutoencoder),
    "unet": (MaskUNetConfig, MaskUNet),
    "gtcrn": (GTCRNConfig, GTCRN),
    "melody": (MelodyConfig, MelodyLSTM),
    "melody_transformer": (MelodyTransformerConfig, MelodyTransformer),
    "melody_repeats": (RepeatConfig, RepeatHead),
}


def build_model(kind: str, config: dict) -> nn.Module:
    """A fresh model of `kind` from a plain config dict."""
    if kind not in REGISTRY:
        raise ValueError(f"Unknown model kind {kind!r}; known: {sorted(REGISTRY)}")
    config_cls, model_cls = REGISTRY[kind]
    return model_cls(config_cls(**config))
