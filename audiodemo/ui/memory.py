"""Keep a long-running server's memory flat: glibc's allocator, set for a server.

glibc gives each thread that meets a busy heap an arena of its own (up to eight per core)
and keeps the memory that requests free inside those arenas instead of handing it back.
Measured on the app's three handlers, two requests at a time in a pool of 40 threads (as
Gradio runs them): the first concurrent requests took the process from 632 to 864-910 MB,
which it then kept. Two arenas and handing free pages back every few seconds
(`malloc_trim`) hold it near 680 MB, for about 3 % more time per request; a fixed 1 MB or
128 kB mmap threshold did as well for memory but cost 14 % and 27 %. Other C libraries
(macOS, musl) have no `mallopt`; there this does nothing.
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
