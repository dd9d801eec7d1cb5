"""Wideband denoising benchmark (issue 15): held-out voices under held-out real noises, scored
at 16 kHz, every system in one run; prints Markdown tables for BENCHMARKS.md.

    python -m benchmarks.wideband [--checkpoint runs/ours_wideband.pt] [--clips 2]
    python -m benchmarks.wideband --also runs/candidate.pt --only gtcrn DeepFilterNet

Signals: `--clips` utterances of each of speechocean762's twelve validation speakers (girls,
women, boys, men; never trained on), at most 6 s each, under ESC-10 fold 4 (never trained
on), one clip each in turn, at 0, 5 and 10 dB SNR with fixed seeds. Every system gets the
16 kHz mix and returns 16 kHz (`denoise.fullband` for the models of other rates). Scores:
SI-SDR, wide-band PESQ and STOI against the clean utterance, DNSMOS P.835 (no reference),
and CPU seconds per second of audio (process time, this process only). Also: FSDD test
strings with white noise at 8 kHz, as `benchmarks.denoise` measures the 8 kHz models.
Needs `$AUDIODEMO_SPEECHOCEAN`, `$AUDIODEMO_ESC10` and `$AUDIODEMO_FSDD` (or the flags).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from audiodemo import esc10, fsdd, speechocean
from audiodemo.audio import load_audio
from audiodemo.checkpoint import shipped_checkpoint
from audiodemo.denoise import peers, systems
from audiodemo.denoise.denoiser import Denoiser, load_denoiser
from audiodemo.denoise.dnsmos import dnsmos
from audiodemo.denoise.fullband import denoise_recording
from audiodemo.denoise.metrics import quality, wideband_quality
from benchmarks.denoise import digit_strings, noisy_at, spectral_gating

RATE = 16000
SNRS = (0, 5, 10)
SECONDS = 6.0
CLEAN = "clean speech itself"


def mixtures(clips: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """(clean, noise at unit RMS, SNR index) for each held-out utterance, noises in turn."""
    _, val = speechocean.split(speechocean.list_utterances())
    noises = esc10.split(esc10.list_clips())[1]
    chosen = []
    for speaker in speechocean.VALIDATION_SPEAKERS:
        chosen += [u for u in val if u.speaker == speaker][:clips]
    rng = np.random.default_rng(seed)
    out = []
    for i, utterance in enumerate(chosen):
        clean = load_audio(utterance.path, RATE)[0][: int(SECONDS * RATE)]
        noise = np.resize(load_audio(noises[i % len(noises)].path, RATE)[0], len(clean))
        noise = np.roll(noise, int(rng.integers(len(noise))))
        out.append((clean, noise / max(np.sqrt(np.mean(noise**2)), 1e-9), i))
    return out


def contenders(checkpoint: str, also: list[str] = ()) -> dict:
    """name -> denoise(wave, rate) at that rate; `CLEAN` is no system: its row scores the
    clean utterances themselves (DNSMOS hears their room noise too). `also`: more gtcrn
    checkpoints, each a row of its own (a candidate beside the shipped one)."""
    found = {CLEAN: None, "noisy input": lambda y, r: y}
    ours = Denoiser.from_checkpoint(shipped_checkpoint(checkpoint))
    # as the app runs it: a quiet recording raised into the levels it trained at
    found["ours (gtcrn, 16 kHz)"] = lambda y, r: systems.levelled(ours, y, r)
    found["ours (gtcrn, 16 kHz), not levelled"] = lambda y, r: denoise_recording(ours, y, r)
    for path in also:
        found[f"ours (gtcrn, 16 kHz), {path.rsplit('/', 1)[-1]}"] = (
            lambda y, r, d=Denoiser.from_checkpoint(shipped_checkpoint(path)):
            systems.levelled(d, y, r))
    for name, label in [("ours", "ours (U-Net, 8 kHz)"), ("paper_dcae", "paper DCAE"),
                        ("paper_vae", "paper VAE")]:
        found[label] = lambda y, r, d=load_denoiser(name): denoise_recording(d, y, r)
    if peers.available()["deepfilternet3"]:
        # through `systems`, as the Denoise tab runs it: a quiet input raised first (it
        # silences speech below about -45 dBFS; FSDD's strings peak near -30 dBFS)
        found["DeepFilterNet3"] = lambda y, r: systems.denoise(systems.REFERENCE, y, r)
    if peers.available()["rnnoise"]:
        found["RNNoise"] = peers.rnnoise
    found["spectral gating (noisereduce)"] = spectral_gating
    return found


def wideband_table(found: dict, mixes, snr: float) -> dict[str, dict[str, float]]:
    table = {}
    for name, denoise in found.items():
        rows, cpu, audio = [], 0.0, 0.0
        for clean, noise, _ in mixes:
            scale = np.sqrt(np.mean(clean**2) / 10 ** (snr / 10))
            noisy = (clean + scale * noise).astype(np.float32)
            start = time.process_time()
            out = clean if denoise is None else denoise(noisy, RATE)
            cpu, audio = cpu + time.process_time() - start, audio + len(noisy) / RATE
            row = wideband_quality(clean, out, RATE)
            row.update(dnsmos(out, RATE))
            rows.append(row)
        table[name] = {k: statistics.fmean(r[k] for r in rows if np.isfinite(r[k]))
                       for k in rows[0]}
        table[name]["CPU s/s"] = cpu / audio
    return table


def fsdd_table(found: dict, strings, snr: float) -> dict[str, dict[str, float]]:
    """FSDD strings at 8 kHz with white noise, scored at 8 kHz (as `benchmarks.denoise`)."""
    table = {}
    for name, denoise in found.items():
        if denoise is None:
            continue
        rows = [quality(clean, denoise(noisy_at(clean, 8000, "white", snr, i, None), 8000),
                        8000) for i, clean in enumerate(strings)]
        table[name] = {k: statistics.fmean(r[k] for r in rows if np.isfinite(r[k]))
                       for k in rows[0]}
    return table


def markdown(table: dict) -> str:
    keys = list(next(iter(table.values())))
    lines = ["| system | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for name, row in table.items():
        lines.append(f"| {name} | " + " | ".join(
            f"{row[k]:.3f}" if k == "CPU s/s" else f"{row[k]:.2f}" for k in keys) + " |")
    return "\n".join(lines)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", default="ours_wideband",
                   help="ours at 16 kHz: a gtcrn checkpoint's name or path")
    p.add_argument("--also", nargs="*", default=[],
                   help="more gtcrn checkpoints to score beside it, a row each")
    p.add_argument("--only", nargs="*", default=None,
                   help="keep only the systems whose names contain one of these words")
    p.add_argument("--clips", type=int, default=2, help="utterances per validation speaker")
    p.add_argument("--strings", type=int, default=4, help="FSDD test strings (max 10)")
    p.add_argument("--threads", type=int, default=1, help="torch threads")
    args = p.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    found = contenders(args.checkpoint, args.also)
    if args.only is not None:
        found = {k: v for k, v in found.items()
                 if k in (CLEAN, "noisy input") or any(w in k for w in args.only)}
    mixes = mixtures(args.clips)
    print(f"## Held-out voices under held-out noises, 16 kHz ({len(mixes)} utterances of the "
          f"12 validation speakers, ESC-10 fold 4)\n")
    for snr in SNRS:
        print(f"### {snr} dB SNR\n\n{markdown(wideband_table(found, mixes, snr))}\n")
    strings = digit_strings(fsdd.list_recordings(), "theo", args.strings)
    print(f"## FSDD, white noise, 8 kHz ({len(strings)} strings of speaker theo)\n")
    for snr in SNRS:
        print(f"### {snr} dB SNR\n\n{markdown(fsdd_table(found, strings, snr))}\n")


if __name__ == "__main__":
    main()
