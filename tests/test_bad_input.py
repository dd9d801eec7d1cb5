"""Every bad input of the hardening issue, through the tabs' handlers: a clear message (a
`gr.Error`) for what cannot work, a result for what is merely unusual, and after each the
next good request succeeds."""

from __future__ import annotations

import time
from pathlib import Path

import gradio as gr
import numpy as np
import pytest
import soundfile as sf

from audiodemo.ui.common import example
from audiodemo.ui.denoise_tab import MAX_RATE, MIX_RATE, NO_NOISE, denoise
from audiodemo.ui.melody_tab import TYPED, generate
from audiodemo.ui.spectrogram_tab import analyse
from tests.conftest import played

GOOD = example("digit_7_jackson.wav")
RATE = 8000


def _tone(seconds=1.0, rate=RATE):
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def _files(folder) -> dict[str, str]:
    """Bad and odd files by name."""
    paths = {}

    def write(name, data, rate=RATE, subtype="PCM_16"):
        paths[name] = str(folder / f"{name}.wav")
        sf.write(paths[name], data, rate, subtype=subtype)

    (folder / "empty.wav").write_bytes(b"")
    paths["empty"] = str(folder / "empty.wav")
    write("good", _tone())
    (folder / "truncated.wav").write_bytes((folder / "good.wav").read_bytes()[:30])
    paths["truncated"] = str(folder / "truncated.wav")
    (folder / "text.wav").write_text("this is not a sound\n" * 20)
    paths["text"] = str(folder / "text.wav")
    write("hour", np.zeros(3600 * RATE, np.float32), subtype="PCM_U8")
    stereo = np.stack([_tone(1, 96000), 0.5 * _tone(1, 96000)], axis=1)
    write("hires_stereo_float", stereo, 96000, "FLOAT")
    write("eight_bit", _tone(), subtype="PCM_U8")
    write("silence", np.zeros(RATE, np.float32))
    write("dc_offset", _tone() + 0.5, subtype="FLOAT")
    write("clipped", np.clip(10 * _tone(), -1, 1))
    for bad in ("nan", "inf"):
        wave = _tone()
        wave[100:200] = np.nan if bad == "nan" else np.inf
        write(bad, wave, subtype="FLOAT")
    return paths


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return _files(tmp_path_factory.mktemp("bad"))


def spectrogram(audio):
    return analyse(audio, "512", 128, "hann", "log", True, 80, "magma")


def denoised(audio, noise="white"):
    return denoise(audio, noise, 5, "Ours: 16 kHz complex mask", "Noisy phase", 1.0, 0)


REFUSED = {  # file -> what the message says
    "empty": "empty|Could not read", "truncated": "Could not read|no samples",
    "text": "Could not read", "nan": "NaN|not finite|finite",
    "inf": "NaN|not finite|finite",
}
ACCEPTED = ["hires_stereo_float", "eight_bit", "silence", "dc_offset", "clipped"]


@pytest.mark.parametrize("handler", [spectrogram, denoised], ids=["spectrogram", "denoise"])
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unreadable_or_unusable_audio_is_a_message_then_good_audio_works(files, handler, name):
    start = time.perf_counter()
    with pytest.raises(gr.Error, match=REFUSED[name]) as refused:
        handler(files[name])
    assert str(Path(files[name]).parent) not in str(refused.value)  # no server folders shown
    assert time.perf_counter() - start < 5
    assert handler(GOOD) is not None


@pytest.mark.parametrize("handler,seconds", [
    (spectrogram, 60), (lambda audio: denoised(audio, NO_NOISE), 30)],  # silence: no SNR
    ids=["spectrogram", "denoise"])
def test_an_hour_long_file_is_cut_to_the_tabs_limit_and_says_so(files, handler, seconds,
                                                                 monkeypatch):
    asked, read = [], sf.read

    def spy(path, *args, **kwargs):  # every decode of the upload, and how much it asked for
        asked.append(kwargs.get("frames", -1))
        return read(path, *args, **kwargs)

    monkeypatch.setattr(sf, "read", spy)
    text = handler(files["hour"])[3]  # the report: the fourth output of each tab
    assert f"3600.0 s long; only its first {seconds} s are used" in text
    rate = sf.info(files["hour"]).samplerate
    assert asked and all(0 < n <= seconds * rate + 1 for n in asked)  # never the whole hour


@pytest.mark.parametrize("name", ACCEPTED)
def test_unusual_but_valid_audio_is_analysed(files, name):
    *_, text = spectrogram(files[name])
    assert "Δf" in text


@pytest.mark.parametrize("name", ["hires_stereo_float", "eight_bit", "dc_offset", "clipped"])
def test_unusual_but_valid_audio_is_denoised(files, name):
    noisy, clean, *_ = denoised(files[name])
    (rate, _), (out_rate, out) = played(noisy), played(clean)
    # 96 kHz stereo is heard at MAX_RATE in stereo; 8 kHz mono is mixed at MIX_RATE
    expected = (MAX_RATE, 2) if name == "hires_stereo_float" else (MIX_RATE, 1)
    assert (rate, out.shape[1] if out.ndim == 2 else 1) == expected and out_rate == rate
    assert len(out) > 0 and np.isfinite(out.astype(float)).all()


def test_silence_denoised_without_noise_is_silence_and_with_noise_a_message(files):
    _, clean, *_ = denoised(files["silence"], NO_NOISE)
    _, out = played(clean)
    assert not np.abs(out).max() > 1  # int16: silence in, (near) silence out
    with pytest.raises(gr.Error, match="silent"):
        denoised(files["silence"])


GOOD_MELODY = (TYPED, "60 _ 62 _ 64 _ 65 _", "detect it", 1.0, 2, "C", 100, 1, 0)


@pytest.mark.parametrize("change, message", [
    ({1: "hello world"}, "'hello' is neither"),
    ({1: ""}, "Type a seed|seed"),
    ({1: "60 _ 200"}, "200|range"),
    ({1: "C9 _"}, "C9|range"),
    ({1: "_ _ _"}, "start|note|rest"),
    ({3: 0}, "Temperature must be above 0"),
    ({3: -1}, "Temperature must be above 0"),
    ({3: 1e6}, "Temperature must be above 0 and at most 10"),
    ({3: float("nan")}, "Temperature"),
    ({4: 0}, "Bars must be"),
    ({4: 10_000}, "Bars must be"),
    ({6: 0}, "Tempo"),
    ({8: -5}, "random seed must be a whole number"),
    ({8: 2.5}, "random seed must be a whole number"),
    ({0: "../../etc/passwd", 1: ""}, "No seed song|seed"),
    ({2: "Q major"}, "A key is a tonic"),
    ({2: "../../etc/passwd"}, "A key is a tonic"),
])
def test_nonsense_melody_requests_are_messages_then_a_good_one_works(change, message):
    args = list(GOOD_MELODY)
    for i, value in change.items():
        args[i] = value
    with pytest.raises(gr.Error, match=message):
        generate(*args)
    assert generate(*GOOD_MELODY)[3].startswith("1: 60 _ 62")
