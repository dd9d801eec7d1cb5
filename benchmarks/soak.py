"""Soak test: a class of students drives the running app for an hour; failures, latency, memory.

    python -m benchmarks.soak [--students 30] [--minutes 60] [--think 30] [--seed 0]
        [--sample-every 30] [--port N | --url URL [--pid PID]] [--cache-sweep SECONDS]
        [--csv FILE] [--own 0.15] [--bad-input 0] [--timeout 300]

Unlike `load.py` (clients back to back, the same three requests), each student is a thread
with its own gradio_client that behaves like someone in a lesson: it opens the page at some
moment of the first minute, then follows the lesson's steps (`LESSON`: Spectrogram, Denoise,
Latent space, Melody, Experiments) at its own pace and, once through, explores freely
(`FREE`). Between requests it thinks for an exponential time (mean `--think` seconds). Each
request changes one control of the tab as a student would, starting from the app's defaults;
sounds are the app's examples (`assets/*.wav`) and, for a share `--own` of the requests that
take a sound, a fresh synthetic recording of the student's own voice (a new file each time,
so the server's uploads accumulate as over a real day). Everything random comes from
`--seed`, per student.

Requests are built by parameter name from the app's own API description
(`view_api(return_format="dict")`): every input a step does not set keeps the app's default,
so new optional inputs need no change here. Before the soak starts, every step's requests are
checked against that description (names, required inputs, choices and their types, slider
ranges); a mismatch stops the script with the names to update in the tables below. Unlike a
browser, gradio_client uploads a request's sound again every time and runs no private
events (the hop slider keeps the page's first range, 16-512, whatever the frame size).

Every request is recorded (endpoint, start, latency, error). An error answer (an `AppError`,
a timeout, a broken connection) counts as failed; with `--bad-input P` a share P of the
requests is deliberately wrong (`BAD`), and those count as "refused as expected" when the
app answers with a message, not as failed. The server's resident memory is read every
`--sample-every` seconds. The script starts `python app.py` on a free port (or `--port`) in
a cache folder of its own, or attaches to a running server with `--url` (memory then needs
the server's process: `--pid`, or found from the port when the server runs here).
Prints a Markdown report for BENCHMARKS.md; `--csv` writes the raw per-request records.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from gradio_client import Client, handle_file

from audiodemo.paths import ASSETS, ROOT

# ---------------------------------------------------------------------------------------------
# The class: what students do, and how often. Endpoint and parameter names are the app's API
# names (`Client(url).view_api()`); every parameter not named here keeps the app's default.
# ---------------------------------------------------------------------------------------------

LESSON = [  # (step, share of the lesson's time, {endpoint: weight}) in the order taught
    ("Spectrogram", 0.25, {"/spectrogram": 6, "/phase": 2}),
    ("Denoise", 0.25, {"/denoise": 1}),
    ("Latent space", 0.25, {"/latent": 2, "/decode": 6, "/interpolate": 1.5, "/grid": 0.3}),
    ("Melody", 0.17, {"/generate": 1}),
    ("Experiments", 0.08, {"/experiments": 1}),
]
FREE = {  # after the lesson: a student's own mix, weighted like a class
    "/spectrogram": 4, "/denoise": 4, "/phase": 1, "/decode": 2, "/latent": 1,
    "/interpolate": 1, "/generate": 2, "/grid": 0.2, "/experiments": 0.5,
}
PACE = (0.8, 1.25)  # a student's speed through the lesson: some finish early, some never do

SPECTROGRAM_SOUNDS = ["piano_middle_c.wav", "digit_7_jackson.wav", "digit_7_jackson_noisy.wav",
                      "chirp.wav", "digits_31415_theo.wav", "babble.wav"]
DENOISE_SOUNDS = ["digits_31415_theo.wav", "digit_7_jackson.wav", "digit_7_jackson_noisy.wav"]
NOISY_SOUNDS = {"digit_7_jackson_noisy.wav"}  # already noisy: students add no noise, mostly
NO_NOISE = "none (my recording is already noisy)"  # /denoise noise_type
TYPED = "(type a seed below)"  # /generate seed_name when the seed is typed
UPLOADED = "(the song file dropped below)"  # /generate seed_name when a file is dropped
PLANES = {  # /latent view -> the /decode models of its two planes
    "2-D AE and VAE": ["AE", "VAE"],
    "the paper's denoisers (64-D, PCA)": ["paper DCAE", "paper VAE"],
}
CODES = {"AE": "latent_ae", "VAE": "latent_vae",  # /decode model -> assets/NAME.npz
         "paper DCAE": "paper_dcae", "paper VAE": "paper_vae"}
TWO_D = ["AE", "VAE"]  # models whose planes decode any place; the paper's decode recordings

# How a student changes one control (keyword -> choices, or a function of the student);
# `None` draws from the choices the app's API lists for that parameter.
CHANGES = {
    "/spectrogram": {
        "audio": lambda s: s.sound(SPECTROGRAM_SOUNDS),
        "n_fft": [256, 512, 1024, 2048, 4096], "window": None, "scale": None,
        "in_db": [True, False], "db_range": [40, 60, 80, 100, 120], "cmap": None,
        "hop_length": lambda s: s.hop(s.state["/spectrogram"]["n_fft"]),
    },
    "/phase": {"n_iter": [0, 10, 32, 32, 100, 100], "method": None},  # 200 at hop n_fft/8
    # is at the edge of the app's Griffin-Lim budget (audiodemo/limits.py), refused at 48 kHz
    "/denoise": {
        "audio": lambda s: s.sound(DENOISE_SOUNDS), "noise_type": None,
        "snr_db": list(range(-5, 21)), "model": None, "reconstruction": None,
        "strength": [0.25, 0.5, 0.75, 1.0, 1.0], "seed": list(range(10)),
    },
    "/latent": {"colour_by": None, "digit": None, "speaker": None, "split": None,
                "shared_axes": [True, False], "view": None},
    "/interpolate": {"model": TWO_D, "file_a": None, "file_b": None,
                     "steps": [4, 6, 8, 8, 12, 16]},
    "/grid": {"n": [6, 8, 10, 12, 12, 16, 20]},
    "/generate": {
        "seed_name": lambda s: s.choice([c for c in s.choices("/generate", "seed_name")
                                         if c not in (TYPED, UPLOADED)]),
        "typed": lambda s: s.typed_seed(), "temperature": [0.5, 0.8, 1.0, 1.0, 1.2, 1.5],
        "bars": [4, 8, 8, 12, 16], "key": None, "tempo": [80, 90, 100, 110, 120, 140],
        "variations": [1, 1, 2, 3, 4], "random_seed": list(range(100)),
        "end_in_last_bar": [True, True, False], "avoid_copies": [True, False],
    },
    "/experiments": {"search": None, "model": None},
}
SHARED = {"/phase": ("/spectrogram", ["audio", "n_fft", "hop_length", "window"])}  # same controls

BAD = {  # --bad-input: requests the app must refuse with a message (endpoint -> keywords)
    "/decode": lambda s: {"model": "VAE", "x": 1e6, "y": -1e6, "file": ""},
    "/generate": lambda s: {"seed_name": TYPED, "typed": "do re mi"},
    "/spectrogram": lambda s: {"audio": str(ASSETS / "chirp.wav"), "n_fft": 256,
                               "hop_length": 512},
    "/denoise": lambda s: {"audio": str(ASSETS / "digit_7_jackson.wav"), "seed": -3},
}


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------

def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int | None) -> float:
    """Resident memory of a process in MB (Linux); NaN when unknown or gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, TypeError):
        pass
    return float("nan")


