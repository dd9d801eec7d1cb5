"""Wideband training pairs: many voices, real and made noises, and the channels speech comes
through, drawn afresh for every example (for ours at 16 kHz, issue 15).

Speech: a random excerpt of an utterance (speechocean762: children and adults, women and
men), or FSDD's 8 kHz digits brought to the rate (band-limited speech as such, heard as an
8 kHz recording is: its noise band-limited alike, below 4 kHz). The channel:
a spectral tilt, and sometimes a band limit (telephone 300-3400 Hz, or a low-pass at 4, 5.5
or 7 kHz), applied alike to speech and noise, so the target is the speech as the channel
left it (a denoiser removes noise, it does not invent a band); then a random level. Noise:
an ESC-10 clip, or white, pink, brown, mains hum with harmonics, babble of other training
speakers, or clicks, at an SNR drawn from `snr_range`; some examples are clean speech,
passed through.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import soundfile as sf
import torch
from scipy import signal

from audiodemo.audio import load_audio
from audiodemo.denoise.noise import make_noise

SYNTHETIC = ("white", "pink", "brown", "hum", "babble", "clicks")
BAND_LIMITS = ((300.0, 3400.0), (0.0, 4000.0), (0.0, 5500.0), (0.0, 7000.0))
NARROW_BAND = (0.0, 4000.0)  # FSDD's band: what an 8 kHz recording holds


def clicks(n: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """Sparse decaying clicks (a few per second), about unit RMS."""
    out = np.zeros(n)
    for start in rng.integers(0, n, size=max(1, int(rng.uniform(1, 8) * n / sample_rate))):
        length = int(rng.uniform(0.001, 0.01) * sample_rate)
        burst = rng.standard_normal(length) * np.exp(-np.arange(length) / (length / 4))
        out[start : start + length] += burst[: n - start] * rng.uniform(0.2, 1.0)
    return out / max(np.sqrt(np.mean(out**2)), 1e-12)


def excerpt(path, seconds: float, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """A random excerpt of a file at its own rate, `seconds` long or the whole file."""
    info = sf.info(str(path))
    frames = min(info.frames, int(seconds * info.samplerate))
    start = int(rng.integers(0, info.frames - frames + 1))
    wave, _ = sf.read(str(path), start=start, frames=frames, dtype="float32", always_2d=True)
    wave = wave.mean(axis=1)
    if info.samplerate != sample_rate:
        wave = load_audio((info.samplerate, wave), sample_rate)[0]
    return wave


@dataclass
class Channel:
    """A spectral tilt and a band limit, the same for speech and noise."""

    tilt: float  # first-order pre-emphasis coefficient: > 0 brightens, < 0 darkens
    band: tuple[float, float] | None

    def __call__(self, wave: np.ndarray, sample_rate: int) -> np.ndarray:
        out = signal.lfilter([1.0, -self.tilt], [1.0], wave)
        out = out / np.sqrt(1 + self.tilt**2)  # about the level white noise had
        if self.band is not None:
            low, high = self.band
            nyquist = sample_rate / 2
            if low > 0:
                out = signal.sosfilt(signal.butter(4, [low / nyquist, high / nyquist], "band",
                                                   output="sos"), out)
            elif high < nyquist:
                out = signal.sosfilt(signal.butter(8, high / nyquist, output="sos"), out)
        return out


@dataclass
class WidebandPairs:
    """Draws `(noisy, clean)` batches of `(B, T)` float32 tensors at `sample_rate`."""

    speech: list  # paths of speech files
    noises: list[np.ndarray]  # recorded noise clips at `sample_rate`
    sample_rate: int = 16000
    seconds: float = 4.0
    snr_range: tuple[float, float] = (-5.0, 20.0)
    level_db: tuple[float, float] = (-38.0, -12.0)  # speech RMS, dB re full scale
    narrow_speech: list | None = None  # band-limited speech files (FSDD), sometimes drawn
    p_narrow: float = 0.1
    p_recorded: float = 0.5  # of noisy examples, a recorded noise; else a made one
    p_clean: float = 0.05
    p_band_limit: float = 0.2

    @property
    def length(self) -> int:
        return int(self.seconds * self.sample_rate)

    def voice(self, rng: np.random.Generator, narrow: bool = False) -> np.ndarray:
        """Speech of `length` samples: utterances joined with short pauses, cut at random;
        from the band-limited files if `narrow`."""
        n, parts, total = self.length, [], 0
        files = self.narrow_speech if narrow else self.speech
        while total < n:
            clip = excerpt(files[rng.integers(len(files))], self.seconds, self.sample_rate, rng)
            pause = np.zeros(int(rng.uniform(0, 0.3) * self.sample_rate), np.float32)
            parts += [clip, pause]
            total += len(clip) + len(pause)
        joined = np.concatenate(parts)
        start = int(rng.integers(0, len(joined) - n + 1))
        return joined[start : start + n].astype(np.float64)

    def noise(self, rng: np.random.Generator) -> np.ndarray:
        """About unit-RMS noise of `length` samples."""
        n = self.length
        if self.noises and rng.random() < self.p_recorded:
            clip = self.noises[rng.integers(len(self.noises))]
            clip = np.roll(np.resize(clip, max(n, len(clip))), -int(rng.integers(len(clip))))[:n]
            return clip / max(np.sqrt(np.mean(clip**2)), 1e-9)
        noise_type = SYNTHETIC[rng.integers(len(SYNTHETIC))]
        if noise_type == "clicks":
            return clicks(n, self.sample_rate, rng)
        talkers = [self.voice(rng) for _ in range(3)] if noise_type == "babble" else None
        return make_noise(noise_type, n, self.sample_rate, rng, talkers)

    def pair(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        narrow = bool(self.narrow_speech) and rng.random() < self.p_narrow
        speech = self.voice(rng, narrow)
        while np.sqrt(np.mean(speech**2)) < 1e-4:  # a crop of pause alone: draw again
            speech = self.voice(rng, narrow)
        band = (BAND_LIMITS[rng.integers(len(BAND_LIMITS))]
                if rng.random() < self.p_band_limit else None)
        if narrow and (band is None or band[1] > NARROW_BAND[1]):
            band = NARROW_BAND
        channel = Channel(float(rng.uniform(-0.6, 0.6)), band)
        clean = channel(speech, self.sample_rate)
        clean *= 10 ** (rng.uniform(*self.level_db) / 20) / max(np.sqrt(np.mean(clean**2)),
                                                                1e-9)
        if rng.random() < self.p_clean:
            noisy = clean
        else:
            noise = channel(self.noise(rng), self.sample_rate)
            snr = rng.uniform(*self.snr_range)
            scale = np.sqrt(np.mean(clean**2) / 10 ** (snr / 10) / max(np.mean(noise**2), 1e-20))
            noisy = clean + scale * noise
        peak = max(np.abs(noisy).max(), np.abs(clean).max())
        if peak > 0.99:  # a recording cannot pass full scale: both turned down
            noisy, clean = noisy * 0.99 / peak, clean * 0.99 / peak
        return noisy.astype(np.float32), clean.astype(np.float32)

    def batch(self, size: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        noisy, clean = zip(*(self.pair(rng) for _ in range(size)), strict=True)
        return torch.from_numpy(np.stack(noisy)), torch.from_numpy(np.stack(clean))
