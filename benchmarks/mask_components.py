"""What lowers DNSMOS on ours, version 2: the speech its mask takes away, or the noise it leaves?

    AUDIODEMO_SPEECHOCEAN=... AUDIODEMO_ESC10=... python -m benchmarks.mask_components \
        [--also CHECKPOINT ...] [--snrs 5] [--fsdd]

A complex mask M is linear in what it is applied to: M(S + N) = MS + MN. So the output of
ours splits into the speech it kept (MS: the mask the noisy mix drew, applied to the clean
speech alone) and the noise it left (MN). Signals: `benchmarks.wideband`'s first utterance of
each of the twelve validation speakers under ESC-10 fold 4, at each SNR; with `--fsdd`, its
FSDD strings under white noise at 8 kHz (`$AUDIODEMO_FSDD`; mixed, split and scored at 8 kHz,
the model at its own rate between). Levelled as the app levels them. For each model: DNSMOS
P.835 (OVRL, SIG, BAK) of the clean speech, the mix, the output, MS and MN; and two levels in
dB re the clean speech, the speech lost (S - MS) and the noise left (MN). Prints Markdown
for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import librosa
import numpy as np
import torch

from audiodemo import fsdd
from audiodemo.checkpoint import shipped_checkpoint
from audiodemo.denoise.denoiser import Denoiser
from audiodemo.denoise.dnsmos import dnsmos
from audiodemo.denoise.systems import LEVELLED, raise_to
from audiodemo.spectrogram import istft, stft
from benchmarks.denoise import RATE as FSDD_RATE
from benchmarks.denoise import digit_strings, noisy_at
from benchmarks.levels import rms_db
from benchmarks.wideband import RATE, mixtures

FSDD_SPEAKER, FSDD_STRINGS = "theo", 4  # as `benchmarks.wideband --strings 4`
PARTS = ("clean speech", "noisy mix", "output", "speech kept (MS)", "noise left (MN)")


def parts(denoiser: Denoiser, clean: np.ndarray, noise: np.ndarray,
          rate: int = RATE) -> dict[str, np.ndarray]:
    """The waves of `PARTS` for one mix at `rate`, at the app's level (a quiet mix raised
    first); resampling is linear too, so each part goes to the model's rate and back alone."""
    cfg = denoiser.checkpoint.spectrogram
    gain = raise_to(clean + noise, LEVELLED["gtcrn"])  # as `systems.levelled`
    waves = [resampled(gain * x, rate, cfg.sample_rate) for x in (clean + noise, clean, noise)]
    spectra = [stft(torch.from_numpy(w)[None], cfg) for w in waves]
    with torch.no_grad():
        mask = denoiser.checkpoint.model.mask(spectra[0])
    made = [resampled(istft(x * mask, cfg, length=len(waves[0]))[0].numpy(), cfg.sample_rate,
                      rate)[: len(clean)] / gain for x in spectra]
    return dict(zip(PARTS, [clean, clean + noise, *made], strict=True))


def resampled(wave: np.ndarray, rate: int, to: int) -> np.ndarray:
    wave = np.asarray(wave, np.float32)
    return wave if rate == to else librosa.resample(wave, orig_sr=rate, target_sr=to)


def held_out(snr: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """(clean, noise) at 16 kHz: `benchmarks.wideband`'s mixes, one a speaker, at `snr`."""
    return [(clean, noise * 10 ** ((rms_db(clean) - snr) / 20)) for clean, noise, _ in mixtures(1)]


def fsdd_white(snr: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """(clean, noise) at 8 kHz: `benchmarks.wideband`'s FSDD strings under white noise."""
    strings = digit_strings(fsdd.list_recordings(), FSDD_SPEAKER, FSDD_STRINGS)
    return [(c, noisy_at(c, FSDD_RATE, "white", snr, i, None) - c)
            for i, c in enumerate(strings)]


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--also", nargs="*", default=[], help="unshipped checkpoints beside ours")
    p.add_argument("--snrs", nargs="*", type=float, default=[5.0])
    p.add_argument("--fsdd", action="store_true", help="FSDD digits in white noise, 8 kHz")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    models = {"ours_wideband (shipped)": shipped_checkpoint("ours_wideband"),
              **{Path(c).name: c for c in args.also}}
    signals, rate = (fsdd_white, FSDD_RATE) if args.fsdd else (held_out, RATE)
    print("| model | SNR (dB) | part | OVRL | SIG | BAK | speech lost (dB) | noise left (dB) |")
    print("|---|---|---|---|---|---|---|---|")
    for label, path in models.items():
        denoiser = Denoiser.from_checkpoint(path)
        for snr in args.snrs:
            scores, lost, left = {k: [] for k in PARTS}, [], []
            for clean, noise in signals(snr):
                waves = parts(denoiser, clean, noise, rate)
                for k, w in waves.items():
                    scores[k].append(dnsmos(w.astype(np.float32), rate))
                lost.append(rms_db(clean - waves["speech kept (MS)"]) - rms_db(clean))
                left.append(rms_db(waves["noise left (MN)"]) - rms_db(clean))
            for k in PARTS:
                mos = " | ".join(f"{np.mean([s[m] for s in scores[k]]):.2f}"
                                 for m in ("OVRL", "SIG", "BAK"))
                tail = f"{np.mean(lost):.1f} | {np.mean(left):.1f}" if k == "output" else " | "
                print(f"| {label} | {snr:g} | {k} | {mos} | {tail} |", flush=True)


if __name__ == "__main__":
    main()
