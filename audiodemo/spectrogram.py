"""The spectrogram core: STFT parameters, forward and inverse STFT, dB and normalisation.

Everything here is torch, matches librosa (`librosa.stft`, `librosa.istft`,
`librosa.amplitude_to_db`, `librosa.feature.melspectrogram`) and is differentiable where
that makes sense, so the same code serves the app, training and the tests.

Shapes: a wave is `(..., T)`; a spectrogram is `(..., F, N)` with `F = n_fft // 2 + 1`
frequency bins (or `n_mels` bands) and `N = 1 + T // hop_length` frames (centred frames).
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, replace

import librosa
import numpy as np
import torch

WINDOWS = ("hann", "hamming", "blackman", "rectangular")
MAX_CELLS = 20_000_000  # complex cells one STFT call may make (160 MB); more is refused


@dataclass(frozen=True)
class SpectrogramConfig:
    """How a wave becomes a spectrogram; one small value object shared by every model.

    Args:
        sample_rate: rate of the wave in Hz.
        n_fft: frame size in samples (the FFT length; the window has the same length).
        hop_length: samples between the starts of successive frames.
        window: `hann`, `hamming`, `blackman`, or `rectangular` (the paper's eq. 9 step window).
        db_floor: lowest level in dB (relative to full scale 1.0) kept by `amplitude_to_db`;
            also the bottom of the fixed normalisation range.
        db_ceiling: top of the fixed normalisation range in dB.
        n_mels: if set, magnitudes are pooled into this many mel bands.
        fmin: lowest mel band edge in Hz.
        fmax: highest mel band edge in Hz (None: the Nyquist frequency).
    """

    sample_rate: int = 22050
    n_fft: int = 512
    hop_length: int = 256
    window: str = "hann"
    db_floor: float = -80.0
    db_ceiling: float = 0.0
    n_mels: int | None = None
    fmin: float = 0.0
    fmax: float | None = None

    def __post_init__(self) -> None:
        if self.window not in WINDOWS:
            raise ValueError(f"window must be one of {WINDOWS}, got {self.window!r}")
        if self.n_fft < 16 or self.n_fft > 16384:
            raise ValueError(f"n_fft must be between 16 and 16384, got {self.n_fft}")
        if not 1 <= self.hop_length <= self.n_fft:
            raise ValueError(
                f"hop_length must be between 1 and n_fft={self.n_fft}, got {self.hop_length}"
            )
        if self.sample_rate <= 0:
            raise ValueError(f"sample_rate must be positive, got {self.sample_rate}")
        if self.db_floor >= self.db_ceiling:
            raise ValueError(f"db_floor {self.db_floor} must be below db_ceiling {self.db_ceiling}")

    @property
    def n_freqs(self) -> int:
        """Number of linear frequency bins, DC to Nyquist inclusive."""
        return self.n_fft // 2 + 1

    @property
    def frame_seconds(self) -> float:
        """Δt: the time between frames, in seconds."""
        return self.hop_length / self.sample_rate

    @property
    def bin_hz(self) -> float:
        """Δf: the spacing of frequency bins, in Hz."""
        return self.sample_rate / self.n_fft

    @property
    def invertible(self) -> bool:
        """Whether frames overlap enough for the inverse STFT: a hop of at most half a frame.

        With longer hops a tapered window's ends (zero for Hann and Blackman) leave gaps
        between frames, and with any window the last frame, centred at `(N - 1) * hop`,
        stops short of the end of the sound.
        """
        return self.hop_length <= self.n_fft // 2

    def check_invertible(self) -> None:
        """`ValueError`, saying which hop would do, where the config is not `invertible`."""
        if not self.invertible:
            raise ValueError(
                f"Frames of {self.n_fft} samples with a hop of {self.hop_length} overlap too "
                f"little to rebuild the sound from them: choose a hop of at most "
                f"{self.n_fft // 2} samples.")

    def to_dict(self) -> dict:
        """Plain types only, for checkpoints."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> SpectrogramConfig:
        """Inverse of `to_dict`."""
        return cls(**d)

    def with_(self, **changes) -> SpectrogramConfig:
        """A copy with some fields changed."""
        return replace(self, **changes)


def window_tensor(cfg: SpectrogramConfig) -> torch.Tensor:
    """The analysis window, periodic (as librosa's `fftbins=True`), float32."""
    n = cfg.n_fft
    if cfg.window == "hann":
        return torch.hann_window(n)
    if cfg.window == "hamming":
        return torch.hamming_window(n)
    if cfg.window == "blackman":
        return torch.blackman_window(n)
    return torch.ones(n)  # rectangular: w(n) = 1 inside the frame (paper eq. 9)


def stft(wave: torch.Tensor, cfg: SpectrogramConfig) -> torch.Tensor:
    """Complex STFT of `(..., T)` -> `(..., F, N)`, centred with zero padding like librosa.

    Raises `ValueError` where the result would exceed `MAX_CELLS` (a long sound at a tiny hop).
    """
    lead = wave.shape[:-1]
    frames = 1 + wave.shape[-1] // cfg.hop_length
    if frames * cfg.n_freqs * int(np.prod(lead)) > MAX_CELLS:
        raise ValueError(
            f"That spectrogram would have {frames:,} frames of {cfg.n_freqs:,} bins, more than "
            f"this app computes at once: choose a longer hop or a shorter sound."
        )
    flat = wave.reshape(-1, wave.shape[-1])  # (B, T)
    spec = torch.stft(
        flat,
        n_fft=cfg.n_fft,
        hop_length=cfg.hop_length,
        window=window_tensor(cfg).to(wave.device, wave.dtype),
        center=True,
        pad_mode="constant",
        return_complex=True,
    )  # (B, F, N)
    return spec.reshape(*lead, *spec.shape[-2:])


def istft(spec: torch.Tensor, cfg: SpectrogramConfig, length: int | None = None) -> torch.Tensor:
    """Inverse STFT of `(..., F, N)` -> `(..., T)`; `length` trims or pads to an exact size.

    Raises `ValueError` when the config is not `invertible`.
    """
    cfg.check_invertible()
    lead = spec.shape[:-2]
    flat = spec.reshape(-1, *spec.shape[-2:])  # (B, F, N)
    real = flat.real.dtype
    wave = torch.istft(
        flat,
        n_fft=cfg.n_fft,
        hop_length=cfg.hop_length,
        window=window_tensor(cfg).to(spec.device, real),
        center=True,
        length=length,
    )  # (B, T)
    return wave.reshape(*lead, wave.shape[-1])


@functools.lru_cache(maxsize=16)
def _mel_basis(sample_rate: int, n_fft: int, n_mels: int, fmin: float, fmax: float | None):
    basis = librosa.filters.mel(sr=sample_rate, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    return torch.from_numpy(basis)  # (n_mels, F)


def mel_basis(cfg: SpectrogramConfig) -> torch.Tensor:
    """librosa's Slaney-normalised mel filterbank, `(n_mels, F)`."""
    if cfg.n_mels is None:
        raise ValueError("this SpectrogramConfig has no n_mels")
    return _mel_basis(cfg.sample_rate, cfg.n_fft, cfg.n_mels, cfg.fmin, cfg.fmax)


def mel_frequencies(cfg: SpectrogramConfig) -> np.ndarray:
    """Centre frequencies in Hz of the mel bands."""
    fmax = cfg.fmax if cfg.fmax is not None else cfg.sample_rate / 2
    return librosa.mel_frequencies(n_mels=cfg.n_mels + 2, fmin=cfg.fmin, fmax=fmax)[1:-1]


def magnitude(wave: torch.Tensor, cfg: SpectrogramConfig) -> torch.Tensor:
    """|STFT|, pooled into mel bands (of the power, as librosa) when `cfg.n_mels` is set."""
    mag = stft(wave, cfg).abs()
    if cfg.n_mels is None:
        return mag
    power = torch.matmul(mel_basis(cfg).to(mag.dtype), mag**2)  # (..., n_mels, N)
    return power.sqrt()


def amplitude_to_db(mag: torch.Tensor, floor_db: float = -80.0) -> torch.Tensor:
    """20·log10(|x|) relative to full scale, clamped below at `floor_db`."""
    amin = 10.0 ** (floor_db / 20.0)
    return 20.0 * torch.log10(mag.clamp_min(amin))


def db_to_amplitude(db: torch.Tensor) -> torch.Tensor:
    """Inverse of `amplitude_to_db` above its floor."""
    return 10.0 ** (db / 20.0)


def normalise_db(db: torch.Tensor, cfg: SpectrogramConfig) -> torch.Tensor:
    """Map dB from the fixed range [db_floor, db_ceiling] to [0, 1], clipping outside it.

    The range is part of the config, so any clip, including one never seen in training,
    maps back with `denormalise_db`.
    """
    span = cfg.db_ceiling - cfg.db_floor
    return ((db - cfg.db_floor) / span).clamp(0.0, 1.0)


def denormalise_db(norm: torch.Tensor, cfg: SpectrogramConfig) -> torch.Tensor:
    """Inverse of `normalise_db`."""
    return norm * (cfg.db_ceiling - cfg.db_floor) + cfg.db_floor
