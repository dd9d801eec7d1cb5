"""Keep a long-running server's memory flat: glibc's allocator, set for a server.

glibc gives each thread that meets a busy heap an arena of its own (up to eight per core)
and keeps the memory that requests free inside those arenas instead of handing it back.
Measured on the app's three handlers, two requests at a time in a pool of 40 threads (as
Gradio runs them), 300 calls: the first concurrent requests took the process from 632 to
864-910 MB, which it then kept. Two arenas and `malloc_trim` after every call held it at
677 MB in 59 s against 55-58 s; fixed mmap thresholds (1 MB, 128 kB) held it as low but
took 63 and 70 s. The server trims every few seconds instead: under the load test it ended
at 817 MB against 927 MB before (BENCHMARKS.md, "Load"). Other C libraries (macOS, musl)
have no `mallopt`; there this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading
import time

M_ARENA_MAX = -8  # from glibc's malloc.h


@functools.cache
def _libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def hand_back() -> bool:
    """Hand the heap's free pages back to the system now; whether any were."""
    libc = _libc()
    return bool(libc and libc.malloc_trim(0))


def settle_heap(arenas: int = 2, trim_every: float | None = 5.0) -> bool:
    """At most `arenas` heaps for this process's threads, and every `trim_every` seconds
    `hand_back`; whether the C library took the settings."""
    libc = _libc()
    if libc is None:
        return False
    if trim_every:
        def trimmer() -> None:
            while True:
                time.sleep(trim_every)
                hand_back()

        threading.Thread(target=trimmer, name="malloc-trim", daemon=True).start()
    return bool(libc.mallopt(M_ARENA_MAX, arenas))
