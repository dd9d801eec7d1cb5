"""What the browser needs to draw a live spectrogram under the Spectrogram tab's choices.

The live view (`audiodemo/ui/live_view.py`) computes in the browser: its Web Audio graph
hands it the microphone's (or a playing file's) samples, it takes one FFT per hop and draws
a column per frame. What the column *means* is decided here, by the same code as the static
picture: `plan` turns the tab's settings and the browser's sample rate into the window's
coefficients, a matrix from FFT bins to the rows drawn (mel: librosa's filterbank; chroma:
librosa's chroma filters; log and cqt: bands on a log axis), the rows' frequencies and axis
labels, and the colour map as 256 colours. The server does this once per change of a
setting; it never sees a sample, so its work does not grow with listening time or with the
number of students listening (measured in `benchmarks/live.py`).

The plan is asked for by the page (`server_functions` of a `gr.HTML`), so its settings are
untrusted: `plan` checks each against the choices the tab offers. It answers in JSON text
(`plan_json`), made once per rate, frame, window, scale and colour map and kept: a class
mostly shares its settings, and encoding a plan's thousands of numbers anew for every
request cost the server more than making them.
"""

from __future__ import annotations

import functools
import json

import librosa
import numpy as np
from matplotlib import colormaps

from audiodemo.spectrogram import WINDOWS, SpectrogramConfig, window_tensor
from audiodemo.view import CMAPS, CQT_FMIN, FRAME_SIZES, MAX_MELS, SCALES

RATES = (8000, 192000)  # the sample rates a browser's audio context may run at
LOG_ROWS = 240  # rows of the log axis: 24 a decade-ish, enough for a 256 px canvas
LOG_FMIN = 40.0  # Hz: the log axis starts here (lower bins are a few coarse cells)
PITCH_RANGE = (60.0, 1600.0)  # Hz: the note named lies in here (C2 to G6)
NOTE_NAMES = tuple(librosa.midi_to_note(m, octave=False, unicode=False) for m in range(12))


def check_settings(settings) -> dict:
    """The settings a page sent, checked against the tab's choices; a clear message if not."""
    if not isinstance(settings, dict):
        raise ValueError("The live view's settings must be an object.")
    try:
        rate = int(settings["sample_rate"])
        n_fft = int(settings["n_fft"])
        hop = int(settings["hop"])
        db_range = float(settings["db_range"])
        window, scale, cmap = (str(settings[k]) for k in ("window", "scale", "cmap"))
        in_db = bool(settings["in_db"])
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"The live view's settings are incomplete or malformed: {err}") from None
    if not RATES[0] <= rate <= RATES[1]:
        raise ValueError(f"The sample rate must be {RATES[0]}-{RATES[1]} Hz, got {rate}.")
    if n_fft not in FRAME_SIZES:
        raise ValueError(f"The frame size must be one of {FRAME_SIZES}, got {n_fft}.")
    if not 16 <= hop <= n_fft:
        raise ValueError(f"The hop must be between 16 and the frame size {n_fft}, got {hop}.")
    if window not in WINDOWS or scale not in SCALES or cmap not in CMAPS:
        raise ValueError(f"Unknown window, scale or colour map: {window!r}, {scale!r}, {cmap!r}.")
    if not 20 <= db_range <= 120:
        raise ValueError(f"The dB range must be 20-120, got {db_range:g}.")
    return dict(sample_rate=rate, n_fft=n_fft, hop=hop, window=window, scale=scale, cmap=cmap,
                in_db=in_db, db_range=db_range)


def _log_bands(freqs: np.ndarray, bin_hz: float, n_bins: int) -> np.ndarray:
    """`(len(freqs), n_bins)`: each row a triangle on the bins around its frequency, as wide
    as the gap to its neighbours, or the two nearest bins where that gap is under a bin."""
    rows = np.zeros((len(freqs), n_bins), np.float32)
    edges = np.concatenate([[freqs[0] ** 2 / freqs[1]], freqs, [freqs[-1] ** 2 / freqs[-2]]])
    bins_hz = np.arange(n_bins) * bin_hz
    for r, (lo, mid, hi) in enumerate(zip(edges[:-2], edges[1:-1], edges[2:], strict=True)):
        if hi - lo >= 2 * bin_hz:
            rising, falling = (bins_hz - lo) / (mid - lo), (hi - bins_hz) / (hi - mid)
            rows[r] = np.clip(np.minimum(rising, falling), 0, None)
        else:  # narrower than a bin: linear interpolation between the two nearest
            x = min(mid / bin_hz, n_bins - 1.0)
            k = min(int(x), n_bins - 2)
            rows[r, k], rows[r, k + 1] = k + 1 - x, x - k
        rows[r] /= max(rows[r].sum(), 1e-12)
    return rows


