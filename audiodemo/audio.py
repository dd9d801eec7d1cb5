"""Audio in and out: the one place that turns files and Gradio tuples into mono float32.

`load_audio` accepts a path to a WAV, FLAC, OGG or MP3 file (read by soundfile, whose wheel
bundles libsndfile) or a Gradio `(sample_rate, array)` tuple, downmixes to mono, converts
integer samples to [-1, 1] and resamples (soxr, through librosa); `load_excerpt` does the same
but keeps the first seconds of a sound that is too long instead of refusing it. Bad input
raises `ValueError` with a message a user can act on. `to_int16` goes the other way, for
players that must keep loudness differences audible.
"""

from __future__ import annotations

import os
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf

MAX_SECONDS = 60.0
MIN_RATE, MAX_RATE = 1000, 384000
FORMATS = "WAV, FLAC, OGG or MP3"

AudioSource = str | os.PathLike | tuple[int, np.ndarray]


def load_audio(
    source: AudioSource, sample_rate: int | None = None, max_seconds: float = MAX_SECONDS,
    channels: bool = False,
) -> tuple[np.ndarray, int]:
    """Read audio as mono float32 (with `channels`: `(T, channels)`), refusing anything
    longer than `max_seconds`.

    Args:
        source: a file path, or a `(sample_rate, samples)` tuple as Gradio's numpy audio gives:
            samples `(n,)` or `(n, channels)`, integer or float.
        sample_rate: rate to resample to; None keeps the source's rate.
        max_seconds: longest accepted duration, checked before the samples are decoded.

    Returns:
        `(wave, sample_rate)`: a `(T,)` float32 array and its rate.

    Raises:
        ValueError: unreadable, empty, too long, non-finite, or an implausible sample rate.
    """
    wave, rate, _ = _load(source, sample_rate, max_seconds, refuse=True, channels=channels)
    return wave, rate


def load_excerpt(
    source: AudioSource, sample_rate: int | None = None, max_seconds: float = MAX_SECONDS,
    channels: bool = False,
) -> tuple[np.ndarray, int, float | None]:
    """The first `max_seconds` of a sound as mono float32 (with `channels`: `(T, channels)`):
    `load_audio` that cuts, not refuses.

    Only the kept samples are decoded, so an hour-long file costs what its first minute does.

    Returns:
        `(wave, sample_rate, cut)`: `cut` is None when the whole sound fitted, else the
        source's duration in seconds (`inf` where a file's header does not say).

    Raises:
        ValueError: unreadable, empty, non-finite, or an implausible sample rate.
    """
    return _load(source, sample_rate, max_seconds, refuse=False, channels=channels)


def _load(source: AudioSource, sample_rate: int | None, max_seconds: float,
          refuse: bool, channels: bool = False) -> tuple[np.ndarray, int, float | None]:
    """`load_excerpt`, or with `refuse` `load_audio`: too long is refused before decoding
    where the length is known (a file's header, an array's shape)."""
    if isinstance(source, tuple):
        rate, samples = source
        samples = np.asarray(samples)
        _check_rate(rate)
        keep = int(max_seconds * rate)
        cut = samples.shape[0] / rate if samples.shape[0] > keep else None
        if refuse and cut is not None:
            _check_duration(cut, max_seconds)
        wave = _to_float(samples[:keep])
    else:
        wave, rate, cut = _read_file(Path(source), max_seconds, refuse)
    if not np.all(np.isfinite(wave)):  # before mixing, where +inf and -inf would make NaN
        raise ValueError("The audio contains NaN or infinite samples.")
    wave = _as_channels(wave) if channels else _downmix(wave)
    if wave.size == 0:
        raise ValueError("The audio is empty: it has no samples.")
    if sample_rate is not None and sample_rate != rate:
        _check_rate(sample_rate)
        wave = librosa.resample(wave, orig_sr=rate, target_sr=sample_rate, axis=0)
        rate = sample_rate
    return wave.astype(np.float32, copy=False), int(rate), cut


