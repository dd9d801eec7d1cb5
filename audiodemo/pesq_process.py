"""PESQ in child processes: the ITU C code that `pesq` wraps can crash its whole process.

Measured: narrow-band PESQ of 30 s of tone bursts with a little white noise ends in a
segmentation fault (its fixed-size tables of utterances overflow; also reported upstream,
ludlows/PESQ#15 and #18, for long inputs), and in the app that was the server. Here each score
is computed in a pool of two spawned processes that import only numpy and pesq; a crash
breaks the pool, the score is NaN ("not measurable") and the next call starts a new pool.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np

WORKERS = 2  # the app scores at most two requests at once
_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _score(rate: int, reference: np.ndarray, estimate: np.ndarray, mode: str) -> float:
    """In the child: PESQ, NaN where it finds no utterance or the input is too short."""
    from pesq import PesqError, pesq

    try:
        return float(pesq(rate, reference, estimate, mode, on_error=PesqError.RAISE_EXCEPTION))
    except Exception:
        return float("nan")


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn"))
        return _pool


def _discard(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def pesq_score(rate: int, reference: np.ndarray, estimate: np.ndarray, mode: str) -> float:
    """PESQ of `estimate` against `reference` (float64, same length) at `rate` in `mode`
    ("nb" or "wb"); NaN where PESQ finds no speech or crashed on this signal."""
    pool = _executor()
    try:
        return pool.submit(_score, rate, reference, estimate, mode).result()
    except BrokenProcessPool:
        _discard(pool)
        return float("nan")