def listener_pid(port: int) -> int | None:
    """The process of this machine (of this user) listening on `port`, from /proc."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":  # LISTEN
                inodes.add(f"socket:[{cols[9]}]")
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                    return int(proc.name)
            except OSError:
                continue
    return None


def folder_mb(folder: Path | None) -> float:
    total = 0
    if folder is None:
        return float("nan")
    for dirpath, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.stat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total / 2**20


def app_has_option(option: str) -> bool:
    help_text = subprocess.run([sys.executable, "app.py", "--help"], cwd=ROOT,
                               capture_output=True, text=True, timeout=120).stdout
    return option in help_text


def start_app(port: int, cache: Path, log: Path, extra: list[str]) -> subprocess.Popen:
    """`python app.py --port N` with Gradio's cache in `cache` and its output in `log` (a
    file, not a pipe: an hour of warnings would fill a pipe and stall the server)."""
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", GRADIO_TEMP_DIR=str(cache))
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "app.py", "--port", str(port), *extra],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            Client(f"http://127.0.0.1:{port}/", verbose=False, download_files=False)
            return server
        except Exception:
            if server.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")[-2000:]) from None
            time.sleep(1)
    server.kill()
    raise RuntimeError("the app did not start within 3 minutes")


# ---------------------------------------------------------------------------------------------
# A student
# ---------------------------------------------------------------------------------------------

VOWELS = [(730, 1090, 2440), (530, 1840, 2480), (270, 2290, 3010), (570, 840, 2410),
          (300, 870, 2240), (660, 1720, 2410), (440, 1020, 2240)]  # F1-F3 (Hz): a e i o u ...


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def voice_recording(rng: np.random.Generator, f0: float, rate: int) -> np.ndarray:
    """A few syllables of a synthetic voice at pitch `f0`: harmonics under vowel formants,
    noise bursts for consonants, room noise, as a microphone takes it (1-5 s)."""
    parts = [rng.normal(0, 1, int(rate * rng.uniform(0.1, 0.4))) * 0.003]
    for _ in range(int(rng.integers(2, 9))):
        if rng.random() < 0.5:  # a consonant: a short burst of brightened noise
            burst = np.diff(rng.normal(0, 1, int(rate * rng.uniform(0.03, 0.09)) + 1))
            parts.append(burst * np.hanning(len(burst)) * rng.uniform(0.02, 0.08))
        n = int(rate * rng.uniform(0.12, 0.4))
        t = np.arange(n) / rate
        pitch = f0 * (1 + 0.03 * np.sin(2 * np.pi * 5 * t) - 0.1 * t / t[-1]
                      + rng.uniform(-0.08, 0.08))
        phase = 2 * np.pi * np.cumsum(pitch) / rate
        k = np.arange(1, int(4500 / f0) + 1)[:, None]
        formants = VOWELS[int(rng.integers(len(VOWELS)))]
        gain = sum(1 / (1 + ((k * pitch - f) / (60 + 0.06 * f)) ** 2) / (i + 1)
                   for i, f in enumerate(formants))
        syllable = (gain * np.sin(k * phase)).sum(0) / k.size ** 0.5
        parts.append(syllable * np.hanning(n) ** 0.5 * rng.uniform(0.1, 0.3))
        parts.append(np.zeros(int(rate * rng.uniform(0.02, 0.15))))
    parts.append(np.zeros(int(rate * rng.uniform(0.1, 0.5))))
    sound = np.concatenate(parts)[: 5 * rate]
    sound += rng.normal(0, rng.uniform(0.001, 0.01), len(sound))  # the room
    return sound * rng.uniform(0.3, 0.9) / max(1e-9, np.abs(sound).max())


@dataclass
class Student:
    index: int
    rng: np.random.Generator
    api: dict  # endpoint -> {parameter name -> parameter info}
    codes: dict  # /decode model -> (z, file, split) of its encodings
    recordings: Path | None  # where own recordings go; None: never record
    own: float
    state: dict = field(default_factory=dict)  # endpoint -> current keyword arguments
    recorded: int = 0
    f0: float = 0.0
    rate: int = 48000

    def __post_init__(self) -> None:
        self.f0 = float(self.rng.uniform(95, 250))  # this student's voice
        self.rate = int(self.rng.choice([44100, 48000]))

    # helpers for the tables
    def choice(self, options):
        return options[int(self.rng.integers(len(options)))]

    def choices(self, endpoint: str, name: str) -> list:
        return list(self.api[endpoint][name]["type"].get("enum") or [])

    def hop(self, n_fft) -> int:
        """A hop a student picks for this frame: 1/8 to 1/2 of it, in the slider's steps of
        16 (longer hops cannot be rebuilt, shorter ones make huge pictures), and within the
        bounds the API gives the hop slider (over the API they stay the page's first ones)."""
        lo, hi = bounds(self.api, "/spectrogram", "hop_length")
        n = int(n_fft)
        hops = [max(16, n // d // 16 * 16) for d in (8, 4, 4, 2)]
        return self.choice([h for h in hops if lo <= h <= hi] or [int(lo)])

    def typed_seed(self) -> str:
        notes = [60, 62, 64, 65, 67, 69, 71, 72]
        length = self.choice([8, 16])
        out = []
        while len(out) < length:
            out += [str(self.choice(notes))] + ["_"] * self.choice([0, 1, 1, 3])
        return " ".join(out[:length])

    def sound(self, examples: list[str]) -> str:
        if self.recordings is not None and self.rng.random() < self.own:
            self.recorded += 1
            path = self.recordings / f"student{self.index:02d}-take{self.recorded}.wav"
            write_wav(path, voice_recording(self.rng, self.f0, self.rate), self.rate)
            return str(path)
        return str(ASSETS / self.choice(examples))

    # building requests
    def fresh(self, endpoint: str) -> dict:
        """A tab as the page opens it: the app's defaults, a sound picked where one is needed."""
        kwargs = {name: p["parameter_default"] for name, p in self.api[endpoint].items()
                  if p.get("parameter_has_default")}
        if "audio" in self.api[endpoint] and "audio" in CHANGES.get(endpoint, {}):
            kwargs["audio"] = CHANGES[endpoint]["audio"](self)
        return kwargs

    def change(self, endpoint: str, name: str):
        how = CHANGES[endpoint][name]
        if how is None:
            return self.choice(self.choices(endpoint, name))
        return how(self) if callable(how) else self.choice(how)

    def request(self, endpoint: str) -> dict:
        """The keyword arguments of this student's next request to `endpoint`."""
        return conform(self.api, endpoint, self._request(endpoint))

    def _request(self, endpoint: str) -> dict:
        if endpoint == "/decode":
            return self.decode()
        first = endpoint not in self.state
        kwargs = self.state.setdefault(endpoint, self.fresh(endpoint))
        if endpoint in SHARED:  # the same controls as another event of the tab
            other, names = SHARED[endpoint]
            if other not in self.state:
                self.state[other] = self.fresh(other)
            kwargs.update({n: self.state[other][n] for n in names})
        if not first or endpoint in ("/latent",):  # /latent runs when a control changes
            names = list(CHANGES[endpoint])
            name = self.choice(names)
            if endpoint == "/generate" and name == "typed":
                kwargs["seed_name"] = TYPED
                kwargs["minor"] = bool(self.rng.random() < 0.3)
            elif endpoint == "/generate" and name == "seed_name":
                kwargs["typed"] = ""
            if name in ("file_a", "file_b"):  # a walk between two different recordings
                while True:
                    value = self.change(endpoint, name)
                    if value != kwargs.get("file_b" if name == "file_a" else "file_a"):
                        break
            else:
                value = self.change(endpoint, name)
            kwargs[name] = value
            if endpoint == "/spectrogram" and name == "n_fft":
                kwargs["hop_length"] = self.hop(value)
        if endpoint == "/denoise" and (first or name == "audio"):
            if Path(kwargs["audio"]).name in NOISY_SOUNDS and self.rng.random() < 0.8:
                kwargs["noise_type"] = NO_NOISE  # already noisy: most add no more
        return dict(kwargs)

    def decode(self) -> dict:
        """A click on one of the shown planes: on a recording (its code and file name), or,
        on a 2-D plane, on an empty place between two recordings."""
        view = self.state.get("/latent", {}).get("view") or \
            self.api["/latent"]["view"]["parameter_default"]
        model = self.choice(PLANES[view])
        z, files, split = self.codes[model]
        shown = self.state.get("/latent", {}).get("split", "test")
        pool = np.flatnonzero(split == "test") if model not in TWO_D or shown == "test" else (
            np.flatnonzero(split == "train") if shown == "train" else np.arange(len(files)))
        a, b = (int(self.choice(pool)) for _ in range(2))
        if model in TWO_D and self.rng.random() < 0.4:
            x, y = (z[a] + z[b]) / 2
            return {"model": model, "x": round(float(x), 3), "y": round(float(y), 3),
                    "file": ""}
        return {"model": model, "x": round(float(z[a][0]), 3), "y": round(float(z[a][1]), 3),
                "file": str(files[a])}


def bounds(api: dict, endpoint: str, name: str) -> tuple[float, float]:
    """A slider's range as the API describes it ("numeric value between 16 and 512")."""
    text = api[endpoint].get(name, {}).get("type", {}).get("description", "")
    found = re.search(r"between (-?[\d.]+) and (-?[\d.]+)", text)
    return (float(found[1]), float(found[2])) if found else (-math.inf, math.inf)


def conform(api: dict, endpoint: str, kwargs: dict) -> dict:
    """`kwargs` with each value of a choice in the type of that parameter's default: the API
    lists choices as strings whether the app's are numbers or strings, and Gradio refuses a
    number where its choices are strings (and the reverse)."""
    out = dict(kwargs)
    for name, value in kwargs.items():
        default = api[endpoint].get(name, {}).get("parameter_default")
        if isinstance(value, bool) or isinstance(default, bool) or default is None:
            continue
        if isinstance(default, str) and isinstance(value, (int, float)):
            out[name] = str(value)
        elif isinstance(default, (int, float)) and isinstance(value, str):
            try:
                out[name] = type(default)(value)
            except ValueError:
                pass
    return out


def load_codes() -> dict:
    codes = {}
    for model, name in CODES.items():
        with np.load(ASSETS / f"{name}.npz") as data:
            codes[model] = (data["z"], data["file"].astype(str), data["split"].astype(str))
    return codes


def check_tables(api: dict, codes: dict) -> list[str]:
    """What in the tables no longer matches the app's API; empty when all does."""
    problems = []
    used = {e for _, _, mix in LESSON for e in mix} | set(FREE)
    for endpoint in sorted(used | set(BAD)):
        if endpoint not in api:
            problems.append(f"{endpoint}: not in the app's API")
    if problems:
        return problems
    for endpoint, names in CHANGES.items():
        for name in names:
            if name not in api[endpoint]:
                problems.append(f"{endpoint}: no parameter {name!r} (CHANGES)")
    for name in ("model", "x", "y", "file"):
        if name not in api["/decode"]:
            problems.append(f"/decode: no parameter {name!r}")
    for model in CODES:
        if model not in (api["/decode"].get("model", {}).get("type", {}).get("enum") or [model]):
            problems.append(f"/decode: model {model!r} is not a choice (CODES)")
    views = api.get("/latent", {}).get("view", {}).get("type", {}).get("enum") or []
    if sorted(views) != sorted(PLANES):
        problems.append(f"/latent: the views {views} are not those of PLANES")
    if problems:
        return problems
    student = Student(-1, np.random.default_rng(0), api, codes, None, 0.0)
    for _ in range(300):  # every change, many times, each checked against the API
        for endpoint in sorted(used):
            kwargs = student.request(endpoint)
            for name, p in api[endpoint].items():
                if not p.get("parameter_has_default") and name not in kwargs:
                    problems.append(f"{endpoint}: required {name!r} not set")
            for name, value in kwargs.items():
                if name not in api[endpoint]:
                    problems.append(f"{endpoint}: no parameter {name!r}")
                    continue
                enum = api[endpoint][name]["type"].get("enum")
                if enum and str(value) not in map(str, enum):
                    problems.append(f"{endpoint}: {name}={value!r} is not one of the choices")
                lo, hi = bounds(api, endpoint, name)
                if isinstance(value, (int, float)) and not lo <= value <= hi:
                    problems.append(f"{endpoint}: {name}={value!r} is outside {lo:g}-{hi:g}")
                default = api[endpoint][name].get("parameter_default")
                if enum and default is not None and type(value) is not type(default):
                    problems.append(f"{endpoint}: {name}={value!r} is not a "
                                    f"{type(default).__name__} like its default")
        if problems:
            break
    return sorted(set(problems))


# ---------------------------------------------------------------------------------------------
# The soak
# ---------------------------------------------------------------------------------------------

@dataclass
class Record:
    student: int
    endpoint: str
    step: str
    start_s: float
    latency_s: float
    ok: bool
    bad_input: bool
    upload: str
    error: str


class Soak:
    def __init__(self, args, url: str, api: dict, codes: dict, folder: Path, pid: int | None,
                 cache: Path | None):
        self.args, self.url, self.api, self.codes = args, url, api, codes
        self.folder, self.pid, self.cache = folder, pid, cache
        self.records: list[Record] = []
        self.samples: list[tuple[float, float, int, int, float]] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.in_flight = 0
        self.duration = 60 * args.minutes
        self.start = 0.0

    def now(self) -> float:
        return time.monotonic() - self.start

    def record(self, **fields) -> None:
        with self.lock:
            self.records.append(Record(**fields))

    def sample(self) -> None:
        with self.lock:
            done = sum(r.endpoint != "(open the page)" for r in self.records)
            flying = self.in_flight
        self.samples.append((self.now(), rss_mb(self.pid), done, flying, folder_mb(self.cache)))

    def sampler(self) -> None:
        while not self.stop.wait(self.args.sample_every):
            self.sample()

    def step(self, clock: float) -> tuple[str, dict]:
        for name, share, mix in LESSON:
            if clock < share:
                return name, mix
            clock -= share
        return "free", FREE

    def student(self, index: int) -> None:
        rng = np.random.default_rng([self.args.seed, index])
        arrive = rng.uniform(0, min(60.0, self.duration / 4))
        pace = rng.uniform(*PACE)
        s = Student(index, rng, self.api, self.codes, self.folder / "recordings", self.args.own)
        if self.stop.wait(arrive):
            return
        t0, client = self.now(), None
        try:  # opening the page
            client = Client(self.url, verbose=False, download_files=str(self.folder / "dl"))
            self.record(student=index, endpoint="(open the page)", step="", start_s=t0,
                        latency_s=self.now() - t0, ok=True, bad_input=False, upload="",
                        error="")
        except Exception as err:
            self.record(student=index, endpoint="(open the page)", step="", start_s=t0,
                        latency_s=self.now() - t0, ok=False, bad_input=False, upload="",
                        error=f"{type(err).__name__}: {err}"[:300])
            return
        while not self.stop.is_set():
            step, mix = self.step(self.now() / self.duration * pace)
            bad = self.args.bad_input > 0 and rng.random() < self.args.bad_input
            if bad:
                endpoint = s.choice(sorted(BAD))
                kwargs = conform(self.api, endpoint, BAD[endpoint](s))
            else:
                names = list(mix)
                weights = np.array([mix[n] for n in names], float)
                endpoint = names[int(rng.choice(len(names), p=weights / weights.sum()))]
                kwargs = s.request(endpoint)
            upload = ""
            for name, value in list(kwargs.items()):
                if self.api[endpoint][name]["python_type"]["type"] == "filepath" and value:
                    upload = "own" if Path(value).parent != ASSETS else Path(value).name
                    kwargs[name] = handle_file(value)
            error, t0 = "", self.now()
            with self.lock:
                self.in_flight += 1
            try:
                job = client.submit(api_name=endpoint, **kwargs)
                try:
                    job.result(timeout=self.args.timeout)
                except TimeoutError:
                    job.cancel()
                    error = f"no answer within {self.args.timeout:g} s"
            except Exception as err:  # a failed request is a finding, not a crash
                error = f"{type(err).__name__}: {err}"[:300] or type(err).__name__
            finally:
                with self.lock:
                    self.in_flight -= 1
            self.record(student=index, endpoint=endpoint, step=step, start_s=t0,
                        latency_s=self.now() - t0, ok=not error, bad_input=bad, upload=upload,
                        error=error.replace("\n", " "))
            self.stop.wait(rng.exponential(self.args.think))

    def run(self) -> float:
        (self.folder / "recordings").mkdir(parents=True, exist_ok=True)
        self.start = time.monotonic()
        self.sample()
        threads = [threading.Thread(target=self.student, args=(i,), daemon=True)
                   for i in range(self.args.students)]
        sampler = threading.Thread(target=self.sampler, daemon=True)
        for t in [*threads, sampler]:
            t.start()
        while self.now() < self.duration:
            time.sleep(min(1.0, self.duration - self.now()))
        self.stop.set()
        ended = self.now()
        for t in threads:  # requests in flight finish (or time out)
            t.join(timeout=self.args.timeout + 30)
        self.sample()
        return ended


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------

def nearest_rank(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def report(args, argv: list[str], soak: Soak, ended: float, attached: bool, notes: list[str],
           undriven: list[str]) -> str:
    out = []
    shown = []
    skip = False
    for a in argv:  # the command as run, less the machine's own paths
        if skip:
            skip = False
            continue
        if a == "--csv":
            skip = True
            continue
        if not a.startswith("--csv="):
            shown.append(a)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    from importlib.metadata import PackageNotFoundError, version
    try:
        gradio_version = version("gradio")
    except PackageNotFoundError:
        gradio_version = "?"
    minutes = f"{args.minutes:g} minute" + "s" * (args.minutes != 1)
    out.append(f"### {args.students} students, {minutes}\n")
    out.append("```bash\n" + shlex.join(["python", "-m", "benchmarks.soak", *shown]) + "\n```\n")
    where = "a server already running (`--url`)" if attached else \
        "`python app.py` started by the script"
    out.append(f"{args.students} students, {minutes} ({ended / 60:.1f} measured),"
               f" think time exponential with mean {args.think:g} s, seed {args.seed}; "
               f"{cores} CPU cores; {where}; Gradio {gradio_version}, gradio_client "
               f"{version('gradio_client')}, Python {platform.python_version()}.\n")
    records = [r for r in soak.records if r.endpoint != "(open the page)"]
    opened = [r for r in soak.records if r.endpoint == "(open the page)"]
    bad = [r for r in records if r.bad_input]
    good = [r for r in records if not r.bad_input]
    failed = [r for r in good if not r.ok] + [r for r in opened if not r.ok]
    own = sum(r.upload == "own" for r in records)
    uploads = sum(bool(r.upload) for r in records)
    per_minute = len(records) / max(ended / 60, 1e-9)
    summary = (f"**{len(records)} requests** ({per_minute:.1f} a minute), "
               f"**{len(failed)} failed**; {uploads} with an uploaded sound, {own} of them a "
               f"new recording of a student's own voice; {len(opened)} page openings.")
    if bad:
        refused = sum(not r.ok for r in bad)
        summary += (f" Deliberately bad input: {len(bad)} requests, {refused} refused with a "
                    f"message as expected, {len(bad) - refused} accepted (not in the table).")
    out.append(summary + " Latencies are of the answered requests, from submitting (uploads "
               "included) to the last output downloaded.\n")
    by = defaultdict(list)
    for r in good:
        by[r.endpoint].append(r)
    order = [e for e in soak.api if e in by] + sorted(e for e in by if e not in soak.api)
    out.append("| endpoint | requests | failed | p50 (s) | p95 (s) | max (s) |")
    out.append("|---|---|---|---|---|---|")
    for endpoint in order + (["(open the page)"] if opened else []):
        rows = by[endpoint] if endpoint != "(open the page)" else opened
        times = [r.latency_s for r in rows if r.ok]
        out.append(f"| `{endpoint}` | {len(rows)} | {sum(not r.ok for r in rows)} | "
                   f"{nearest_rank(times, 0.5):.2f} | {nearest_rank(times, 0.95):.2f} | "
                   f"{max(times, default=float('nan')):.2f} |")
    times = [r.latency_s for r in good if r.ok]
    out.append(f"| all | {len(good)} | {sum(not r.ok for r in good)} | "
               f"{nearest_rank(times, 0.5):.2f} | {nearest_rank(times, 0.95):.2f} | "
               f"{max(times, default=float('nan')):.2f} |")
    steps = Counter(r.step for r in good)
    out.append("\nRequests per lesson step: " + ", ".join(
        f"{name} {steps[name]}" for name in [*(n for n, _, _ in LESSON), "free"]) + ".")
    if undriven:
        out.append(f"\nEndpoints of the app the soak does not drive: "
                   f"{', '.join(f'`{e}`' for e in undriven)}.")
    if failed:
        out.append("\nFailed requests (the first of each endpoint and error):\n")
        seen = Counter()
        for r in sorted(failed, key=lambda r: r.start_s):
            key = (r.endpoint, r.error[:80])
            seen[key] += 1
            if seen[key] == 1 and len(seen) <= 8:
                out.append(f"- `{r.endpoint}` at {clock(r.start_s)} (student {r.student}, "
                           f"{r.upload or 'no upload'}): {r.error}")
        more = {k: n for k, n in seen.items() if n > 1}
        for (endpoint, error), n in more.items():
            out.append(f"- {n} × `{endpoint}`: {error}")
    out.append("")
    out.append(memory_report(args, soak))
    for note in notes:
        out.append(f"\n{note}")
    return "\n".join(out)


def memory_report(args, soak: Soak) -> str:
    samples = soak.samples
    if not samples or all(math.isnan(s[1]) for s in samples):
        return "Server memory: not measured (no process to read; give `--pid`)."
    end = samples[-1][0]
    every = 5 if args.minutes >= 15 else 1
    cached = soak.cache is not None  # known only for a server the script started
    lines = ["| minute | server RSS (MB) | requests so far | in flight |"
             + " Gradio cache (MB) |" * cached, "|---|---|---|---|" + "---|" * cached]

    def row(label: str, sample: tuple) -> str:
        t, rss, done, flying, cache = sample
        return f"| {label} | {rss:.0f} | {done} | {flying} |" + f" {cache:.1f} |" * cached

    minute = 0
    while minute * 60 <= end + 1:
        lines.append(row(str(minute), min(samples, key=lambda s: abs(s[0] - minute * 60))))
        minute += every
    lines.append(row(f"end ({samples[-1][0] / 60:.1f})", samples[-1]))
    rss = samples[-1][1]
    base_minute = 5 if args.minutes >= 10 else args.minutes / 2
    base = min(samples, key=lambda s: abs(s[0] - base_minute * 60))
    peak = max((s for s in samples if not math.isnan(s[1])), key=lambda s: s[1])
    later = np.array([(s[0], s[1]) for s in samples if s[0] >= base[0] and not math.isnan(s[1])])
    trend = ""
    if len(later) >= 3 and later[-1, 0] - later[0, 0] >= 600:
        slope = np.polyfit(later[:, 0], later[:, 1], 1)[0] * 3600
        trend = f"; the least-squares trend after minute {base_minute:g}: {slope:+.0f} MB an hour"
    growth = rss - base[1]
    what = "; the cache is Gradio's folder of uploads and outputs" * cached
    text = (f"Server memory, read every {args.sample_every:g} s ({len(samples)} readings"
            f"{what}):\n\n" + "\n".join(lines) +
            f"\n\nFrom minute {base_minute:g} ({base[1]:.0f} MB) to the end ({rss:.0f} MB): "
            f"{growth:+.0f} MB ({100 * growth / base[1]:+.1f} %); at the start "
            f"{samples[0][1]:.0f} MB, the peak {peak[1]:.0f} MB at minute {peak[0] / 60:.1f}"
            f"{trend}.")
    return text


# ---------------------------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=30)
    p.add_argument("--minutes", type=float, default=60.0)
    p.add_argument("--think", type=float, default=30.0,
                   help="mean think time between a student's requests (s, exponential)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sample-every", type=float, default=30.0,
                   help="seconds between readings of the server's memory")
    p.add_argument("--port", type=int, help="port to start the app on (default: a free one)")
    p.add_argument("--url", help="attach to a running server instead of starting one")
    p.add_argument("--pid", type=int, help="with --url: the server's process, for its memory")
    p.add_argument("--cache-sweep", type=float,
                   help="passed on to app.py as --cache-sweep where the app has that option")
    p.add_argument("--csv", type=Path, help="write every request's record to this CSV file")
    p.add_argument("--own", type=float, default=0.15,
                   help="share of the sounds sent that are a fresh recording of one's own voice")
    p.add_argument("--bad-input", type=float, default=0.0,
                   help="share of deliberately bad requests (they must be refused with a message)")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds after which an unanswered request counts as failed")
    return p.parse_args(argv)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    notes = []
    with tempfile.TemporaryDirectory(prefix="audiodemo-soak-") as tmp:
        folder = Path(tmp)
        server, cache, log = None, None, folder / "server.log"
        if args.url:
            url, pid = args.url.rstrip("/") + "/", args.pid
            port = urlparse(url).port
            if pid is None and urlparse(url).hostname in ("127.0.0.1", "localhost") and port:
                pid = listener_pid(port)
            if args.cache_sweep is not None:
                notes.append("`--cache-sweep` was not passed on: the server was already "
                             "running.")
        else:
            extra = []
            if args.cache_sweep is not None:
                if app_has_option("--cache-sweep"):
                    extra = ["--cache-sweep", f"{args.cache_sweep:g}"]
                else:
                    notes.append("`--cache-sweep` skipped: this app.py has no such option.")
            port = args.port or free_port()
            cache = folder / "gradio"
            print(f"starting the app on port {port} ...", file=sys.stderr)
            server = start_app(port, cache, log, extra)
            url, pid = f"http://127.0.0.1:{port}/", server.pid
        try:
            info = Client(url, verbose=False, download_files=False).view_api(
                return_format="dict", print_info=False)["named_endpoints"]
            api = {e: {p["parameter_name"]: p for p in v["parameters"]} for e, v in info.items()}
            codes = load_codes()
            problems = check_tables(api, codes)
            if problems:
                sys.exit("The soak's tables no longer match the app's API:\n  "
                         + "\n  ".join(problems))
            used = {e for _, _, mix in LESSON for e in mix} | set(FREE)
            undriven = [e for e in api if e not in used]
            print(f"{args.students} students for {args.minutes:g} min against {url} "
                  f"(memory of process {pid})", file=sys.stderr)
            soak = Soak(args, url, api, codes, folder, pid, cache)
            ended = soak.run()
            if server is not None and server.poll() is not None:
                notes.append(f"**The server exited during the soak** (code {server.returncode}).")
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                text = log.read_text(errors="replace") if log.exists() else ""
                tracebacks = text.count("Traceback (most recent call last)")
                if tracebacks:
                    print(f"\nthe server's log has {tracebacks} tracebacks; its end:\n"
                          + text[-3000:], file=sys.stderr)
        if server is not None:
            notes.append(f"The server's log has {tracebacks} tracebacks.")
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(list(Record.__dataclass_fields__))
            for r in sorted(soak.records, key=lambda r: r.start_s):
                writer.writerow([r.student, r.endpoint, r.step, f"{r.start_s:.3f}",
                                 f"{r.latency_s:.3f}", int(r.ok), int(r.bad_input), r.upload,
                                 r.error])
    print(report(args, argv, soak, ended, bool(args.url), notes, undriven))


if __name__ == "__main__":
    main()
