"""Noise to corrupt clean speech: white, pink, brown, babble and mains hum, at a chosen SNR.

Every generator takes a numpy `Generator`, so a seed fixes the noise; `add_noise` scales the
noise so that the mixture has exactly the requested signal-to-noise ratio, and `mix` makes of
it what a recording could hold (never past full scale). A noise is named by its `noise_type`,
one of `NOISE_TYPES`.
"""

from __future__ import annotations

import numpy as np

NOISE_TYPES = ("white", "pink", "brown", "babble", "hum")


def colored_noise(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Noise with power ∝ 1/f^exponent (0 white, 1 pink, 2 brown), unit RMS."""
    spectrum = rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)
    f = np.arange(n // 2 + 1, dtype=np.float64)
    f[0] = 1.0  # no infinite DC gain
    noise = np.fft.irfft(spectrum / f ** (exponent / 2), n)
    return noise / max(np.sqrt(np.mean(noise**2)), 1e-12)


def hum(n: int, sample_rate: int, rng: np.random.Generator, mains_hz: float = 50.0) -> np.ndarray:
    """Mains hum: the mains frequency, its 2nd and odd harmonics up to the 7th, random
    phases, amplitudes falling as 1/k, plus a little hiss; unit RMS."""
    t = np.arange(n) / sample_rate
    noise = sum(
        np.sin(2 * np.pi * k * mains_hz * t + rng.uniform(0, 2 * np.pi)) / k
        for k in (1, 2, 3, 5, 7)
        if k * mains_hz < sample_rate / 2
    )
    noise = noise + 0.05 * rng.standard_normal(n)  # a little hiss, as real hum has
    return noise / np.sqrt(np.mean(noise**2))


def babble(n: int, talkers: list[np.ndarray], rng: np.random.Generator, voices: int = 6):
    """Several talkers at once, each a random clip looped from a random offset, unit RMS."""
    if not talkers:
        raise ValueError("babble needs recordings of other talkers")
    mix = np.zeros(n)
    for _ in range(voices):
        clip = talkers[rng.integers(len(talkers))]
        clip = clip / max(np.sqrt(np.mean(clip**2)), 1e-12)
        start = rng.integers(len(clip))
        mix += np.resize(np.roll(clip, -start), n)
    return mix / max(np.sqrt(np.mean(mix**2)), 1e-12)


def make_noise(
    noise_type: str, n: int, sample_rate: int, rng: np.random.Generator,
    talkers: list[np.ndarray] | None = None,
) -> np.ndarray:
    """Noise of a type in `NOISE_TYPES`, `n` samples long, of about unit RMS."""
    if noise_type == "white":
        return rng.standard_normal(n)
    if noise_type == "pink":
        return colored_noise(n, 1.0, rng)
    if noise_type == "brown":
        return colored_noise(n, 2.0, rng)
    if noise_type == "babble":
        return babble(n, talkers or [], rng)
    if noise_type == "hum":
        return hum(n, sample_rate, rng)
    raise ValueError(f"noise type must be one of {NOISE_TYPES}, got {noise_type!r}")


def add_noise(
    clean: np.ndarray, noise_type: str, snr_db: float, sample_rate: int,
    rng: np.random.Generator, talkers: list[np.ndarray] | None = None,
) -> np.ndarray:
    """`clean` plus noise scaled to `snr_db` (float32); `ValueError` for silent `clean`, which
    has no SNR. `clean` may be `(T, channels)`: one noise source, the same in every channel,
    against the power of all of them."""
    if not np.isfinite(snr_db):
        raise ValueError(f"SNR must be a finite number of dB, got {snr_db}")
    noise = make_noise(noise_type, len(clean), sample_rate, rng, talkers)
    noise = noise[:, None] if np.ndim(clean) == 2 else noise
    power = np.mean(clean.astype(np.float64) ** 2)
    if power == 0:
        raise ValueError("Cannot set an SNR on silent audio: the recording has no signal.")
    gain = np.sqrt(power / 10 ** (snr_db / 10) / np.mean(noise**2))
    return (clean + gain * noise).astype(np.float32)


def turned_down(wave: np.ndarray, peak: float = 0.99) -> tuple[np.ndarray, float]:
    """The wave scaled to peak at most `peak`, as a recording cannot pass full scale, and by
    how many dB it was turned down (0 when it fitted): a mix of loud speech and noise."""
    top = float(np.abs(wave).max()) if wave.size else 0.0
    if top <= peak:
        return wave, 0.0
    return wave * (peak / top), 20 * np.log10(top / peak)


def mix(
    clean: np.ndarray, noise_type: str, snr_db: float, sample_rate: int,
    rng: np.random.Generator, talkers: list[np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, float]:
    """`clean` plus noise at `snr_db` (`add_noise`) as a recording could hold it: where the mix
    would pass full scale, mix and speech are both turned down (`turned_down`), so the SNR
    stands. Returns the noisy mix, the clean speech at its level, and the dB turned down."""
    noisy, down = turned_down(add_noise(clean, noise_type, snr_db, sample_rate, rng, talkers))
    if down:
        clean = clean * 10 ** (-down / 20)
    return noisy, clean, down
