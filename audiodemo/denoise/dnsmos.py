"""DNSMOS P.835 (Reddy et al. 2022): a listening score with no clean reference, from the
`speechmos` package (its ONNX models ship inside it; onnxruntime runs them).

SIG rates the speech, BAK the background (higher: less noise) and OVRL the whole, each on
1-5 as listeners would. The model hears 9.01 s windows at 16 kHz; a shorter sound is
repeated to fill one (as DNSMOS does), a longer one is scored in consecutive windows,
weighted by their length, so 30 s costs four windows, not DNSMOS's 22 at a one-second hop.
"""

from __future__ import annotations

import importlib.util
import threading

import numpy as np

from audiodemo.audio import load_audio

RATE = 16000
WINDOW = 9.01  # seconds
MIN_SECONDS = 0.2  # shorter sounds get no score (a spoken digit lasts 0.3-0.8 s)
KEYS = {"ovrl_mos": "OVRL", "sig_mos": "SIG", "bak_mos": "BAK"}
_lock = threading.Lock()  # one ONNX session pair, shared by the server's threads


def available() -> bool:
    """Whether `speechmos` and onnxruntime are installed."""
    return all(importlib.util.find_spec(p) is not None for p in ("speechmos", "onnxruntime"))


def dnsmos(wave: np.ndarray, sample_rate: int) -> dict[str, float]:
    """OVRL, SIG and BAK of a mono wave; `ValueError` where it cannot be scored."""
    if not available():
        raise ValueError("DNSMOS needs the speechmos and onnxruntime packages")
    if len(wave) < MIN_SECONDS * sample_rate:
        raise ValueError(f"DNSMOS needs at least {MIN_SECONDS} s of sound")
    from speechmos import dnsmos as model

    x = load_audio((sample_rate, np.asarray(wave, np.float32)), RATE)[0]
    x = np.clip(x, -1.0, 1.0)
    size = int(WINDOW * RATE)
    pieces = [x[i : i + size] for i in range(0, len(x), size)]
    if len(pieces) > 1 and len(pieces[-1]) < MIN_SECONDS * RATE:
        pieces[-2] = np.concatenate(pieces[-2:])[:size]
        pieces.pop()
    totals, weight = dict.fromkeys(KEYS.values(), 0.0), 0
    with _lock:
        for piece in pieces:
            scores = model.run(piece, sr=RATE)
            for key, name in KEYS.items():
                totals[name] += float(scores[key]) * len(piece)
            weight += len(piece)
    return {name: total / weight for name, total in totals.items()}
