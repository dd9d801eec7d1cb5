"""Where the errors of ours are: speech distortion or residual noise, against the oracle.

    python -m benchmarks.denoise_errors --data ../shared/data/fsdd [--strings 4]

On the denoising benchmark's strings (speaker theo, white noise) it measures, for ours and
the oracle ideal ratio mask: the log-spectral distance to the clean spectrum in speech
frames (dB; bins floored at 1e-5), the noise left in pauses (frames whose clean energy is
below 1e-4 of the loudest; dB relative to the noisy input there), and PESQ. Then the same
model's PESQ when its mask is held above a floor or raised to a power, the usual ways of
trading noise for less distortion.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from audiodemo import fsdd
from audiodemo.checkpoint import shipped_checkpoint
from audiodemo.denoise.denoiser import Denoiser
from audiodemo.denoise.metrics import pesq_nb
from audiodemo.denoise.presets import OURS_SPEC
from audiodemo.paths import FSDD_ENV
from audiodemo.phase import reconstruct
from audiodemo.spectrogram import stft
from benchmarks.denoise import RATE, digit_strings, ideal_ratio_mask, noisy_at


def _mag(wave: np.ndarray) -> torch.Tensor:
    return stft(torch.from_numpy(np.ascontiguousarray(wave, np.float32)), OURS_SPEC).abs()


def error_split(clean: np.ndarray, noisy: np.ndarray, out: np.ndarray) -> tuple[float, float]:
    """(log-spectral distance in speech frames, residual noise in pauses in dB)."""
    s, y, e = _mag(clean), _mag(noisy), _mag(out)
    energy = (s**2).sum(0)
    pause = energy < 1e-4 * energy.max()
    lsd = (20 * torch.log10((e[:, ~pause] + 1e-5) / (s[:, ~pause] + 1e-5))).abs().mean()
    residual = 10 * torch.log10((e[:, pause] ** 2).sum() / (y[:, pause] ** 2).sum())
    return float(lsd), float(residual)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=None, help=f"FSDD folder (default ${FSDD_ENV})")
    p.add_argument("--strings", type=int, default=4, help="test strings (max 10)")
    p.add_argument("--snr", type=float, default=5.0, help="input SNR in dB")
    p.add_argument("--ours", default="ours", help="checkpoint name or path")
    args = p.parse_args(argv)
    denoiser = Denoiser.from_checkpoint(shipped_checkpoint(args.ours))
    strings = digit_strings(fsdd.list_recordings(args.data), "theo", args.strings)
    rows: dict[str, list] = {"ours": [], "oracle IRM": []}
    variants: dict[str, list] = {}
    for i, clean in enumerate(strings):
        noisy = noisy_at(clean, RATE, "white", args.snr, seed=1000 * int(args.snr) + i,
                         talkers=None)
        for name, out in [("ours", denoiser(noisy, RATE)),
                          ("oracle IRM", ideal_ratio_mask(clean, noisy))]:
            rows[name].append([*error_split(clean, noisy, out), pesq_nb(clean, out, RATE)])
        spec = stft(torch.from_numpy(noisy), OURS_SPEC)
        mask = (denoiser.estimate_magnitude(spec.abs()) / spec.abs().clamp_min(1e-8)).clamp(0, 1)
        for floor, power in [(0.0, 1.0), (0.03, 1.0), (0.1, 1.0), (0.2, 1.0), (0.0, 0.7)]:
            shaped = mask.pow(power).clamp_min(floor) * spec.abs()
            out = reconstruct(shaped, spec.angle(), OURS_SPEC, length=len(noisy)).numpy()
            variants.setdefault(f"mask floor {floor}, power {power}", []).append(
                pesq_nb(clean, out, RATE))
    print(f"## Where the errors are (white noise at {args.snr:g} dB, speaker theo, "
          f"{len(strings)} strings)\n")
    print("| system | log-spectral distance in speech frames (dB) | noise left in pauses "
          "(dB re input) | PESQ |")
    print("|---|---|---|---|")
    for name, values in rows.items():
        lsd, residual, pesq = np.mean(values, axis=0)
        print(f"| {name} | {lsd:.1f} | {residual:.1f} | {pesq:.2f} |")
    print("\n| ours with its mask reshaped | PESQ |\n|---|---|")
    for name, values in variants.items():
        print(f"| {name} | {np.mean(values):.2f} |")


if __name__ == "__main__":
    main()
