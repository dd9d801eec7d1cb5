"""The live spectrogram with a class listening at once: pictures a second, delay, failures.

    python -m benchmarks.live [--clients 1 10 30] [--seconds 10] [--class-of 30]

Starts `python app.py` on a free port, then for each count of clients opens that many pages
in one headless chromium (each page its own browser context, as a student's own browser;
loaded one after another, as a class comes in), whose fake microphone plays a steady A4
(440 Hz). Every page presses "Listen to
the microphone" and listens until every page is, then `--seconds` more, changing the
frequency scale halfway (a new plan from the server, as a student changing a setting);
then each presses "Measure the delay" (five beeps into its picture; the time from each to
its column on screen).

Per count it prints one row for BENCHMARKS.md: pictures a second (median and lowest page),
the measured delay (median of the pages' medians, and the largest single beep), pages that
named the note A4, failed requests (HTTP status 400 or more, page errors, plans refused) and
the server's CPU time a second while they listen (all pages together, beside the server's
idle rate), read from `/proc/PID/stat` over those `--seconds` (after one page, not counted,
has warmed the server). Every page runs on this
machine's two cores beside the server, so pictures a second measure the clients' shared CPU
more than the server.

`--class-of N` makes each count of pages part of a class of N: while the pages listen,
N minus that many clients without browsers do the server's part of the rest (`plans`: the
page load, then a new plan twice a second), so a few real pages measure what a whole class
does to the server without thirty renderers sharing its two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import soundfile as sf
from playwright.async_api import async_playwright

from audiodemo.view import FRAME_SIZES, SCALES
from benchmarks.load import free_port, start_app

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        "--disable-renderer-backgrounding", "--disable-background-timer-throttling"]
PLAN_EVERY = 0.5  # seconds between a client's plans: a setting changed twice a second
PLAN_RETRIES = (0.0, 0.25, 1.0)  # seconds before each try, as live.js's PLAN_RETRIES_MS
STATE = """() => { const l = window.audiodemoLive; return {fps: l.fps, note: l.note,
  error: l.error, scale: l.plan && l.plan.scale, measured: l.measured || null}; }"""


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Class:
    """The pages' common clock: all listening, then a change of scale, then the measure."""

    def __init__(self, clients: int):
        self.clients, self.listening = clients, 0
        self.all_listening, self.change, self.measure = (asyncio.Event() for _ in range(3))
        self.door = asyncio.Lock()

    def one_more(self) -> None:
        self.listening += 1
        if self.listening == self.clients:
            self.all_listening.set()


async def student(browser, url: str, lesson: Class, failures: list) -> dict | None:
    """One page through the class; None (and the reason among the failures) if it broke."""
    counted = []
    try:
        return await _student(browser, url, lesson, failures, counted)
    except Exception as err:  # a page that broke must not hold up the others
        failures.append(f"page failed: {str(err).splitlines()[0]}")
        if not counted:
            lesson.one_more()
        return None


async def _student(browser, url: str, lesson: Class, failures: list, counted: list) -> dict:
    context = await browser.new_context(permissions=["microphone"])
    page = await context.new_page()
    page.on("pageerror", lambda err: failures.append(f"page error: {err}"))
    page.on("response", lambda r: failures.append(f"HTTP {r.status} {r.url}")
            if r.status >= 400 else None)
    # the page aborting its own event stream (Gradio does when its events are done, and
    # closing the page does) is no failed request
    page.on("requestfailed", lambda r: None if r.failure == "net::ERR_ABORTED" else
            failures.append(f"request failed: {r.url} ({r.failure})"))
    async with lesson.door:  # pupils come in one after another, each page loaded in turn
        await page.goto(url, timeout=300_000)
        await page.get_by_role("button", name="Listen to the microphone").wait_for(
            timeout=300_000)
    await page.get_by_role("button", name="Listen to the microphone").click(timeout=300_000)
    await page.wait_for_function("() => window.audiodemoLive && window.audiodemoLive.fps > 0",
                                 timeout=300_000)
    counted.append(True)
    lesson.one_more()
    print(f"{lesson.listening} of {lesson.clients} listening", file=sys.stderr, flush=True)
    await lesson.change.wait()
    await page.get_by_role("radio", name="mel").click()
    await page.wait_for_function("() => window.audiodemoLive.plan.scale === 'mel'",
                                 timeout=120_000)
    await lesson.measure.wait()
    listening = await page.evaluate(STATE)
    await page.get_by_role("button", name="Measure the delay").click()
    await page.wait_for_function("() => window.audiodemoLive.measured", timeout=120_000)
    state = await page.evaluate(STATE)
    if state["error"]:
        failures.append(f"plan refused: {state['error']}")
    await context.close()
    return {**state, "fps": listening["fps"], "note": listening["note"]}


