"""Denoising benchmark on FSDD test strings; prints Markdown tables for BENCHMARKS.md.

    python -m benchmarks.denoise --data ../shared/data/fsdd [--speaker theo]

Test signals: the official test takes (0-4) of one speaker, joined into ten 5-digit strings
(about 2.5 s, long enough for STOI) at FSDD's 8 kHz. White noise at 0, 5 and 10 dB SNR with
fixed seeds. The paper's models work at 22.05 kHz and were trained on full-band noise there,
so they get the clean string upsampled with the noise added at 22.05 kHz (SNR measured at that
rate); every output is scored at 8 kHz against the clean string. Also: the paper's spectrogram
MSE on single 0.55 s test digits, ours under other noise types, and real-time factors.
"""

from __future__ import annotations

import argparse
import statistics
import time

import librosa
import numpy as np
import torch

from audiodemo import fsdd
from audiodemo.checkpoint import shipped_checkpoint
from audiodemo.denoise.denoiser import Denoiser
from audiodemo.denoise.metrics import quality
from audiodemo.denoise.noise import add_noise
from audiodemo.denoise.presets import OURS_SPEC
from audiodemo.denoise.scores import paper_mse, test_takes
from audiodemo.paths import FSDD_ENV
from audiodemo.spectrogram import istft, stft

RATE = 8000
SNRS = (0, 5, 10)
METRICS = ("SI-SDR", "PESQ", "STOI")


def digit_strings(recordings, speaker: str, count: int = 10) -> list[np.ndarray]:
    """Ten strings of five test digits each; every test take used once."""
    takes = [r for r in recordings if r.speaker == speaker and r.take in fsdd.TEST_TAKES]
    order = np.random.default_rng(0).permutation(len(takes))
    waves = fsdd.load_waves([takes[i] for i in order], RATE)
    gap = np.zeros(int(0.05 * RATE), np.float32)
    return [np.concatenate([x for w in waves[i : i + 5] for x in (w, gap)])
            for i in range(0, 5 * count, 5)]


def noisy_at(clean8k: np.ndarray, rate: int, noise_type: str, snr: float, seed: int, talkers):
    clean = librosa.resample(clean8k, orig_sr=RATE, target_sr=rate) if rate != RATE else clean8k
    return add_noise(clean, noise_type, snr, rate, np.random.default_rng(seed), talkers)


def to_8k(wave, rate):
    return librosa.resample(wave, orig_sr=rate, target_sr=RATE) if rate != RATE else wave


def ideal_ratio_mask(clean: np.ndarray, noisy: np.ndarray, cfg=OURS_SPEC) -> np.ndarray:
    """The oracle IRM √(S²/(S²+N²)) on the noisy phase, at our STFT unless `cfg` says."""
    s, y = stft(torch.from_numpy(clean), cfg), stft(torch.from_numpy(noisy), cfg)
    n = y - s
    mask = (s.abs() ** 2 / (s.abs() ** 2 + n.abs() ** 2).clamp_min(1e-12)).sqrt()
    return istft(mask * y, cfg, length=len(noisy)).numpy()


def stft_ceilings(strings) -> dict:
    """The oracle IRM under several STFTs: how good a perfect mask can be with each."""
    systems = {}
    for n_fft, hop in [(512, 256), (512, 128), (256, 128), (256, 64)]:
        cfg = OURS_SPEC.with_(n_fft=n_fft, hop_length=hop)
        name = f"oracle IRM, n_fft {n_fft} ({1000 * n_fft // RATE} ms), hop {hop}"
        systems[name] = (RATE, lambda y, s, cfg=cfg: ideal_ratio_mask(s, y, cfg))
    return score(systems, strings)


def spectral_gating(noisy: np.ndarray, rate: int = RATE) -> np.ndarray:
    import noisereduce

    return noisereduce.reduce_noise(y=noisy, sr=rate, stationary=True).astype(np.float32)


def score(systems, strings, noise_type="white", talkers=None) -> dict:
    """{system: {snr: {metric: mean}}} for `systems` = {name: (rate, fn(noisy, clean) -> wave)}.

    Only the oracles look at `clean`; `blind` wraps every real system so it cannot.
    """
    table = {}
    for name, (rate, fn) in systems.items():
        table[name] = {}
        for snr in SNRS:
            rows = []
            for i, clean in enumerate(strings):
                noisy = noisy_at(clean, rate, noise_type, snr, seed=1000 * snr + i, talkers=talkers)
                out = fn(noisy, clean)
                rows.append(quality(clean, to_8k(out, rate), RATE))
            table[name][snr] = {m: float(np.nanmean([r[m] for r in rows])) for m in METRICS}
    return table


