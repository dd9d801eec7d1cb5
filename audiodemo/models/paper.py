"""The paper's autoencoders: a deep convolutional autoencoder (DCAE) and a VAE.

Both follow the paper's Sec. 2A and the tutorial it builds on: encoder blocks of
Conv -> ReLU -> BatchNorm, a dense bottleneck to the latent space, and a mirrored decoder of
transposed convolutions ending in a sigmoid. The VAE replaces the bottleneck with mean and
log-variance heads and samples with the reparameterisation trick; its loss is
α·MSE + KL (eq. 2), returned term by term by `vae_loss`.

Convolutions use Keras' "same" padding, so each stride-2 layer halves a side (rounding up);
the decoder doubles, and its output is cropped back to the input's shape.
Shapes: input and output `(B, 1, F, N)`, latent `(B, latent_dim)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class PaperAEConfig:
    """Architecture of the paper's DCAE and VAE (Table 1 row "2 layers, latent 64")."""

    n_freqs: int = 257
    n_frames: int = 48
    filters: tuple[int, ...] = (100, 50)
    kernels: tuple[int, ...] = (3, 3)
    strides: tuple[int, ...] = (2, 2)
    latent_dim: int = 64
    alpha: float = 50000.0  # VAE reconstruction weight of eq. 2 (unused by the DCAE)
    variational: bool = False

    def __post_init__(self) -> None:
        self.filters, self.kernels, self.strides = (
            tuple(self.filters), tuple(self.kernels), tuple(self.strides)
        )
        if not len(self.filters) == len(self.kernels) == len(self.strides) >= 1:
            raise ValueError("filters, kernels and strides need one entry per conv layer")


LOG_VAR_MAX = 10.0


def bounded_log_var(raw: torch.Tensor) -> torch.Tensor:
    """log σ² below `LOG_VAR_MAX` (a smooth minimum), unbounded below.

    With α = 50000 early steps can push exp(log σ²) to overflow (the paper's Sec. 4A reports
    such overflows), so σ² needs a ceiling. It gets no floor: a hard clamp, or any bound that
    saturates, leaves a code whose σ² hits it without a gradient, stuck there for good; below,
    the KL term's own gradient (-1/2 per unit of log σ²) pulls it back.
    """
    return LOG_VAR_MAX - nn.functional.softplus(LOG_VAR_MAX - raw)


def _shrink(size: int, stride: int) -> int:
    return -(-size // stride)  # "same" padding: ceil(size / stride)


class PaperAutoencoder(nn.Module):
    """DCAE, or with `config.variational` the VAE, of the paper."""

    def __init__(self, config: PaperAEConfig):
        super().__init__()
        self.config = config
        c = config
        layers, channels = [], 1
        f, n = c.n_freqs, c.n_frames
        for filters, k, s in zip(c.filters, c.kernels, c.strides, strict=True):
            layers += [nn.Conv2d(channels, filters, k, s, padding=k // 2), nn.ReLU(),
                       nn.BatchNorm2d(filters)]
            channels, f, n = filters, _shrink(f, s), _shrink(n, s)
        self.encoder_convs = nn.Sequential(*layers)
        self.shape_before_bottleneck = (channels, f, n)
        flat = channels * f * n
        self.mu = nn.Linear(flat, c.latent_dim)
        self.log_var = nn.Linear(flat, c.latent_dim) if c.variational else None
        self.decoder_dense = nn.Linear(c.latent_dim, flat)
        layers = []
        for i in reversed(range(1, len(c.filters))):  # mirror, all but the first layer
            k, s = c.kernels[i], c.strides[i]
            layers += [nn.ConvTranspose2d(channels, c.filters[i - 1], k, s, padding=k // 2,
                                          output_padding=s - 1),
                       nn.ReLU(), nn.BatchNorm2d(c.filters[i - 1])]
            channels = c.filters[i - 1]
        k, s = c.kernels[0], c.strides[0]
        layers += [nn.ConvTranspose2d(channels, 1, k, s, padding=k // 2, output_padding=s - 1),
                   nn.Sigmoid()]
        self.decoder_convs = nn.Sequential(*layers)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """`(B, 1, F, N)` -> mean `(B, latent)` and log-variance (None for the DCAE)."""
        h = self.encoder_convs(x).flatten(1)  # (B, C·F'·N')
        if self.log_var is None:
            return self.mu(h), None
        return self.mu(h), bounded_log_var(self.log_var(h))

    @staticmethod
    def reparameterize(mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
        """z = μ + σ·ε with ε ~ N(0, 1): a sample that gradients pass through."""
        return mu + torch.randn_like(mu) * torch.exp(0.5 * log_var)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """`(B, latent)` -> `(B, 1, F, N)` in [0, 1]."""
        h = self.decoder_dense(z).view(-1, *self.shape_before_bottleneck)  # (B, C, F', N')
        out = self.decoder_convs(h)
        return out[..., : self.config.n_freqs, : self.config.n_frames]

    def forward(self, x: torch.Tensor):
        """Returns (reconstruction, mu, log_var); sampling only while training."""
        mu, log_var = self.encode(x)
        z = self.reparameterize(mu, log_var) if (self.training and log_var is not None) else mu
        return self.decode(z), mu, log_var


def vae_loss(recon, target, mu, log_var, alpha: float) -> dict[str, torch.Tensor]:
    """The paper's eq. 2, C = α·MSE + D_KL, with each term; without log_var just the MSE."""
    mse = torch.mean((recon - target) ** 2)
    if log_var is None:
        return {"loss": mse, "mse": mse}
    kl = torch.mean(-0.5 * torch.sum(1 + log_var - mu**2 - log_var.exp(), dim=1))
    return {"loss": alpha * mse + kl, "mse": mse, "kl": kl}