async def one_class(url: str, clients: int, seconds: float, tone: Path, pid: int,
                    idle: float = 0.0, others: int = 0) -> str:
    """`clients` pages through the class, beside `others` clients without browsers asking
    for plans (`plans`) from before the first page comes in until the last has measured."""
    if not others:
        return await _one_class(url, clients, seconds, tone, pid, idle, str(clients))
    stop, crowd = threading.Event(), []
    thread = threading.Thread(target=lambda: crowd.append(plans(url, others, stop=stop)))
    thread.start()
    pages = "1 page" if clients == 1 else f"{clients} pages"
    try:
        row = await _one_class(url, clients, seconds, tone, pid, idle,
                               f"{pages} and {others} clients without browsers")
    finally:
        stop.set()
        thread.join()
    return (f"{row}\n<!-- the other {others} clients, without browsers: pages loaded | plans | "
            f"failed | median | 95th percentile | slowest: {crowd_cells(*crowd[0])} -->")


async def _one_class(url: str, clients: int, seconds: float, tone: Path, pid: int,
                     idle: float, label: str) -> str:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium"), args=[
            *ARGS, f"--use-file-for-fake-audio-capture={tone}"])
        failures: list[str] = []
        lesson = Class(clients)
        pages = asyncio.gather(*[student(browser, url, lesson, failures)
                                 for _ in range(clients)])
        await lesson.all_listening.wait()
        cpu0 = cpu_seconds(pid)
        await asyncio.sleep(seconds / 2)
        lesson.change.set()  # every page asks for a new plan
        await asyncio.sleep(seconds / 2)
        cpu = cpu_seconds(pid) - cpu0
        lesson.measure.set()
        pages = [page for page in await pages if page]
        await browser.close()
    if not pages:
        return f"| {label} | every page failed | | | {len(failures)} | |"
    fps = [page["fps"] for page in pages]
    medians = [page["measured"]["median"] for page in pages
               if page["measured"] and page["measured"]["median"] is not None]
    largest = max((d for page in pages if page["measured"]
                   for d in page["measured"]["delays"] if d is not None), default=float("nan"))
    named = sum(page["note"].startswith("A4") for page in pages)
    kinds = {}
    for failure in failures:
        kinds.setdefault(failure.split(":")[0].split(" ")[0], []).append(failure)
    for kind, each in kinds.items():
        print(f"<!-- {len(each)} × {kind}, e.g. {each[0][:150]} -->")
    delay = f"{statistics.median(medians):.0f} ms / {largest:.0f} ms" if medians else "none seen"
    return (f"| {label} | {statistics.median(fps):.0f} / {min(fps)} | {delay} | "
            f"{named} of {clients} | {len(failures)} | "
            f"{1000 * cpu / seconds:.0f} ms ({1000 * idle:.0f} ms idle) |")


