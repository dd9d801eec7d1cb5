"""PESQ in child processes: the ITU C code that `pesq` wraps can crash its whole process.

Measured: narrow-band PESQ of 30 s of tone bursts with a little white noise ends in a
segmentation fault (its fixed-size tables of utterances overflow; also reported upstream,
ludlows/PESQ#15 and #18, for long inputs), and in the app that process was the server. Here
each score is computed by a worker process (`python -m audiodemo.denoise.pesq_process`, which
imports only numpy, pesq and `audiodemo.paths`) that reads the two signals on its stdin and
writes the score on its stdout. A worker that dies takes only its own score with it: NaN
("not measurable"), and the next call starts a new worker. Not multiprocessing: its spawned
or fork-server children import the parent's main script again (`python app.py`: gradio,
torch and every tab), and a plain fork of a server with many threads can deadlock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np

from audiodemo.paths import ROOT

WORKERS = 2  # the app scores at most two requests at once; more calls wait for a worker
_idle: list[subprocess.Popen] = []
_lock = threading.Lock()
_slots = threading.BoundedSemaphore(WORKERS)


def _score(rate: int, reference: np.ndarray, estimate: np.ndarray, mode: str) -> float:
    """In the worker: PESQ, NaN where it finds no utterance or the input is too short."""
    from pesq import PesqError, pesq

    try:
        return float(pesq(rate, reference, estimate, mode, on_error=PesqError.RAISE_EXCEPTION))
    except Exception:
        return float("nan")


def _serve() -> None:
    """The worker's loop: a line `rate mode n`, then 2n float64 samples; answers a line."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while header := stdin.readline():
        rate, mode, n = header.split()
        samples = np.frombuffer(stdin.read(16 * int(n)), np.float64)  # (2n,)
        score = _score(int(rate), samples[: int(n)], samples[int(n):], mode.decode())
        stdout.write(f"{score!r}\n".encode())
        stdout.flush()


def _start() -> subprocess.Popen:
    env = dict(os.environ,
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-m", "audiodemo.denoise.pesq_process"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)


def _ask(worker: subprocess.Popen, rate: int, reference: np.ndarray, estimate: np.ndarray,
         mode: str) -> float | None:
    """The worker's score, or None where it died."""
    samples = np.concatenate([reference, estimate]).astype(np.float64)
    try:
        worker.stdin.write(f"{rate} {mode} {len(reference)}\n".encode() + samples.tobytes())
        worker.stdin.flush()
        answer = worker.stdout.readline()
    except (BrokenPipeError, OSError):
        return None
    return float(answer) if answer else None


def pesq_score(rate: int, reference: np.ndarray, estimate: np.ndarray, mode: str) -> float:
    """PESQ of `estimate` against `reference` (same length) at `rate` in `mode` ("nb" or
    "wb"); NaN where PESQ finds no speech or crashes on this signal."""
    with _slots:
        with _lock:
            worker = _idle.pop() if _idle else None
        worker = worker if worker is not None and worker.poll() is None else _start()
        score = _ask(worker, rate, reference, estimate, mode)
        if score is None:  # it crashed on this signal: the next call gets a new worker
            worker.kill()
            worker.wait()
            return float("nan")
        with _lock:
            _idle.append(worker)
        return score


if __name__ == "__main__":
    _serve()
