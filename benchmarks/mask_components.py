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
dB re the clean speech, the speech lost (S - MS) and the noise left (MN), and the largest
level of what the split misses (the app's output less MS and MN; the app caps a cell at the
noisy one). Prints Markdown for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

import numpy as np
import torch

from audiodemo import fsdd
from audiodemo.audio import load_audio
from audiodemo.checkpoint import shipped_checkpoint
from audiodemo.denoise import systems
from audiodemo.denoise.denoiser import Denoiser
from audiodemo.denoise.dnsmos import dnsmos
from audiodemo.spectrogram import istft, stft
from benchmarks.denoise import RATE as FSDD_RATE
from benchmarks.denoise import digit_strings, noisy_at
from benchmarks.levels import rms_db
from benchmarks.wideband import RATE, mixtures

FSDD_SPEAKER, FSDD_STRINGS = "theo", 4  # as `benchmarks.wideband --strings 4`
PARTS = ("clean speech", "noisy mix", "output", "speech kept (MS)", "noise left (MN)")


def parts(denoiser: Denoiser, clean: np.ndarray, noise: np.ndarray,
          rate: int = RATE) -> dict[str, np.ndarray]:
    """The waves of `PARTS` for one mix at `rate`. The output is the app's
    (`systems.levelled`: a quiet mix raised first); MS and MN are the same mask on the speech
    and on the noise, each raised by the same gain and resampled to the model's rate and back
    as the app does (`load_audio`), both linear."""
    cfg = denoiser.checkpoint.spectrogram
    gain = systems.raise_to(clean + noise, systems.LEVELLED[denoiser.checkpoint.kind])

    def at(wave, source, target):
        return wave if source == target else load_audio((source, wave), target)[0]

    waves = [at((gain * x).astype(np.float32), rate, cfg.sample_rate)
             for x in (clean + noise, clean, noise)]
    spectra = [stft(torch.from_numpy(w)[None], cfg) for w in waves]
    with torch.no_grad():
        mask = denoiser.checkpoint.model.mask(spectra[0])
    kept = [at(istft(x * mask, cfg, length=len(waves[0]))[0].numpy(), cfg.sample_rate,
               rate)[: len(clean)] / gain for x in spectra[1:]]
    output = systems.levelled(denoiser, clean + noise, rate)
    return dict(zip(PARTS, [clean, clean + noise, output, *kept], strict=True))


def held_out(mixes, snr: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """(clean, noise) at 16 kHz: `benchmarks.wideband.mixtures` with the noise at `snr`."""
    return [(clean, noise * 10 ** ((rms_db(clean) - snr) / 20)) for clean, noise, _ in mixes]


def fsdd_white(strings, snr: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """(clean, noise) at 8 kHz: FSDD strings under white noise at `snr`, as
    `benchmarks.wideband` mixes them."""
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
    if args.fsdd:  # the recordings read once, the noise made at each SNR
        data = digit_strings(fsdd.list_recordings(), FSDD_SPEAKER, FSDD_STRINGS)
        signals, rate = partial(fsdd_white, data), FSDD_RATE
    else:
        signals, rate = partial(held_out, mixtures(1)), RATE
    print("| model | SNR (dB) | part | OVRL | SIG | BAK | speech lost (dB) | noise left (dB) "
          "| output - MS - MN (dB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, path in models.items():
        denoiser = Denoiser.from_checkpoint(path)
        for snr in args.snrs:
            scores, lost, left, rest = {k: [] for k in PARTS}, [], [], []
            for clean, noise in signals(snr):
                waves = parts(denoiser, clean, noise, rate)
                for k, w in waves.items():
                    scores[k].append(dnsmos(w.astype(np.float32), rate))
                kept, noise_left = waves["speech kept (MS)"], waves["noise left (MN)"]
                lost.append(rms_db(clean - kept) - rms_db(clean))
                left.append(rms_db(noise_left) - rms_db(clean))
                # the split is exact where the app's output is the mask on the mix alone
                rest.append(rms_db(waves["output"] - kept - noise_left) - rms_db(clean))
            for k in PARTS:
                mos = " | ".join(f"{np.mean([s[m] for s in scores[k]]):.2f}"
                                 for m in ("OVRL", "SIG", "BAK"))
                tail = (f"{np.mean(lost):.1f} | {np.mean(left):.1f} | {max(rest):.0f}"
                        if k == "output" else " | | ")
                print(f"| {label} | {snr:g} | {k} | {mos} | {tail} |", flush=True)


if __name__ == "__main__":
    main()