def plans(url: str, clients: int, seconds: float = 0.0, every: float = PLAN_EVERY,
          stop: threading.Event | None = None) -> tuple[list, list, list]:
    """The server's whole part of the live view under a class: `clients` threads, coming in
    a second apart, each loading the page, then asking for a new plan (a random scale and
    frame size, at 48 kHz) every `every` seconds, as if changing a setting twice a second,
    until `seconds` after the last has come in, or until `stop` is set if given. A plan
    that fails is asked for again as the page does (`PLAN_RETRIES`); it fails only if every
    try does. -> the seconds each page took to load, each plan took (from its first try),
    the failures, and the tries that failed but were answered on a later one."""
    config = httpx.get(f"{url}config", timeout=60).json()
    live = next(c["id"] for c in config["components"]
                if c.get("props", {}).get("elem_id") == "live-spectrogram")
    loads, latencies, failures, retried, lock = [], [], [], [], threading.Lock()
    if stop is None:
        stop = threading.Event()
        threading.Timer(clients + seconds, stop.set).start()

    def student(k: int) -> None:
        rng = random.Random(k)
        if stop.wait(k):
            return
        with httpx.Client(timeout=60) as http:
            start = time.perf_counter()
            try:
                http.get(url).raise_for_status()
            except httpx.HTTPError as err:
                with lock:
                    failures.append(f"page: {err!r}")
                return
            with lock:
                loads.append(time.perf_counter() - start)
            while not stop.is_set():
                settings = dict(sample_rate=48000, n_fft=rng.choice(FRAME_SIZES), hop=128,
                                window="hann", scale=rng.choice(SCALES), in_db=True,
                                db_range=80, cmap="magma")
                start = time.perf_counter()
                errors = []
                for wait in PLAN_RETRIES:
                    if stop.wait(wait):
                        break
                    try:
                        r = http.post(f"{url}gradio_api/component_server/", json={
                            "data": settings, "component_id": live, "fn_name": "plan",
                            "session_hash": f"plans-{k}"})
                        r.raise_for_status()
                        assert json.loads(r.json())["n_fft"] == settings["n_fft"]
                    except (httpx.HTTPError, ValueError, KeyError, AssertionError) as err:
                        errors.append(f"plan: {err!r}")
                        continue
                    with lock:
                        latencies.append(time.perf_counter() - start)
                        retried.extend(errors)
                    errors = []
                    break
                with lock:
                    failures.extend(errors[-1:])  # every try failed (or the class ended)
                stop.wait(max(0.0, every - (time.perf_counter() - start)))

    threads = [threading.Thread(target=student, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for failure in sorted(set(failures))[:3]:
        print(f"<!-- failed: {failure[:200]} -->")
    for error in sorted(set(retried))[:3]:
        print(f"<!-- answered when asked again: {error[:200]} -->")
    return loads, latencies, failures, retried


def crowd_cells(loads: list, latencies: list, failures: list, retried: list) -> str:
    """`plans`' result as table cells: pages loaded, plans, failed (and tries answered when
    asked again), their median, 95th percentile and slowest."""
    ms = sorted(1000 * x for x in latencies) or [float("nan")]
    return (f"{len(loads)} pages in {statistics.median(loads):.1f} s (slowest "
            f"{max(loads, default=float('nan')):.1f} s) | {len(latencies)} | {len(failures)} "
            f"({len(retried)} answered when asked again) | "
            f"{ms[len(ms) // 2]:.0f} ms | {ms[int(0.95 * len(ms))]:.0f} ms | {ms[-1]:.0f} ms")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, nargs="+", default=[1, 10, 30])
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--plans", type=int, default=30, metavar="CLIENTS",
                   help="then this many clients asking for plans, without browsers (0: none)")
    p.add_argument("--class-of", type=int, default=0, metavar="N",
                   help="clients without browsers beside each count of pages, to make N")
    args = p.parse_args(argv)
    folder = Path(tempfile.mkdtemp())
    tone = folder / "a4.wav"
    t = np.arange(4 * 48000) / 48000
    sf.write(tone, 0.3 * np.sin(2 * np.pi * 440 * t), 48000, subtype="PCM_16")
    port = free_port()
    server = start_app(port)
    try:
        asyncio.run(one_class(f"http://127.0.0.1:{port}/", 1, 2.0, tone, server.pid))  # warm
        cpu0 = cpu_seconds(server.pid)
        time.sleep(10)
        idle = (cpu_seconds(server.pid) - cpu0) / 10
        print(f"The server idle, no page open: {1000 * idle:.0f} ms of CPU a second (Gradio's "
              f"own loops).\n")
        print("| pages at once | pictures a second (median / lowest page) | delay, sound to "
              "screen (median / largest) | named A4 | failed requests | server CPU a "
              "second while they listen |")
        print("|---|---|---|---|---|---|")
        for clients in args.clients:
            others = max(0, args.class_of - clients)
            print(asyncio.run(one_class(f"http://127.0.0.1:{port}/", clients, args.seconds,
                                        tone, server.pid, idle, others)), flush=True)
        if args.plans:
            print("\n| the server's part alone | pages loaded (median) | plans | failed | "
                  "median | 95th percentile | slowest |\n|---|---|---|---|---|---|---|")
            crowd = plans(f"http://127.0.0.1:{port}/", args.plans, 30.0)
            print(f"| {args.plans} clients a second apart, a new plan every {PLAN_EVERY:g} s "
                  f"each | {crowd_cells(*crowd)} |", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
