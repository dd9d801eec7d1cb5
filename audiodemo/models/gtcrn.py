"""A small causal wideband denoiser after GTCRN (Rong et al., ICASSP 2024); our implementation.

The ideas taken from the paper: the spectrum above `linear_bins` is merged into ERB bands
(a fixed triangular filterbank, so the network sees 129 positions, not 257); each position
sees its two neighbours (subband features, no weights); the encoder halves frequency twice
and then stacks grouped temporal convolutions (half the channels pass, half go through a
depthwise causal convolution, then the halves are interleaved) with a recurrent gain per
channel and frame; two grouped dual-path RNN blocks (a bidirectional GRU across frequency
within a frame, a causal GRU along time per position); a mirrored decoder with additive
skips; and a complex ratio mask, each part in [-1, 1] (times `mask_bound`), spread back to
every bin.

Input and output: complex STFTs `(B, F, N)` with F = n_fft / 2 + 1 (257 at 16 kHz,
frame 512). Causal in time: no output frame depends on a later input frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class GTCRNConfig:
    n_freqs: int = 257
    sample_rate: int = 16000
    linear_bins: int = 65  # kept as they are: 0 to 2 kHz at 16 kHz, frame 512
    erb_bands: int = 64  # the rest, merged
    channels: int = 16
    dilations: tuple[int, ...] = (1, 2, 5)
    rnn_blocks: int = 2
    groups: int = 2
    power: float = 0.3  # input compression: |X|^p, with the phase of X
    mask: str = "complex"  # "complex": a complex ratio mask; "real": its real part only
    # each part of the mask lies in [-bound, bound] (GTCRN's tanh times this). At 1, a clean
    # cell's mask of 1 sits on tanh's asymptote: trained models gave the loud cells of clean
    # held-out voices 0.83-0.88, taking 1.1-1.6 dB off clean speech (benchmarks/clean_level).
    mask_bound: float = 1.0

    def __post_init__(self) -> None:
        self.dilations = tuple(self.dilations)
        if self.mask not in ("complex", "real"):
            raise ValueError(f"mask must be 'complex' or 'real', got {self.mask!r}")
        if not self.mask_bound > 0:
            raise ValueError(f"mask_bound must be above 0, got {self.mask_bound}")


def erb_filterbank(n_freqs: int, sample_rate: int, linear_bins: int, bands: int) -> torch.Tensor:
    """`(bands, n_freqs - linear_bins)` triangular weights on the ERB scale whose columns
    sum to 1: a band is a weighted sum of its bins, and the transpose spreads band values
    back to bins by linear interpolation."""
    def erb(hz):
        return 21.4 * math.log10(0.00437 * hz + 1)

    def hz(e):
        return (10 ** (e / 21.4) - 1) / 0.00437

    bin_hz = sample_rate / 2 / (n_freqs - 1)
    low, high = erb(linear_bins * bin_hz), erb(sample_rate / 2)
    centres = torch.tensor([hz(low + (high - low) * i / (bands - 1)) / bin_hz
                            for i in range(bands)], dtype=torch.float64)
    bins = torch.arange(linear_bins, n_freqs, dtype=torch.float64)
    upper = torch.searchsorted(centres, bins).clamp(1, bands - 1)  # the centre above each bin
    left, right = centres[upper - 1], centres[upper]
    share = ((bins - left) / (right - left)).clamp(0, 1)  # of the upper band
    weights = torch.zeros(bands, len(bins), dtype=torch.float64)
    columns = torch.arange(len(bins))
    weights[upper - 1, columns] = 1 - share
    weights[upper, columns] += share
    return weights.float()


def neighbours(x: torch.Tensor) -> torch.Tensor:
    """`(B, C, N, F)` -> `(B, 3C, N, F)`: each frequency position with its two neighbours."""
    padded = nn.functional.pad(x, (1, 1))
    return torch.cat([padded[..., :-2], x, padded[..., 2:]], dim=1)


class Recurrent(nn.Module):
    """A recurrent gain per channel and frame from the channel's energy (GTCRN's TRA)."""

    def __init__(self, channels: int):
        super().__init__()
        self.gru = nn.GRU(channels, 2 * channels, batch_first=True)
        self.out = nn.Linear(2 * channels, channels)

    def forward(self, x):  # (B, C, N, F)
        energy = x.pow(2).mean(dim=-1).transpose(1, 2)  # (B, N, C)
        gain = torch.sigmoid(self.out(self.gru(energy)[0])).transpose(1, 2)
        return x * gain[..., None]


class GroupedTemporal(nn.Module):
    """Half the channels through a causal dilated depthwise convolution, half passed on,
    then interleaved (a ShuffleNet-style channel shuffle)."""

    def __init__(self, channels: int, dilation: int):
        super().__init__()
        half = channels // 2
        self.pad = 2 * dilation  # kernel 3 in time, all of it in the past
        self.inner = nn.Sequential(
            nn.Conv2d(3 * half, channels, 1), nn.BatchNorm2d(channels), nn.PReLU(channels))
        self.depthwise = nn.Sequential(
            nn.Conv2d(channels, channels, (3, 3), dilation=(dilation, 1), padding=(0, 1),
                      groups=channels), nn.BatchNorm2d(channels), nn.PReLU(channels))
        self.outer = nn.Sequential(nn.Conv2d(channels, half, 1), nn.BatchNorm2d(half))
        self.gain = Recurrent(half)

    def forward(self, x):
        a, b = x.chunk(2, dim=1)
        h = self.inner(neighbours(a))
        h = self.depthwise(nn.functional.pad(h, (0, 0, self.pad, 0)))
        h = self.gain(self.outer(h))
        return torch.stack([h, b], dim=2).flatten(1, 2)


class GroupedGRU(nn.Module):
    """`groups` GRUs side by side on slices of the features."""

    def __init__(self, features: int, groups: int, bidirectional: bool):
        super().__init__()
        size = features // groups
        self.grus = nn.ModuleList(
            nn.GRU(size, size // 2 if bidirectional else size, batch_first=True,
                   bidirectional=bidirectional) for _ in range(groups))

    def forward(self, x):  # (batch, length, features)
        parts = x.chunk(len(self.grus), dim=-1)
        return torch.cat([gru(p)[0] for gru, p in zip(self.grus, parts, strict=True)], dim=-1)


class DualPath(nn.Module):
    """Across frequency within each frame (both ways), then along time per position (causal)."""

    def __init__(self, channels: int, positions: int, groups: int):
        super().__init__()
        self.intra = GroupedGRU(channels, groups, bidirectional=True)
        self.intra_out, self.intra_norm = nn.Linear(channels, channels), nn.LayerNorm(
            (positions, channels), eps=1e-8)
        self.inter = GroupedGRU(channels, groups, bidirectional=False)
        self.inter_out, self.inter_norm = nn.Linear(channels, channels), nn.LayerNorm(
            (positions, channels), eps=1e-8)

    def forward(self, x):  # (B, C, N, F)
        b, c, n, f = x.shape
        h = x.permute(0, 2, 3, 1)  # (B, N, F, C)
        along_f = self.intra_out(self.intra(h.reshape(b * n, f, c))).reshape(b, n, f, c)
        h = h + self.intra_norm(along_f)
        along_t = self.inter(h.transpose(1, 2).reshape(b * f, n, c))
        along_t = self.inter_out(along_t).reshape(b, f, n, c).transpose(1, 2)
        h = h + self.inter_norm(along_t)
        return h.permute(0, 3, 1, 2)


def _down(c_in, c_out, groups=1):
    return nn.Sequential(nn.Conv2d(c_in, c_out, (1, 5), stride=(1, 2), padding=(0, 2),
                                   groups=groups), nn.BatchNorm2d(c_out), nn.PReLU(c_out))


def _up(c_in, c_out, groups=1, last=False):
    return nn.Sequential(nn.ConvTranspose2d(c_in, c_out, (1, 5), stride=(1, 2), padding=(0, 2),
                                            groups=groups), nn.BatchNorm2d(c_out),
                         nn.Tanh() if last else nn.PReLU(c_out))


class GTCRN(nn.Module):
    """`forward(spec)`: complex `(B, F, N)` -> the masked complex spectrum, same shape;
    `forward(spec, *others)`: that and each of `others` under the same mask (a training loss
    masks the clean speech alone with the mask the noisy mix drew)."""

    def __init__(self, config: GTCRNConfig):
        super().__init__()
        self.config = c = config
        self.register_buffer("erb", erb_filterbank(c.n_freqs, c.sample_rate, c.linear_bins,
                                                   c.erb_bands), persistent=False)
        positions = c.linear_bins + c.erb_bands
        for _ in range(2):
            positions = (positions + 1) // 2
        ch = c.channels
        self.encoder = nn.ModuleList([_down(9, ch), _down(ch, ch, c.groups),
                                      *(GroupedTemporal(ch, d) for d in c.dilations)])
        self.middle = nn.Sequential(*(DualPath(ch, positions, c.groups)
                                      for _ in range(c.rnn_blocks)))
        self.decoder = nn.ModuleList([*(GroupedTemporal(ch, d) for d in reversed(c.dilations)),
                                      _up(ch, ch, c.groups), _up(ch, 2, last=True)])

    def merge(self, x):  # (..., F) -> (..., linear + bands)
        low = self.config.linear_bins
        return torch.cat([x[..., :low], x[..., low:] @ self.erb.T], dim=-1)

    def spread(self, x):  # (..., linear + bands) -> (..., F)
        low = self.config.linear_bins
        return torch.cat([x[..., :low], x[..., low:] @ self.erb], dim=-1)

    def mask(self, spec: torch.Tensor) -> torch.Tensor:
        """The complex ratio mask `(B, F, N)` for a complex spectrum `(B, F, N)`."""
        x = spec.transpose(1, 2)  # (B, N, F)
        scale = x.abs().clamp_min(1e-12).pow(self.config.power - 1)
        z = x * scale
        h = torch.stack([z.abs(), z.real, z.imag], dim=1)  # (B, 3, N, F)
        h = neighbours(self.merge(h))
        skips = []
        for layer in self.encoder:
            h = layer(h)
            skips.append(h)
        h = self.middle(h)
        for layer, skip in zip(self.decoder, reversed(skips), strict=True):
            h = layer(h + skip)
        m = self.config.mask_bound * self.spread(h)  # (B, 2, N, F)
        imaginary = m[:, 1] if self.config.mask == "complex" else torch.zeros_like(m[:, 0])
        return torch.complex(m[:, 0], imaginary).transpose(1, 2)

    def forward(self, spec: torch.Tensor, *others: torch.Tensor):
        mask = self.mask(spec)
        if not others:
            return spec * mask
        return tuple(x * mask for x in (spec, *others))
