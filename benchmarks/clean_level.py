"""Clean speech through ours, version 2: how much of its level comes back (issue 15, item 7).

    AUDIODEMO_SPEECHOCEAN=... python -m benchmarks.clean_level [--also CHECKPOINT ...]

A denoiser given clean speech should give it back. Inputs: three utterances of each of
speechocean762's twelve validation speakers (held out from training), at their own level and
at -40 dBFS, and the synthetic full-band voice of `tests/test_levels.py` (harmonics to the
Nyquist frequency under four formants, `benchmarks.levels.voice`) at 22.05 and 44.1 kHz,
peak -6 dBFS and -40 dBFS; each through the whole chain (`denoise_recording`, at the input's
own rate). For each model: output RMS minus input RMS in dB, overall and in bands, and the
median magnitude of the model's mask on the loud cells of the real voices (within 30 dB of
the loudest), which a clean input would want at 1. Prints Markdown for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from audiodemo import speechocean
from audiodemo.checkpoint import shipped_checkpoint
from audiodemo.denoise.denoiser import Denoiser
from audiodemo.denoise.fullband import denoise_recording
from audiodemo.spectrogram import stft
from benchmarks.levels import rms_db, voice

BANDS = ((0, 500), (500, 2000), (2000, 4000), (4000, 8000))
PER_SPEAKER = 3


def at_level(wave: np.ndarray, level: str) -> np.ndarray:
    if level == "-40 dBFS":
        return (wave * 10 ** ((-40 - rms_db(wave)) / 20)).astype(np.float32)
    return wave.astype(np.float32)


def band_gains(x: np.ndarray, y: np.ndarray, rate: int) -> list[float]:
    n_fft = 1024
    spec = [torch.stft(torch.from_numpy(w), n_fft, n_fft // 4, window=torch.hann_window(n_fft),
                       return_complex=True).abs().pow(2) for w in (x, y[: len(x)])]
    freqs = np.linspace(0, rate / 2, n_fft // 2 + 1)
    gains = []
    for lo, hi in BANDS:  # every band lies below 8 kHz, within any input here
        m = torch.from_numpy((freqs >= lo) & (freqs < hi))
        gains.append(10 * np.log10(float(spec[1][m].sum()) / max(float(spec[0][m].sum()), 1e-20)))
    return gains


def loud_mask_median(denoiser: Denoiser, wave: np.ndarray) -> float:
    spec = stft(torch.from_numpy(wave), denoiser.checkpoint.spectrogram)
    with torch.no_grad():
        mask = denoiser.checkpoint.model.mask(spec[None])[0]
    loud = spec.abs() > spec.abs().max() * 10 ** (-30 / 20)
    return float(mask.abs()[loud].median())


def voices(data) -> list[tuple[np.ndarray, int]]:
    """`PER_SPEAKER` utterances of each validation speaker: `(wave, rate)`."""
    kept, counts = [], Counter()
    for u in speechocean.list_utterances(data):
        if u.speaker in speechocean.VALIDATION_SPEAKERS and counts[u.speaker] < PER_SPEAKER:
            counts[u.speaker] += 1
            kept.append(sf.read(u.path, dtype="float32"))
    return kept


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=None, help="speechocean762 (default $AUDIODEMO_SPEECHOCEAN)")
    p.add_argument("--also", nargs="*", default=[], help="unshipped checkpoints beside ours")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    models = {"ours_wideband (shipped)": shipped_checkpoint("ours_wideband"),
              **{Path(c).name: c for c in args.also}}
    real = voices(args.data)
    groups = {f"{len(real)} held-out utterances": real,
              **{f"synthetic voice, {r / 1000:g} kHz": [(voice(r, 1.5), r)]
                 for r in (22050, 44100)}}
    print(f"| model | input | level | gain (dB) | {' | '.join(f'{a}-{b} Hz' for a, b in BANDS)} "
          f"| loud-cell mask |")
    print("|---|---|---|---|" + "---|" * len(BANDS) + "---|")
    for label, path in models.items():
        d = Denoiser.from_checkpoint(path)
        mask = np.median([loud_mask_median(d, w) for w, r in real if r == d.sample_rate])
        for name, items in groups.items():
            for level in ("own", "-40 dBFS"):
                gains, bands = [], []
                for wave, rate in items:
                    x = at_level(wave, level)
                    y = denoise_recording(d, x, rate)
                    gains.append(rms_db(y) - rms_db(x))
                    bands.append(band_gains(x, y, rate))
                cells = " | ".join(f"{v:+.1f}" for v in np.mean(bands, axis=0))
                shown = f"{np.mean(gains):+.1f} ({min(gains):+.1f} to {max(gains):+.1f})" \
                    if len(gains) > 1 else f"{gains[0]:+.1f}"
                tail = f"{mask:.2f}" if name.endswith("utterances") and level == "own" else ""
                print(f"| {label} | {name} | {level} | {shown} | {cells} | {tail} |", flush=True)


if __name__ == "__main__":
    main()
