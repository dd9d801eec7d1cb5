"""audiodemo: machine learning for audio, as a web app. `python app.py` serves it.

This file only wires tabs together and launches; every tab lives in `audiodemo/ui/`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
from pathlib import Path

import gradio as gr

from audiodemo import pitch
from audiodemo.limits import UPLOAD_MB
from audiodemo.paths import ASSETS
from audiodemo.ui.denoise_tab import build_denoise_tab
from audiodemo.ui.experiments_tab import build_experiments_tab
from audiodemo.ui.latent_tab import build_latent_tab
from audiodemo.ui.lesson import build_lesson, wire_lesson
from audiodemo.ui.melody_tab import build_melody_tab
from audiodemo.ui.memory import settle_heap
from audiodemo.ui.spectrogram_tab import build_spectrogram_tab

TITLE = "audiodemo: machine learning for audio"
INTRO = """
# audiodemo
An interactive companion to *Machine Learning Applications for Audio Processing*: how sound
becomes a picture a network can read, and back. Everything runs on this computer's CPU.
"""
MAX_FILE_SIZE = f"{UPLOAD_MB}mb"
# Gradio's cached uploads and outputs: checked hourly, removed when older than an hour
DELETE_CACHE = (3600, 3600)
# requests waiting beyond this many are turned away with a message, not queued for ever
MAX_QUEUE = 64


def build_demo(delete_cache: tuple[int, int] | None = DELETE_CACHE) -> gr.Blocks:
    """The whole app, ready to `launch()`. `delete_cache` is Gradio's (period, age) of the
    sweep of cached uploads and outputs, both in seconds (tests sweep every few seconds)."""
    # Examples are served from assets/ itself: otherwise `gr.Examples` copies each into the
    # cache once, at build time, keeps that path for the server's life without marking it
    # to keep, and the sweep deletes it after `age` ("No audio file" on every later click).
    gr.set_static_paths([ASSETS])
    with gr.Blocks(title=TITLE, delete_cache=delete_cache) as demo:
        gr.Markdown(INTRO)
        lesson = build_lesson()
        controls = {}
        with gr.Tabs(overflow_behavior="wrap") as tabs:  # a phone shows every tab, on two rows
            for name, build in (("spectrogram", build_spectrogram_tab),
                                ("denoise", build_denoise_tab), ("latent", build_latent_tab),
                                ("melody", build_melody_tab)):
                controls.update({f"{name}.{key}": c for key, c in build().items()})
            build_experiments_tab()
        wire_lesson(lesson, tabs, controls)
    return demo


def launch_options() -> dict:
    """Arguments of `launch()` that the app and its tests share (with the CSS that makes
    the page work on a phone: `audiodemo/ui/style.py`)."""
    from audiodemo.ui.style import CSS

    return dict(max_file_size=MAX_FILE_SIZE, allowed_paths=[str(ASSETS)], css=CSS)


def queue_options(max_size: int = MAX_QUEUE) -> dict:
    """Arguments of `queue()`: two model calls at a time, at most `max_size` waiting."""
    return dict(default_concurrency_limit=2, max_size=max_size)


def gradio_cache(port: int) -> str:
    """This server's own folder for Gradio's cached uploads and outputs. Gradio's default is
    shared by every app on the computer, and a server that stops deletes its cached files,
    also those another server is still serving (measured: a test run beside the load test
    made its requests fail with "No audio file")."""
    return str(Path(tempfile.gettempdir()) / "audiodemo-gradio" / str(port))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: where to serve (this computer only, unless `--host` says)."""
    parser = argparse.ArgumentParser(description=TITLE)
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on")
    parser.add_argument("--port", type=int, default=7860, help="port to serve on")
    parser.add_argument("--cache-sweep", type=int, default=DELETE_CACHE[0], metavar="SECONDS",
                        help="how often cached uploads and outputs older than this are removed "
                             "(an hour; a soak test sweeps more often)")
    parser.add_argument("--share", action="store_true",
                        help="public Gradio link (needs the internet to fetch a tunnel)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    settle_heap()  # freed arrays go back to the system: memory stays flat under load
    threading.Thread(target=pitch.warm_up, daemon=True).start()  # while the page loads
    os.environ.setdefault("GRADIO_TEMP_DIR", gradio_cache(args.port))
    demo = build_demo(delete_cache=(args.cache_sweep, args.cache_sweep))
    demo.queue(**queue_options()).launch(
        server_name=args.host, server_port=args.port, share=args.share, **launch_options()
    )


if __name__ == "__main__":
    main()
