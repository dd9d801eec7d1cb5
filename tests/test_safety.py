"""Safety: pickles never load, the app needs no network, binds locally, limits uploads, and
cleans its outputs."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import httpx
import pytest
import torch

import app
from audiodemo.checkpoint import load_checkpoint
from audiodemo.denoise.denoiser import load_denoiser
from audiodemo.latent import explore
from audiodemo.melody import shipped
from audiodemo.melody.model import load_melody
from audiodemo.ui import (
    denoise_tab,
    experiments_tab,
    latent_tab,
    melody_tab,
    outputs,
    spectrogram_tab,
)
from audiodemo.ui.common import example


class _Payload:
    """Unpickling this would create a file: what a malicious checkpoint could do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.mark.parametrize("loader", [load_checkpoint, load_melody])
def test_a_checkpoint_carrying_code_is_refused_and_the_code_never_runs(tmp_path, loader):
    marker = tmp_path / "owned"
    torch.save({"format_version": 1, "kind": "vae", "state_dict": _Payload(marker)},
               tmp_path / "evil.pt")
    with pytest.raises(ValueError, match="Cannot load|Weights only|weights_only"):
        loader(tmp_path / "evil.pt")
    assert not marker.exists()


@pytest.fixture()
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access at run time: {args[1:] or kwargs}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_every_tab_works_with_sockets_blocked(no_network):
    for cached in (load_denoiser, explore.get_model, explore.get_codes,
                   explore.get_audio, shipped.get_model, shipped.get_bundle,
                   shipped.get_copies):
        cached.cache_clear()  # load every model and asset again, offline
    speech = example("digit_7_jackson.wav")
    assert spectrogram_tab.analyse(speech, 512, 128, "hann", "mel", True, 80, "magma")[1]
    assert denoise_tab.denoise(speech, "white", 5, "Ours: 16 kHz complex mask", "Noisy phase",
                               1.0)[0]
    assert latent_tab.decode_point("VAE", 0.0, 0.0, "")[1] is not None
    assert melody_tab.generate(melody_tab.TYPED, "60 _ 62 _", melody_tab.DETECT, 1.0, 1, "C",
                               100, 1, 0)[0]
    assert experiments_tab.experiments("lstm", "melody")[0]


def test_the_server_binds_this_computer_only_unless_told():
    assert app.parse_args([]).host == "127.0.0.1"
    assert app.parse_args(["--host", "0.0.0.0"]).host == "0.0.0.0"


def test_each_server_caches_uploads_and_outputs_in_its_own_folder(monkeypatch):
    """A server that stops deletes its cached files: another app's must not be among them."""
    import gradio as gr

    seen = {}
    monkeypatch.setenv("GRADIO_TEMP_DIR", "")  # restored after the test
    monkeypatch.delenv("GRADIO_TEMP_DIR")
    monkeypatch.setattr(app, "settle_heap", lambda: True)  # no trimming thread in the tests
    monkeypatch.setattr(gr.Blocks, "launch", lambda demo, **kw: seen.update(
        folders={block.GRADIO_CACHE for block in demo.blocks.values()}))
    app.main(["--port", "7999"])
    assert seen["folders"] == {app.gradio_cache(7999)} != {app.gradio_cache(7860)}


def test_gradio_cleans_its_cached_files():
    assert app.build_demo().delete_cache == app.DELETE_CACHE


def test_the_server_refuses_an_upload_over_the_limit(app_url):
    big = os.urandom(21 * 1024 * 1024)
    response = httpx.post(f"{app_url.rstrip('/')}/gradio_api/upload",
                          files={"files": ("big.wav", big, "audio/wav")}, timeout=60)
    assert response.status_code == 413
    small = httpx.post(f"{app_url.rstrip('/')}/gradio_api/upload",
                       files={"files": ("small.wav", b"RIFF", "audio/wav")}, timeout=60)
    assert small.status_code == 200


def test_old_outputs_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(outputs, "OUTPUT_ROOT", tmp_path)
    monkeypatch.setattr(outputs, "_last_clean", time.time() - outputs.CLEAN_EVERY)  # a minute on
    old = tmp_path / "old-request"
    old.mkdir()
    (old / "melody-1.mid").write_bytes(b"MThd")
    hours_ago = time.time() - 2 * outputs.KEEP_SECONDS
    os.utime(old, (hours_ago, hours_ago))
    files = melody_tab.generate(melody_tab.TYPED, "60 _ 62 _", melody_tab.DETECT, 1.0, 1, "C",
                                100, 1, 0)[2]
    assert not old.exists() and len(list(tmp_path.iterdir())) == 1
    assert all(Path(f).parent.parent == tmp_path for f in files)
    old.mkdir()  # within the minute nobody looks again
    os.utime(old, (hours_ago, hours_ago))
    melody_tab.generate(melody_tab.TYPED, "60 _ 62 _", melody_tab.DETECT, 1.0, 1, "C", 100, 1, 0)
    assert old.exists()


def test_a_player_is_a_new_file_and_never_rewrites_an_old_one(tmp_path, monkeypatch):
    """Gradio rewrites a cached array in place on every request, and a browser fetching it
    then gets an empty file; our players are files written once (see `ui/outputs`)."""
    monkeypatch.setattr(outputs, "OUTPUT_ROOT", tmp_path)
    first = denoise_tab.denoise(example("digit_7_jackson.wav"), "white", 5,
                                "Ours: 16 kHz complex mask", "Noisy phase", 1.0, 0)[0]
    before = os.stat(first)
    second = denoise_tab.denoise(example("digit_7_jackson.wav"), "white", 5,
                                 "Ours: 16 kHz complex mask", "Noisy phase", 1.0, 0)[0]
    after = os.stat(first)
    assert second != first and Path(first).read_bytes() == Path(second).read_bytes()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert Path(first).is_relative_to(tmp_path) and Path(second).is_relative_to(tmp_path)


def test_a_full_queue_turns_requests_away_and_keeps_serving():
    """Requests beyond the queue's size get a message at once instead of waiting for ever."""
    from gradio_client import Client, handle_file

    demo = app.build_demo()
    _, url, _ = demo.queue(**app.queue_options(max_size=1)).launch(
        prevent_thread_lock=True, quiet=True, **app.launch_options())
    try:
        args = (handle_file(example("digits_31415_theo.wav")), "white", 5,
                "Ours: 16 kHz complex mask", "Noisy phase", 1.0, 0)
        client = Client(url, verbose=False)
        jobs = [client.submit(*args, api_name="/denoise") for _ in range(8)]
        outcomes = []
        for job in jobs:
            try:
                job.result(timeout=120)
                outcomes.append("done")
            except Exception as err:  # noqa: BLE001 - the refusal's type is the client's
                outcomes.append(str(err))
        refused = [o for o in outcomes if o != "done"]
        assert refused and all("queue is full" in o.lower() for o in refused), outcomes
        assert "done" in outcomes
        assert client.predict(*args, api_name="/denoise")[3]  # and the next one is served
    finally:
        demo.close()
