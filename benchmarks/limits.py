"""The dearest request each limit admits, timed: the evidence behind `audiodemo/limits.py`.

    python -m benchmarks.limits [--repeats 2]

Calls every tab's handler directly (no server) with the largest input its limits accept:
the longest sound, the finest hop, the most iterations, bars, variations and steps. Each
request runs alone, then twice at once (the app runs two requests at a time, one a core).
Prints a Markdown table for BENCHMARKS.md: seconds per request, alone and two at once, the
worst of `--repeats` runs. The aim: every accepted request answers within about 10 s.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from audiodemo import limits
from audiodemo.audio import save_wav
from audiodemo.spectrogram import MAX_CELLS, SpectrogramConfig
from audiodemo.ui import denoise_tab, latent_tab, melody_tab, spectrogram_tab


def speechlike(seconds: float, rate: int) -> np.ndarray:
    """A gliding harmonic tone in bursts, at -20 dBFS: something to analyse and denoise."""
    t = np.arange(int(seconds * rate)) / rate
    f0 = 150 + 50 * np.sin(2 * np.pi * 0.5 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    wave = sum(np.sin(k * phase) / k for k in range(1, 12)) * (np.sin(2 * np.pi * 2 * t) > 0)
    return (0.1 * wave / np.abs(wave).max()).astype(np.float32)


def requests(folder: Path) -> dict:
    """Name -> a call of the dearest request its tab accepts."""
    long = folder / "long.wav"  # longer than any tab's limit, at a high rate
    save_wav(long, speechlike(limits.SPECTROGRAM_SECONDS + 5, 48000), 48000)
    frames = MAX_CELLS // 2049  # the finest hop that the 60 s spectrogram at frame 4096 allows
    hop = -(-int(limits.SPECTROGRAM_SECONDS * 48000) // (frames - 1) // 16) * 16
    fine = SpectrogramConfig(sample_rate=48000, n_fft=2048, hop_length=64)
    most = limits.griffin_lim_iterations(fine, int(limits.MIN_REBUILD_SECONDS * 48000), 2)

    def phase(n_fft, hop_length, n_iter):
        return lambda: list(spectrogram_tab.rebuild(str(long), n_fft, hop_length, "hann",
                                                    n_iter, "plain"))

    def denoise(model, recon):
        return lambda: denoise_tab.denoise(str(long), "babble", 0, model, recon, 1.0, 0)

    calls = {
        f"/spectrogram 60 s at 48 kHz, frame 4096, hop {hop}, mel":
            lambda: spectrogram_tab.analyse(str(long), "4096", hop, "hann", "mel", True, 80,
                                            "magma"),
        "/phase frame 512, hop 256, 200 iterations (the budget cuts the sound)":
            phase("512", 256, 200),
        "/phase frame 4096, hop 2048, 200 iterations": phase("4096", 2048, 200),
        f"/phase frame 2048, hop 64, {most} iterations (the most that fit 0.5 s)":
            phase("2048", 64, most),
    }
    for model in denoise_tab.CHOICES:
        for recon in ("Noisy phase", "Griffin-Lim from random phase (the paper)"):
            calls[f"/denoise 30 s of 48 kHz, babble, {model}, {recon}"] = denoise(model, recon)
    calls.update({
        "/decode a place (VAE)": lambda: latent_tab.decode_point("VAE", 0.3, -0.2, ""),
        "/decode a recording (paper VAE)":
            lambda: latent_tab.decode_point("paper VAE", 0, 0, "7_theo_0.wav"),
        "/interpolate 16 steps": lambda: latent_tab.interpolate("VAE", "0_george_0.wav",
                                                                "9_theo_4.wav", 16),
        "/grid 20 a side": lambda: latent_tab.grid(20),
        f"/generate {melody_tab.MAX_VARIATIONS} × 64 bars, 32 drafts each, copies set aside":
            lambda: melody_tab.generate("erk5/1", "", melody_tab.DETECT, 1.0, 64, "C", 100,
                                        melody_tab.MAX_VARIATIONS, 0, True, True),
        "/generate by the transformer, 1 × 64 bars (its limit), 32 drafts, copies set aside":
            lambda: melody_tab.generate("erk5/1", "", melody_tab.DETECT, 1.0, 64, "C", 100, 1,
                                        0, True, True, "transformer"),
    })
    return calls


def timed(call, at_once: int) -> float:
    """Wall seconds until `at_once` copies of `call`, started together, have all answered."""
    threads = [threading.Thread(target=call) for _ in range(at_once)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=2, help="runs of each; the worst is shown")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        calls = requests(Path(tmp))
        for call in calls.values():  # models loaded, caches warm
            call()
        print(f"{os.cpu_count()} CPU cores; Griffin-Lim budget "
              f"{limits.GRIFFIN_LIM_CELL_ITERATIONS / 1e6:.0f} M cell-iterations\n")
        print("| request | alone (s) | two at once (s) |")
        print("|---|---|---|")
        for name, call in calls.items():
            alone = max(timed(call, 1) for _ in range(args.repeats))
            pair = max(timed(call, 2) for _ in range(args.repeats))
            print(f"| {name} | {alone:.2f} | {pair:.2f} |", flush=True)


if __name__ == "__main__":
    main()
