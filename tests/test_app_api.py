"""The app builds, imports without side effects, and answers its API through gradio_client."""

from __future__ import annotations

import importlib
import re
import sys

import gradio as gr
import httpx
import numpy as np
import pytest
import soundfile as sf
from gradio_client import Client, handle_file

from audiodemo.audio import load_audio
from audiodemo.melody import shipped
from audiodemo.ui.common import example

pytestmark = pytest.mark.slow


def test_importing_app_starts_nothing():
    sys.modules.pop("app", None)
    module = importlib.import_module("app")
    assert not any(isinstance(b, gr.Blocks) and b.is_running for b in vars(module).values())


def test_every_event_has_an_explicit_api_name():
    import app

    demo = app.build_demo()
    names = {dep.api_name for dep in demo.fns.values() if dep.api_visibility != "private"}
    assert names == {"spectrogram", "phase", "denoise", "latent", "decode", "interpolate", "grid",
                     "generate", "experiments"}
    assert not any(name is None or name.startswith("lambda") for name in names)


def api_info(url: str) -> dict:
    """What the page's "Use via API" shows: every endpoint, its inputs, outputs and code."""
    return httpx.get(f"{url}gradio_api/info", timeout=30).json()["named_endpoints"]


def test_every_endpoints_example_code_from_the_api_page_runs(app_url):
    for name, endpoint in api_info(app_url).items():
        code = endpoint["code_snippets"]["python"]
        # the page's sample sound is on GitHub; nothing is downloaded here: a bundled one
        code, found = re.subn(r"handle_file\('https?://[^']+'\)",
                              f"handle_file({example('digit_7_jackson.wav')!r})", code)
        assert found == sum(p["component"] == "Audio" for p in endpoint["parameters"]), name
        namespace = {"print": lambda *_: None}
        exec(code, namespace)  # raises where the page's own example fails
        result = namespace["result"]
        assert len(result if len(endpoint["returns"]) > 1 else [result]) == len(
            endpoint["returns"]), name


def test_every_input_says_its_type_and_every_output_has_a_name(app_url):
    for name, endpoint in api_info(app_url).items():
        assert all(p["python_type"]["type"] and p["parameter_name"]
                   for p in endpoint["parameters"]), name
        labels = [r["label"] for r in endpoint["returns"]]
        assert all(label and not label.startswith("value_") for label in labels), (name, labels)


def test_api_answers_spectrogram(app_url):
    client = Client(app_url, verbose=False)
    wave_plot, spec_plot, hover_plot, text = client.predict(
        handle_file(example("piano_middle_c.wav")), "1024", 256, "hann", "log", True, 80, "magma",
        hover=True, api_name="/spectrogram",
    )
    assert all(plot is not None for plot in (wave_plot, spec_plot, hover_plot))
    # without `hover`, the Plotly view (seconds of the page's time) is not drawn
    assert client.predict(handle_file(example("chirp.wav")), "512", 256, "hann", "linear", True,
                          80, "magma", api_name="/spectrogram")[2] is None
    assert wave_plot["image"].startswith("data:image/png;base64,")
    assert len(spec_plot["axes"]) == 1 and spec_plot["sounds"][0][0] == "Play"
    assert "Δf = 21.5 Hz" in text


def test_api_answers_phase(app_url):
    client = Client(app_url, verbose=False)
    original, rebuilt, curve, text = client.predict(
        handle_file(example("digit_7_jackson.wav")), "256", 64, "hann", 10, "fast",
        api_name="/phase",
    )
    assert original.endswith(".wav") and rebuilt.endswith(".wav")
    assert "10 iterations" in text


def test_api_reports_bad_input_and_keeps_serving(app_url, tmp_path):
    client = Client(app_url, verbose=False)
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"not a wave file" * 10)
    with pytest.raises(ValueError, match="Could not read"):
        client.predict(handle_file(str(bad)), "512", 256, "hann", "linear", True, 80, "magma",
                       api_name="/spectrogram")
    *_, text = client.predict(
        handle_file(example("chirp.wav")), "512", 256, "hann", "linear", True, 80, "magma",
        api_name="/spectrogram",
    )
    assert "Δt" in text


def test_api_answers_denoise(app_url):
    client = Client(app_url, verbose=False)
    noisy, clean, figure, report, removed, ab = client.predict(
        handle_file(example("digits_31415_theo.wav")), "white", 5, "Ours: 16 kHz complex mask",
        "Noisy phase", 1.0, 0, api_name="/denoise",
    )
    assert all(p.endswith(".wav") for p in (noisy, clean, removed))
    assert [label for label, _ in ab["sounds"]] == ["A: noisy", "B: denoised"]
    assert all(file.endswith(".wav") for _, file in ab["sounds"])
    assert "SI-SDR" in report and "PESQ-WB" in report and "works at **16000 Hz**" in report
    assert "You hear 22050 Hz, mono" in report  # an 8 kHz recording, mixed at MIX_RATE