def _rows(cfg: SpectrogramConfig, scale: str) -> tuple[np.ndarray | None, np.ndarray, bool]:
    """(bins-to-rows matrix, or None for the bins themselves; row frequencies; whether the
    rows sum power, as mel and chroma do, rather than magnitude)."""
    n_bins, nyquist = cfg.n_freqs, cfg.sample_rate / 2
    if scale == "linear":
        return None, np.arange(n_bins) * cfg.bin_hz, False
    if scale == "mel":
        n_mels = min(MAX_MELS, cfg.n_fft // 8)
        basis = librosa.filters.mel(sr=cfg.sample_rate, n_fft=cfg.n_fft, n_mels=n_mels)
        freqs = librosa.mel_frequencies(n_mels=n_mels + 2, fmax=nyquist)[1:-1]
        return basis, freqs, True
    if scale == "chroma":
        return librosa.filters.chroma(sr=cfg.sample_rate, n_fft=cfg.n_fft), np.arange(12.0), True
    if scale == "cqt":  # semitones from C1, as the static cqt view
        bins = int(min(96, np.floor(12 * np.log2(0.45 * cfg.sample_rate / CQT_FMIN))))
        freqs = librosa.cqt_frequencies(bins, fmin=CQT_FMIN)
    else:
        freqs = np.geomspace(LOG_FMIN, nyquist * 0.999, LOG_ROWS)
    return _log_bands(freqs, cfg.bin_hz, n_bins), freqs, False


def _sparse(matrix: np.ndarray) -> list[list]:
    """Each row as `[first bin, weights...]` over its nonzero span (the browser's loop)."""
    out = []
    for row in matrix:
        nonzero = np.flatnonzero(row > 1e-6 * max(float(row.max()), 1e-30))
        lo, hi = (int(nonzero[0]), int(nonzero[-1]) + 1) if len(nonzero) else (0, 1)
        out.append([lo, *np.round(row[lo:hi], 6).tolist()])
    return out


def _ticks(freqs: np.ndarray, scale: str) -> list[list]:
    """`[row, label]` pairs for the frequency axis."""
    if scale == "chroma":
        return [[r, name] for r, name in enumerate(NOTE_NAMES)]
    top = freqs[-1]
    marks = [f for f in (50, 100, 200, 500, 1000, 2000, 4000, 8000, 16000) if f <= top]
    if scale == "linear":
        step = 1000 if top <= 8000 else 4000
        marks = list(range(0, int(top) + 1, step))
    rows = [int(np.argmin(np.abs(freqs - f))) for f in marks]
    return [[r, f"{f / 1000:g} k" if f >= 1000 else f"{f:g}"] for r, f in zip(rows, marks,
                                                                               strict=True)]


def plan(settings) -> dict:
    """Everything the browser needs to draw the live view under `settings` (see the module).

    Levels are in dB re full scale (a full-scale sine's peak bin is 0 dB), not re the
    loudest cell as in the static picture: live, the loudest cell is not yet known."""
    return json.loads(plan_json(settings))


def plan_json(settings) -> str:
    """`plan` as JSON text, as the page receives it: the rows, window and colours of one
    rate, frame, window, scale and colour map are made once (a class shares its settings)."""
    s = check_settings(settings)
    heavy = _rows_json(s["sample_rate"], s["n_fft"], s["window"], s["scale"], s["cmap"])
    light = json.dumps({**s, "pitch_range": list(PITCH_RANGE), "note_names": list(NOTE_NAMES),
                        "per_frame_max": s["scale"] == "chroma"})  # chroma: shares, 0 to 1
    return light[:-1] + ", " + heavy[1:]


@functools.lru_cache(maxsize=64)
def _rows_json(rate: int, n_fft: int, window: str, scale: str, cmap: str) -> str:
    # the hop changes no row: any that fits the frame will do
    cfg = SpectrogramConfig(sample_rate=rate, n_fft=n_fft, hop_length=n_fft // 4, window=window)
    taper = window_tensor(cfg).numpy().astype(np.float64)
    matrix, freqs, power = _rows(cfg, scale)
    colours = (colormaps[cmap](np.linspace(0, 1, 256))[:, :3] * 255).round()
    return json.dumps({
        "taper": np.round(taper, 7).tolist(),  # the window's coefficients
        "full_scale": float(taper.sum() / 2),  # |X| of a full-scale sine at its bin
        "rows": None if matrix is None else _sparse(matrix),
        "n_rows": len(freqs),
        "power_rows": power,
        "freqs": np.round(freqs, 2).tolist(),
        "ticks": _ticks(freqs, scale),
        "lut": colours.astype(int).ravel().tolist(),
    })