def _read_file(path: Path, max_seconds: float,
               refuse: bool) -> tuple[np.ndarray, int, float | None]:
    """Decode at most the first `max_seconds` of a file after checking it exists and is
    audio; also its duration where it was longer (see `load_excerpt`). With `refuse`, a file
    too long is refused instead, from its header where that gives the length."""
    if not path.is_file():
        raise ValueError(f"No audio file at {path.name!r}.")
    if path.stat().st_size == 0:
        raise ValueError(f"{path.name!r} is empty (0 bytes).")
    try:
        info = sf.info(str(path))
    except Exception as err:  # libsndfile says little more than "unknown format"
        raise ValueError(f"Could not read {path.name!r}: not a {FORMATS} file "
                         f"({_without_path(err, path)}).") from None
    _check_rate(info.samplerate)
    if refuse and info.frames > 0:  # MP3 and some OGG files report no length before decoding
        _check_duration(info.frames / info.samplerate, max_seconds)
    keep = int(max_seconds * info.samplerate)
    try:  # one sample more than kept tells a file without a length that it went on
        wave, rate = sf.read(str(path), frames=keep + 1, dtype="float32", always_2d=True)
    except Exception as err:
        raise ValueError(f"Could not decode {path.name!r}: the file is damaged "
                         f"({_without_path(err, path)}).") from None
    if wave.shape[0] <= keep:
        return wave, rate, None
    cut = info.frames / rate if info.frames > keep else float("inf")
    if refuse:
        _check_duration(cut, max_seconds)
    return wave[:keep], rate, cut


def _without_path(err: Exception, path: Path) -> str:
    """The library's message with the server's folder left out (users see only the name)."""
    return str(err).replace(str(path), path.name)


def _to_float(samples: np.ndarray) -> np.ndarray:
    """Integer PCM to [-1, 1); floats pass through."""
    if samples.dtype.kind == "f":
        return samples.astype(np.float32)
    if samples.dtype.kind == "u":  # unsigned PCM (8-bit WAV) is centred on half scale
        half = 2 ** (8 * samples.dtype.itemsize - 1)
        return ((samples.astype(np.float64) - half) / half).astype(np.float32)
    if samples.dtype.kind == "i":
        scale = 2 ** (8 * samples.dtype.itemsize - 1)
        return (samples.astype(np.float64) / scale).astype(np.float32)
    raise ValueError(f"Unsupported sample type {samples.dtype}.")


def _downmix(wave: np.ndarray) -> np.ndarray:
    """`(T,)` or `(T, channels)` -> `(T,)` by averaging channels."""
    if wave.ndim == 1:
        return wave
    if wave.ndim == 2:
        return wave.mean(axis=1)
    raise ValueError(f"Audio must be (samples,) or (samples, channels), got shape {wave.shape}.")


def _as_channels(wave: np.ndarray) -> np.ndarray:
    """`(T,)` or `(T, channels)` -> `(T, channels)`."""
    if wave.ndim == 1:
        return wave[:, None]
    if wave.ndim == 2:
        return wave
    raise ValueError(f"Audio must be (samples,) or (samples, channels), got shape {wave.shape}.")


def _check_rate(rate: int) -> None:
    if not MIN_RATE <= rate <= MAX_RATE:
        raise ValueError(f"Sample rate {rate} Hz is outside {MIN_RATE}-{MAX_RATE} Hz.")


def length_text(seconds: float) -> str:
    """"12.5 s long", or "longer" for a file whose header does not say (`inf`)."""
    return "longer" if seconds == float("inf") else f"{seconds:.1f} s long"


def _check_duration(seconds: float, max_seconds: float) -> None:
    if seconds > max_seconds:
        raise ValueError(f"The audio is {length_text(seconds)}; the limit is {max_seconds:g} s. "
                         f"Trim it first.")


def to_int16(wave: np.ndarray) -> np.ndarray:
    """Float wave to int16 PCM, clipping at full scale (no peak normalisation)."""
    return (np.clip(wave, -1.0, 1.0 - 1.0 / 32768) * 32768).astype(np.int16)


def save_wav(path: str | os.PathLike, wave: np.ndarray, sample_rate: int) -> None:
    """Write 16-bit PCM WAV."""
    sf.write(str(path), to_int16(wave), sample_rate, subtype="PCM_16")