def test_api_denoises_a_48_khz_stereo_upload_into_a_48_khz_stereo_file(app_url, tmp_path):
    left = load_audio(example("digits_31415_theo.wav"), 48000)[0]
    right = 0.5 * np.concatenate([np.zeros(120, np.float32), left[:-120]])  # -6 dB, later
    path = tmp_path / "stereo48k.wav"
    sf.write(path, np.stack([left, right], axis=1), 48000, subtype="PCM_16")
    client = Client(app_url, verbose=False)
    noisy, clean, _, report, *_ = client.predict(
        handle_file(str(path)), "white", 5, "Ours: 16 kHz complex mask", "Noisy phase", 1.0, 0,
        api_name="/denoise",
    )
    for result in (noisy, clean):
        info = sf.info(result)
        assert (info.samplerate, info.channels, info.frames) == (48000, 2, len(left))
    assert "You hear 48000 Hz, 2 channels" in report


def test_api_answers_latent(app_url):
    client = Client(app_url, verbose=False)
    ae, vae, stats = client.predict("speaker", "7", "all", "test", True, "2-D AE and VAE",
                                    api_name="/latent")
    assert ae.count('data-file="') == vae.count('data-file="') == 30
    assert "| VAE |" in stats


def test_api_answers_decode_for_a_recording_and_a_place(app_url):
    client = Client(app_url, verbose=False)
    original, decoded, figure, caption = client.predict("AE", 0, 0, "7_jackson_0.wav",
                                                        api_name="/decode")
    assert original.endswith(".wav") and decoded.endswith(".wav")
    assert "digit 7 by jackson" in caption
    original, decoded, _, caption = client.predict("VAE", 1.5, -0.5, "", api_name="/decode")
    assert original is None and decoded.endswith(".wav") and "No recording at" in caption
    with pytest.raises(ValueError, match="No recording named"):
        client.predict("VAE", 0, 0, "/etc/passwd", api_name="/decode")


def test_api_answers_interpolate_and_grid(app_url):
    client = Client(app_url, verbose=False)
    strip, sound = client.predict("AE", "0_george_0.wav", "9_lucas_4.wav", 4,
                                  api_name="/interpolate")
    assert strip is not None and sound.endswith(".wav")
    assert client.predict(3, api_name="/grid") is not None


@pytest.mark.parametrize("model", shipped.available())
def test_api_answers_generate_for_each_model(app_url, model):
    client = Client(app_url, verbose=False)
    scores, audio, files, symbols, report, form, last, chances, roll = client.predict(
        "(type a seed below)", "60 _ 62 _ 64 _ 65 _", "detect it", 0.9, 2, "D", 110, 2, 3,
        True, True, model, 2, api_name="/generate")
    assert scores.count("<svg") >= 2 and audio.endswith(".wav")
    assert sorted(f.rsplit(".", 1)[1] for f in files) == ["abc", "abc", "mid", "mid",
                                                          "musicxml", "musicxml"]
    assert symbols.startswith("1: 62 _ 64 _ 66 _ 67 _")  # the seed, read in C, moved to D
    assert shipped.MODELS[model].label in report and form is not None and chances is not None
    assert last["model"] == model and last["seed_length"] == 8
    assert roll["sounds"][0][0] == "Play" and len(roll["axes"]) == 1  # the piano roll plays
    assert "with bar repeats" in report and last["repeats"]  # the head is on by default
    plain = client.predict(
        "(type a seed below)", "60 _ 62 _ 64 _ 65 _", "detect it", 0.9, 2, "D", 110, 1, 3,
        True, True, model, 2, None, False, api_name="/generate")
    assert "with bar repeats" not in plain[4] and not plain[6]["repeats"]


def test_api_refuses_bad_generate_requests(app_url):
    client = Client(app_url, verbose=False)
    with pytest.raises(ValueError, match="less than minimum value 0.1"):  # the slider's
        client.predict("(type a seed below)", "60 _", "detect it", 0, 2, "C", 100, 1, 0,
                       api_name="/generate")
    with pytest.raises(ValueError, match="'X9' is neither"):
        client.predict("(type a seed below)", "60 X9", "detect it", 1, 2, "C", 100, 1, 0,
                       api_name="/generate")


def test_api_answers_experiments(app_url):
    client = Client(app_url, verbose=False)
    tables, trials, curves = client.predict("lstm", "melody", api_name="/experiments")
    assert "Table 1" in tables and "Table 2" in tables and "Table 3" in tables
    assert curves is not None
    with pytest.raises(ValueError, match="not in the list of choices|Choose a search"):
        client.predict("nonsense", "melody", api_name="/experiments")


def test_a_song_file_path_of_the_server_is_never_read(app_url):
    """Nothing a request names can make the server read files outside its folders: a seed
    file must be an upload (Gradio refuses a path it did not receive)."""
    file = {"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}, "orig_name": "x.abc"}
    data = ["(the song file dropped below)", "", "detect it", 1.0, 2, "C", 100, 1, 0, True,
            True, "lookback", 1, file]
    posted = httpx.post(f"{app_url}gradio_api/call/generate", json={"data": data}, timeout=30)
    if posted.status_code != 200:  # refused at the door
        assert posted.status_code in (400, 403, 422)
        return
    event = posted.json()["event_id"]
    answer = httpx.get(f"{app_url}gradio_api/call/generate/{event}", timeout=60).text
    assert "event: error" in answer and "root:" not in answer  # refused, nothing shown
    assert "Drop a song file" not in answer  # refused before the handler ran
