"""Load test: many clients at once against the running app; latency, failures and memory.

    python -m benchmarks.load [--clients 16] [--seconds 60] [--requests 500]

Starts `python app.py` on a free port as a separate process, warms every endpoint once (so
models are loaded) and then with one round of the load itself (every client, every
endpoint, at once), reads the server's resident memory after each, then lets `--clients`
threads, each with its own gradio_client, send a mix of `/spectrogram`, `/denoise` and
`/generate` requests back to back until both `--seconds` have passed and `--requests` have
finished.
Prints a Markdown table for BENCHMARKS.md: requests, failures and p50/p95 latency per
endpoint, and the server's memory after one request to each endpoint, after the warm-up
round, halfway and at the end.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from gradio_client import Client, handle_file

from app import MAX_QUEUE
from audiodemo.paths import ASSETS, ROOT

REQUESTS = {  # endpoint -> arguments, a mix of light and heavy
    "/spectrogram": lambda: (handle_file(str(ASSETS / "digit_7_jackson.wav")), "512", 128,
                             "hann", "mel", True, 80, "magma"),
    "/denoise": lambda: (handle_file(str(ASSETS / "digits_31415_theo.wav")), "white", 5,
                         "Ours: 16 kHz complex mask", "Noisy phase", 1.0, 0),
    "/generate": lambda: ("(type a seed below)", "60 _ 62 _ 64 _ 65 _", "detect it", 1.0, 8, "C",
                          100, 1, 0),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_app(port: int) -> subprocess.Popen:
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False")
    server = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            Client(f"http://127.0.0.1:{port}/", verbose=False)
            return server
        except Exception:
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode()[-2000:]) from None
            time.sleep(1)
    server.kill()
    raise RuntimeError("the app did not start within 3 minutes")


def warm_round(url: str, clients: int) -> None:
    """The load's first round, not counted: every client sends each endpoint one request,
    all at once. The server's memory reaches the working set of that many requests in
    flight here, and the allocator keeps it for the next burst."""
    def each(_: int) -> None:
        c = Client(url, verbose=False)
        for endpoint, make in REQUESTS.items():
            c.predict(*make(), api_name=endpoint)

    threads = [threading.Thread(target=each, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--requests", type=int, default=500)
    args = p.parse_args(argv)
    port = free_port()
    server = start_app(port)
    url = f"http://127.0.0.1:{port}/"
    try:
        warm = Client(url, verbose=False)
        for endpoint, make in REQUESTS.items():
            warm.predict(*make(), api_name=endpoint)
        serial = rss_mb(server.pid)
        warm_round(url, args.clients)
        before = rss_mb(server.pid)
        latencies, failures, halfway = defaultdict(list), defaultdict(list), [None]
        lock, start = threading.Lock(), time.time()
        done = [0]

        def client(index: int) -> None:
            c = Client(url, verbose=False)
            names = list(REQUESTS)
            k = index
            while True:
                with lock:
                    if time.time() - start >= args.seconds and done[0] >= args.requests:
                        return
                endpoint = names[k % len(names)]
                k += 1
                t0 = time.perf_counter()
                try:
                    c.predict(*REQUESTS[endpoint](), api_name=endpoint)
                    with lock:
                        latencies[endpoint].append(time.perf_counter() - t0)
                except Exception as err:  # a failed request is a finding, not a crash
                    with lock:
                        failures[endpoint].append(repr(err)[:200])
                with lock:
                    done[0] += 1
                    if done[0] == args.requests // 2:
                        halfway[0] = rss_mb(server.pid)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - start
        after = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{args.clients} clients, {done[0]} requests in {elapsed:.0f} s "
          f"({done[0] / elapsed:.1f} per second), {os.cpu_count()} CPU cores\n")
    print("| endpoint | requests | failed | p50 (s) | p95 (s) |")
    print("|---|---|---|---|---|")
    for endpoint in REQUESTS:
        times = sorted(latencies[endpoint])
        p50 = statistics.median(times) if times else float("nan")
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))] if times else float("nan")
        print(f"| `{endpoint}` | {len(times) + len(failures[endpoint])} | "
              f"{len(failures[endpoint])} | {p50:.2f} | {p95:.2f} |")
    growth = 100 * (after - before) / before
    print(f"\nServer memory (RSS): after one request to each endpoint {serial:.0f} MB, after "
          f"a warm-up round ({args.clients} clients × each endpoint at once) {before:.0f} MB,"
          f" after {args.requests // 2} requests {halfway[0]:.0f} MB, after all "
          f"{after:.0f} MB ({growth:+.1f} % since the warm-up round, "
          f"{100 * (after - serial) / serial:+.1f} % since one request each). At "
          f"most {args.clients} requests are in flight (one per client); the app's queue "
          f"admits {MAX_QUEUE} waiting before it turns requests away.")
    for endpoint, errors in failures.items():
        for error in errors[:3]:
            print(f"- {endpoint} failed: {error}")


if __name__ == "__main__":
    main()