def real_time_factor(denoiser: Denoiser, seconds: float = 10.0, repeats: int = 5) -> float:
    wave = (0.1 * np.random.default_rng(0).standard_normal(int(seconds * RATE))).astype(
        np.float32)
    denoiser(wave, RATE)  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        denoiser(wave, RATE)
        times.append(time.perf_counter() - start)
    return statistics.median(times) / seconds


def markdown(table: dict, extra: dict | None = None) -> str:
    head = "| system | " + " | ".join(f"{m} {s} dB" for m in METRICS for s in SNRS)
    head += " | paper MSE 0/5/10 dB |" if extra else " |"
    lines = [head, "|" + "---|" * (len(METRICS) * len(SNRS) + 1 + bool(extra))]
    for name, by_snr in table.items():
        cells = [f"{by_snr[s][m]:.2f}" if m != "SI-SDR" else f"{by_snr[s][m]:.1f}"
                 for m in METRICS for s in SNRS]
        if extra:
            cells.append(extra.get(name, ""))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def baselines() -> dict:
    return {
        "noisy input": (RATE, blind(lambda y: y)),
        "spectral gating (noisereduce, stationary)": (RATE, blind(spectral_gating)),
        "oracle IRM": (RATE, lambda y, s: ideal_ratio_mask(s, y)),
    }


def blind(fn):
    """A system that sees only the noisy wave."""
    return lambda noisy, clean: fn(noisy)


def as_system(d: Denoiser) -> tuple:
    return d.sample_rate, blind(lambda y: d(y, d.sample_rate))


def full_report(args, recordings, strings) -> None:
    """Every system on white noise, ours on the other noises, and real-time factors."""
    models = {name: Denoiser.from_checkpoint(shipped_checkpoint(key)) for name, key in
              [("paper DCAE", "paper_dcae"), ("paper VAE", "paper_vae"), ("ours", args.ours)]}
    paper_rate = models["paper VAE"].sample_rate
    systems = baselines()
    systems[f"noisy input at {paper_rate} Hz (the paper models' input)"] = (paper_rate,
                                                                          blind(lambda y: y))
    systems.update({name: as_system(d) for name, d in models.items()})
    tests = test_takes(recordings)
    mse = {name: " / ".join(f"{paper_mse(models[name], tests, s):.4f}" for s in SNRS)
           for name in ("paper DCAE", "paper VAE")}
    print(f"## White noise, speaker {args.speaker} ({len(strings)} strings of 5 test digits)\n")
    print(markdown(score(systems, strings), mse))
    talkers = fsdd.load_waves([r for r in recordings if r.speaker != args.speaker
                               and r.take in fsdd.TEST_TAKES], RATE)
    ours = {"ours": systems["ours"], "noisy input": systems["noisy input"]}
    for noise_type in ("pink", "brown", "babble", "hum"):
        print(f"\n## {noise_type.capitalize()} noise, speaker {args.speaker}\n")
        print(markdown(score(ours, strings, noise_type, talkers)))
    print("\n## What a perfect mask reaches with each STFT (white noise, noisy phase)\n")
    print(markdown(stft_ceilings(strings)))
    print("\n## Real-time factor (10 s of audio, median of 5, this machine)\n")
    for name, d in models.items():
        print(f"- {name}: {real_time_factor(d):.4f}")


def unseen_speaker_report(args, strings) -> None:
    """White noise only: a model trained without `args.speaker` against the baselines."""
    systems = baselines()
    systems[f"ours, never heard {args.speaker}"] = as_system(
        Denoiser.from_checkpoint(shipped_checkpoint(args.ours)))
    print(f"## White noise, unseen speaker {args.speaker} ({len(strings)} strings)\n")
    print(markdown(score(systems, strings)))


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=None, help=f"FSDD folder (default ${FSDD_ENV})")
    p.add_argument("--speaker", default="theo", help="whose test takes make the strings")
    p.add_argument("--strings", type=int, default=10, help="how many 5-digit strings (max 10)")
    p.add_argument("--ours", default="ours", help="checkpoint name or path for 'ours'")
    p.add_argument("--unseen-speaker", action="store_true",
                   help="only white noise and the baselines: for an --ours model trained "
                   "with --held-out-speaker SPEAKER")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    args = p.parse_args(argv)
    if not 1 <= args.strings <= 10:
        p.error("--strings must be between 1 and 10 (a speaker has 50 test takes)")
    if args.threads:
        torch.set_num_threads(args.threads)
    recordings = fsdd.list_recordings(args.data)
    strings = digit_strings(recordings, args.speaker, args.strings)
    if args.unseen_speaker:
        unseen_speaker_report(args, strings)
    else:
        full_report(args, recordings, strings)


if __name__ == "__main__":
    main()
