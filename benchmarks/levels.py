"""Output level of every shipped denoiser against its input's (issue 13, item 2).

    python -m benchmarks.levels [--raw]

Inputs: the app's clean digit (8 kHz), its noisy digit (8 kHz, white noise in it), five
digits with white noise at 5 dB added at the model's own rate (the training condition), the
five digits resampled from 8 to 44.1 kHz (band-limited) with and without noise, and a
synthetic full-band voice at 44.1 kHz (harmonics with formants, syllables, a little pink
noise); each at its own level and at -40 dBFS. For each model: output RMS minus input RMS
(dB), the output's peak and its share of samples at full scale (|x| >= 0.99), with the
noisy phase. `--raw` shows the models without the cap on each cell's magnitude
(`boost_limit_db=inf`), i.e. before the fix. Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import math

import librosa
import numpy as np
import soundfile as sf
import torch

from audiodemo.checkpoint import shipped_checkpoint
from audiodemo.denoise.denoiser import DENOISERS, Denoiser
from audiodemo.denoise.noise import add_noise, colored_noise
from audiodemo.paths import ASSETS


def voice(rate: int, seconds: float = 2.0) -> np.ndarray:
    """A full-band synthetic voice: a gliding 150 Hz harmonic series under four formants."""
    t = np.arange(int(rate * seconds)) / rate
    f0 = 150 * (1 + 0.03 * np.sin(2 * np.pi * 5 * t)) * (1 + 0.2 * np.sin(2 * np.pi * 0.7 * t))
    phase = 2 * np.pi * np.cumsum(f0) / rate
    x = np.zeros_like(t)
    for k in range(1, int(rate / 2 / 190)):
        envelope = sum(a / (1 + ((k * 150 - c) / bw) ** 2) for c, bw, a in
                       [(700, 130, 1), (1200, 150, .6), (2600, 250, .3), (3500, 400, .15)])
        x += (envelope + 0.02) * np.sin(k * phase) / k ** 0.5
    x *= np.clip(np.sin(2 * np.pi * 2 * t), 0, None) ** 0.7  # syllables
    x /= np.sqrt(np.mean(x ** 2))
    x += 10 ** (-30 / 20) * colored_noise(len(x), 1.0, np.random.default_rng(0))
    return (0.5 * x / np.abs(x).max()).astype(np.float32)


def read(name: str) -> tuple[np.ndarray, int]:
    wave, rate = sf.read(ASSETS / name, dtype="float32")
    return wave, rate


def inputs(model_rate: int) -> dict[str, tuple[np.ndarray, int]]:
    rng = np.random.default_rng(0)
    digits, rate = read("digits_31415_theo.wav")
    at_model = librosa.resample(digits, orig_sr=rate, target_sr=model_rate)
    up = librosa.resample(digits, orig_sr=rate, target_sr=44100)
    return {
        "clean digit, 8 kHz": read("digit_7_jackson.wav"),
        "noisy digit, 8 kHz": read("digit_7_jackson_noisy.wav"),
        "digits + white 5 dB at the model's rate": (
            add_noise(at_model, "white", 5.0, model_rate, rng), model_rate),
        "digits 8 kHz upsampled to 44.1 kHz": (up, 44100),
        "the same + white 10 dB at 44.1 kHz": (add_noise(up, "white", 10.0, 44100, rng), 44100),
        "synthetic full-band voice, 44.1 kHz": (voice(44100), 44100),
    }


def rms_db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(x, np.float64) ** 2) + 1e-20))


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--raw", action="store_true", help="without the cap (the models as before)")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    print("| model | input | level | gain (dB) | peak | at full scale |")
    print("|---|---|---|---|---|---|")
    for name in DENOISERS:
        denoiser = Denoiser.from_checkpoint(shipped_checkpoint(name))
        if args.raw:
            denoiser.boost_limit_db = math.inf
        for label, (wave, rate) in inputs(denoiser.sample_rate).items():
            for level in ("own", "-40 dBFS"):
                x = wave if level == "own" else wave * 10 ** ((-40 - rms_db(wave)) / 20)
                out = denoiser(x.astype(np.float32), rate)
                at_rate = librosa.resample(x, orig_sr=rate, target_sr=denoiser.sample_rate)
                print(f"| {name} | {label} | {level} | {rms_db(out) - rms_db(at_rate):+.1f} | "
                      f"{np.abs(out).max():.2f} | {100 * np.mean(np.abs(out) >= 0.99):.1f} % |",
                      flush=True)


if __name__ == "__main__":
    main()
