"""What a spectrogram picture shows, as arrays: values, their frequencies and times.

`spectrogram_view` applies the user's choices (frame, hop, window, frequency scale, dB) and
`pool` shrinks a view to a screen's worth of pixels, keeping peaks (max-pooling) so short
events stay visible.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import librosa
import numpy as np
import torch

from audiodemo.spectrogram import SpectrogramConfig, amplitude_to_db, magnitude, mel_frequencies

SCALES = ("linear", "log", "mel", "cqt", "chroma")
FRAME_SIZES = (128, 256, 512, 1024, 2048, 4096)  # the frame sizes the Spectrogram tab offers
CMAPS = ("magma", "viridis", "inferno", "gray_r", "coolwarm")
MAX_MELS = 128
CQT_FMIN = 32.70  # C1
# one line each on when a scale is the right one (shown under the picture)
SCALE_USES = {
    "linear": "linear: equal room for every hertz; harmonics of one note sit evenly spaced.",
    "log": "log: equal room for every octave, the way pitch is heard; the same bins drawn "
           "on a log axis, so low notes are few pixels of coarse bins.",
    "mel": "mel: bands spaced as the ear resolves pitch (narrow low, wide high); what speech "
           "models and the autoencoders' features use.",
    "cqt": "cqt (constant-Q): bins a semitone apart with a window long for low notes and short for "
           "high ones; for music, where notes are the unit.",
    "chroma": "chroma: the energy of each of the 12 pitch classes, octaves folded together; "
              "for harmony and key, not for timbre.",
}


@dataclass(frozen=True)
class SpectrogramView:
    """A spectrogram ready to draw.

    values: `(F, N)` magnitudes, or dB relative to the loudest cell when `in_db`.
    freqs: `(F,)` centre frequency of each row in Hz.
    times: `(N,)` centre time of each frame in seconds.
    """

    values: np.ndarray
    freqs: np.ndarray
    times: np.ndarray
    scale: str
    in_db: bool
    db_range: float

    @property
    def label(self) -> str:
        """What the colour bar measures."""
        if self.scale == "chroma":
            return "energy (share of the frame's loudest class)"
        return "level (dB re peak)" if self.in_db else "magnitude"


def view_config(cfg: SpectrogramConfig, scale: str) -> SpectrogramConfig:
    """The config that computes `scale`: mel adds bands, one per 8 FFT samples, at most 128.

    More bands than that leave the lowest ones narrower than a bin (empty filters).
    """
    if scale not in SCALES:
        raise ValueError(f"frequency scale must be one of {SCALES}, got {scale!r}")
    if scale != "mel":
        return cfg
    return cfg.with_(n_mels=min(MAX_MELS, cfg.n_fft // 8))


def spectrogram_view(
    wave: np.ndarray, cfg: SpectrogramConfig, scale: str = "linear",
    in_db: bool = True, db_range: float = 80.0,
) -> SpectrogramView:
    """Spectrogram of a mono wave under the display choices.

    Args:
        wave: `(T,)` float samples at `cfg.sample_rate`.
        cfg: STFT parameters.
        scale: `linear` or `log` (linear bins on a log axis), or `mel` (mel bands).
        in_db: show 20·log10 of the magnitude relative to its maximum, floored at `-db_range`.
        db_range: dynamic range shown in dB.
    """
    if db_range <= 0:
        raise ValueError(f"dB range must be positive, got {db_range}")
    if scale in ("cqt", "chroma"):
        return _musical_view(wave, cfg, scale, in_db, db_range)
    cfg = view_config(cfg, scale)
    mag = magnitude(torch.from_numpy(wave), cfg)  # (F, N)
    if in_db:
        peak = float(mag.max())
        values = amplitude_to_db(mag / max(peak, 1e-12), floor_db=-db_range).numpy()
    else:
        values = mag.numpy()
    if scale == "mel":
        freqs = mel_frequencies(cfg)
    else:
        freqs = np.arange(cfg.n_freqs) * cfg.bin_hz
    times = np.arange(values.shape[1]) * cfg.frame_seconds
    return SpectrogramView(values, freqs, times, scale, in_db, db_range)


def _musical_view(wave: np.ndarray, cfg: SpectrogramConfig, scale: str, in_db: bool,
                  db_range: float) -> SpectrogramView:
    """Constant-Q magnitudes (semitone bins from C1 up to 0.45 of the rate), or chroma
    (12 pitch classes, C first, from the STFT's power), at the config's hop."""
    sr, hop = cfg.sample_rate, cfg.hop_length
    if scale == "cqt":
        bins = int(min(96, np.floor(12 * np.log2(0.45 * sr / CQT_FMIN))))
        with warnings.catch_warnings():  # a short sound's low octaves, downsampled, are
            warnings.filterwarnings("ignore", "n_fft=.* is too large")  # shorter than a frame
            values = np.abs(librosa.cqt(np.asarray(wave, np.float32), sr=sr, hop_length=hop,
                                        fmin=CQT_FMIN, n_bins=bins))
        freqs = librosa.cqt_frequencies(bins, fmin=CQT_FMIN)
    else:
        power = magnitude(torch.from_numpy(wave), cfg).numpy() ** 2
        values = librosa.feature.chroma_stft(S=power, sr=sr, n_fft=cfg.n_fft)
        freqs = np.arange(12.0)  # pitch classes
    in_db = in_db and scale == "cqt"  # chroma: shares of each frame's energy, 0 to 1
    if in_db:
        values = amplitude_to_db(torch.from_numpy(values / max(float(values.max()), 1e-12)),
                                 floor_db=-db_range).numpy()
    times = np.arange(values.shape[1]) * hop / sr
    return SpectrogramView(values.astype(np.float32), freqs, times, scale, in_db, db_range)


def shared_db_views(
    waves: dict[str, np.ndarray], cfg: SpectrogramConfig, db_range: float = 80.0
) -> dict[str, SpectrogramView]:
    """dB views of several waves relative to the loudest cell of all, so colours compare."""
    mags = {name: magnitude(torch.from_numpy(w), cfg) for name, w in waves.items()}
    peak = max(max(float(m.max()) for m in mags.values()), 1e-12)
    freqs = np.arange(cfg.n_freqs) * cfg.bin_hz
    views = {}
    for name, mag in mags.items():
        values = amplitude_to_db(mag / peak, floor_db=-db_range).numpy()
        times = np.arange(values.shape[1]) * cfg.frame_seconds
        views[name] = SpectrogramView(values, freqs, times, "linear", True, db_range)
    return views


def pool(view: SpectrogramView, max_frames: int = 800, max_rows: int = 512) -> SpectrogramView:
    """Max-pool a view to at most `max_frames` columns and `max_rows` rows.

    Each pooled cell keeps the loudest value of its block and sits at the block's centre.
    """
    f_step = math.ceil(view.values.shape[0] / max_rows)
    t_step = math.ceil(view.values.shape[1] / max_frames)
    if f_step == 1 and t_step == 1:
        return view
    v = torch.from_numpy(np.ascontiguousarray(view.values))[None, None]  # (1, 1, F, N)
    pooled = torch.nn.functional.max_pool2d(v, (f_step, t_step), ceil_mode=True)[0, 0]
    return SpectrogramView(
        pooled.numpy(), _centres(view.freqs, f_step), _centres(view.times, t_step),
        view.scale, view.in_db, view.db_range,
    )


def _centres(axis: np.ndarray, step: int) -> np.ndarray:
    """The mean coordinate of each block of `step` values (the last block may be shorter)."""
    starts = np.arange(0, len(axis), step)
    counts = np.diff(np.append(starts, len(axis)))
    return np.add.reduceat(np.asarray(axis, dtype=np.float64), starts) / counts


def resolution_text(cfg: SpectrogramConfig) -> str:
    """Δt and Δf in words, for learners."""
    frame_ms = 1000 * cfg.n_fft / cfg.sample_rate
    hop_ms = 1000 * cfg.frame_seconds
    overlap = 100 * (1 - cfg.hop_length / cfg.n_fft)
    return (
        f"**Frame** {cfg.n_fft} samples = {frame_ms:.1f} ms at {cfg.sample_rate} Hz; "
        f"**hop** {cfg.hop_length} samples, so a new column every **Δt = {hop_ms:.1f} ms** "
        f"({overlap:.0f} % overlap). Frequency bins are **Δf = {cfg.bin_hz:.1f} Hz** apart, "
        f"up to {cfg.sample_rate / 2:.0f} Hz (Nyquist). A longer frame sharpens frequency "
        f"and blurs time; a shorter one does the opposite."
    )
