"""Shared fixtures: synthetic signals, the FSDD folder, a running app, browser settings."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from audiodemo.paths import ASSETS, FSDD_ENV, ROOT, TEST_URL_ENV


@pytest.fixture(autouse=True)
def _torch_threads():
    """Each test starts with the process's torch thread count: a training that sets its own
    (`threads=1`) would otherwise change the sums, in their last bit, of every later test."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

FAKE_MICROPHONE = ASSETS / "digit_7_jackson.wav"


def played(path: str | None) -> tuple[int, np.ndarray] | None:
    """What a tab's player holds: the sample rate and int16 samples of the WAV it points at."""
    if path is None:
        return None
    wave, rate = sf.read(path, dtype="int16")
    return rate, wave


def tone(freq: float = 440.0, seconds: float = 1.0, sample_rate: int = 22050) -> np.ndarray:
    """A half-scale sine, float32."""
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def speech_like(seconds=2.0, rate=8000):
    """A voiced, syllable-rate modulated harmonic signal PESQ and STOI accept as speech."""
    t = np.arange(int(seconds * rate)) / rate
    f0 = 120 + 20 * np.sin(2 * np.pi * 0.5 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    voiced = sum(np.sin(k * phase) / k for k in range(1, 15))
    return (0.1 * voiced * (0.55 + 0.45 * np.sin(2 * np.pi * 4 * t))).astype(np.float32)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture(scope="session")
def fsdd_dir() -> Path:
    """FSDD recordings: $AUDIODEMO_FSDD, else the shared copy beside the project."""
    path = Path(os.environ.get(FSDD_ENV, ROOT.parent / "shared" / "data" / "fsdd"))
    recordings = path / "recordings" if (path / "recordings").is_dir() else path
    if not any(recordings.glob("*.wav")):
        pytest.skip(f"FSDD not found at {recordings}; set AUDIODEMO_FSDD")
    return recordings


@pytest.fixture(scope="session")
def app_url():
    """The whole app served on a free local port for the duration of the session, or the
    server at $AUDIODEMO_TEST_URL (to try the browser and API tests on one that has been up
    for hours: tests that count work inside this process need their own)."""
    if os.environ.get(TEST_URL_ENV):
        yield os.environ[TEST_URL_ENV]
        return
    import app

    demo = app.build_demo()
    _, url, _ = demo.queue(**app.queue_options()).launch(
        prevent_thread_lock=True, quiet=True, **app.launch_options()
    )
    yield url
    demo.close()


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Debian's chromium for pytest-playwright; skip browser tests where it is absent."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    return {
        "executable_path": exe,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            # a fake microphone that plays a spoken digit, allowed without asking
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={FAKE_MICROPHONE}",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Pages may use the (fake) microphone."""
    return {**browser_context_args, "permissions": ["microphone"]}


@pytest.fixture(scope="session")
def fake_fsdd(tmp_path_factory) -> Path:
    """A tiny FSDD-shaped folder of synthetic 'digits': 2 speakers x 3 digits x 10 takes."""
    import soundfile as sf

    root = tmp_path_factory.mktemp("fsdd") / "recordings"
    root.mkdir()
    rng = np.random.default_rng(0)
    for speaker, base in [("ann", 150.0), ("bob", 110.0)]:
        for digit in range(3):
            for take in range(10):
                seconds = rng.uniform(0.3, 0.6)
                wave = tone(base * (1 + digit / 4), seconds, 8000) * np.hanning(int(seconds * 8000))
                sf.write(root / f"{digit}_{speaker}_{take}.wav", wave, 8000, subtype="PCM_16")
    return root


@pytest.fixture(scope="session")
def tiny_checkpoints(fake_fsdd, tmp_path_factory) -> dict[str, Path]:
    """One tiny trained checkpoint per model kind, made once per test session."""
    from audiodemo.train.__main__ import main

    out = tmp_path_factory.mktemp("checkpoints")
    paths = {}
    for kind in ["dcae", "vae", "unet"]:
        paths[kind] = out / f"{kind}.pt"
        main([kind, "--data", str(fake_fsdd), "--preset", "tiny", "--out", str(paths[kind]),
              "--quiet"])
    return paths


@pytest.fixture(scope="session")
def fake_speechocean(tmp_path_factory) -> Path:
    """A speechocean762-shaped folder: two training speakers and two of the validation
    speakers, three 16 kHz FLAC 'utterances' (harmonic tones) each, with their tables."""
    root = tmp_path_factory.mktemp("speechocean762")
    speakers = {"0001": ("m", 30), "0006": ("f", 9), "0075": ("m", 6), "0104": ("f", 6)}
    rng = np.random.default_rng(1)
    utt2spk = []
    for spk, (gender, age) in speakers.items():
        (root / "wav" / f"SPEAKER{spk}").mkdir(parents=True)
        for i in range(3):
            utt = f"0{spk}{i:04d}"
            f0, seconds = rng.uniform(100, 300), rng.uniform(1.2, 2.0)
            wave = sum(tone(f0 * k, seconds, 16000) / k for k in range(1, 6)) * 0.3
            sf.write(root / "wav" / f"SPEAKER{spk}" / f"{utt}.flac", wave, 16000)
            utt2spk.append(f"{utt} {spk}")
    (root / "utt2spk").write_text("\n".join(utt2spk) + "\n")
    (root / "spk2gender").write_text("".join(f"{s}\t{g}\n" for s, (g, _) in speakers.items()))
    (root / "spk2age").write_text("".join(f"{s}\t{a}\n" for s, (_, a) in speakers.items()))
    return root


@pytest.fixture(scope="session")
def fake_esc10(tmp_path_factory) -> Path:
    """An ESC-10-shaped folder: two classes, one 2 s 44.1 kHz clip per fold 1-4 each."""
    root = tmp_path_factory.mktemp("esc10")
    rng = np.random.default_rng(2)
    for folder in ("002 - Rain", "007 - Helicopter"):
        (root / folder).mkdir()
        for fold in range(1, 5):
            clip = rng.standard_normal(88200) * 0.1
            sf.write(root / folder / f"{fold}-{rng.integers(10**5)}-A.ogg", clip, 44100)
    return root
