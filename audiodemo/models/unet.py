"""The U-Net of ours: a convolutional autoencoder with skip connections predicting a mask.

Still an autoencoder at heart: the encoder halves the frequency axis at each level and the
decoder mirrors it. What changes from the paper, each for a measured reason:
- skip connections carry the fine spectral detail the bottleneck would lose;
- it never pools time and has no dense layer, so it runs on any length, and a bottleneck of
  time-dilated convolutions sees about ±0.2 s of context;
- it outputs a mask in [0, 1] for the noisy magnitude instead of a new spectrogram, so it can
  only remove energy and keeps what it cannot judge.
Shapes: input `(B, 1, F, N)` normalised log-magnitude, output `(B, 1, F, N)` in [0, 1]: a
mask, or with `features="fixed_db"` (an ablation) the clean log-magnitude in the input's scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class MaskUNetConfig:
    """The U-Net's shape: frequency bins, channels per level, bottleneck dilations."""

    n_freqs: int = 129
    channels: tuple[int, ...] = (16, 32, 64)
    dilations: tuple[int, ...] = (1, 2, 4, 8)
    skips: bool = True  # False: a plain autoencoder, for the ablation that shows why we skip

    def __post_init__(self) -> None:
        self.channels, self.dilations = tuple(self.channels), tuple(self.dilations)

    @property
    def context_frames(self) -> int:
        """Frames of context each side that an output frame depends on."""
        # stem, then per level a down, an up and a merge conv, then the dilated bottleneck
        return 1 + 3 * (len(self.channels) - 1) + sum(self.dilations)


def _block(c_in: int, c_out: int, stride=(1, 1), dilation=(1, 1)) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, stride, padding=dilation, dilation=dilation),
        nn.BatchNorm2d(c_out), nn.ReLU(),
    )


class MaskUNet(nn.Module):
    """The mask U-Net described at the top of this module."""

    def __init__(self, config: MaskUNetConfig):
        super().__init__()
        self.config = config
        chans = config.channels
        self.stem = _block(1, chans[0])
        self.down = nn.ModuleList(
            _block(a, b, stride=(2, 1)) for a, b in zip(chans[:-1], chans[1:], strict=True)
        )
        self.bottleneck = nn.ModuleList(_block(chans[-1], chans[-1], dilation=(1, d))
                                        for d in config.dilations)
        self.up = nn.ModuleList(
            nn.ConvTranspose2d(b, a, (3, 3), (2, 1), padding=(1, 1))
            for a, b in zip(chans[:-1], chans[1:], strict=True)
        )
        width = 2 if config.skips else 1
        self.merge = nn.ModuleList(_block(width * a, a) for a in chans[:-1])
        self.head = nn.Conv2d(chans[0], 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """`(B, 1, F, N)` -> mask `(B, 1, F, N)`."""
        h = self.stem(x)
        skips = []
        for down in self.down:
            skips.append(h)
            h = down(h)  # frequency halves (rounding up), time unchanged
        for block in self.bottleneck:
            h = h + block(h)  # residual, so depth adds context without hurting gradients
        for up, merge in zip(reversed(self.up), reversed(self.merge), strict=True):
            skip = skips.pop()
            h = up(h)  # (B, C, 2F - 1, N)
            h = nn.functional.pad(h, (0, 0, 0, max(0, skip.shape[-2] - h.shape[-2])))
            h = h[..., : skip.shape[-2], :]  # (B, C, F_skip, N)
            h = merge(torch.cat([h, skip], dim=1) if self.config.skips else h)
        return torch.sigmoid(self.head(h))
