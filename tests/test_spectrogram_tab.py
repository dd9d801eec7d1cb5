"""The Spectrogram tab's handlers, called directly as the UI calls them."""

from __future__ import annotations

import gradio as gr
import numpy as np
import plotly.graph_objects as go
import pytest
from matplotlib.figure import Figure

from audiodemo.audio import save_wav
from audiodemo.ui.common import ERROR_SECONDS, example
from audiodemo.ui.region import WHOLE
from audiodemo.ui.spectrogram_tab import EXAMPLES, analyse, hover_view
from audiodemo.ui.spectrogram_tab import rebuild as rebuild_steps
from audiodemo.view import SCALE_USES
from tests.conftest import played, tone

DEFAULTS = dict(n_fft="512", hop_length=256, window="hann")


def rebuild(*args, **kwargs):
    """The phase panel's answer: the last of what its generator yields."""
    *_, last = rebuild_steps(*args, **kwargs)
    return last


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("scale", ["linear", "log", "mel", "cqt", "chroma"])
def test_analyse_returns_figures_and_resolution_for_each_example(name, scale):
    wave_pic, spec_pic, hover_fig, text = analyse(
        example(name), **DEFAULTS, scale=scale, in_db=True, db_range=80, cmap="magma",
        hover=True)
    wave_fig, spec_fig = wave_pic.figure, spec_pic.figure
    assert isinstance(wave_fig, Figure) and isinstance(spec_fig, Figure)
    assert wave_pic.sounds == spec_pic.sounds == [("Play", example(name))]  # they play it
    assert isinstance(hover_fig, go.Figure) and hover_fig.data[0].type == "heatmap"
    assert "Δt" in text and "Δf" in text and SCALE_USES[scale] in text  # when to use it
    spec_axes = spec_fig.axes[0]
    assert spec_axes.get_xlabel() == "time (s)" and spec_axes.get_ylabel() == (
        "pitch class" if scale == "chroma" else "frequency (Hz)")
    assert len(spec_fig.axes) == 2  # the spectrogram and its colour bar


def test_the_plotly_hover_view_is_drawn_only_when_asked_for():
    # Plotly holds the page still seconds per draw (benchmarks/hover_view.py)
    args = dict(**DEFAULTS, scale="mel", in_db=True, db_range=80, cmap="viridis")
    assert analyse(example("chirp.wav"), **args)[2] is None
    fig = analyse(example("chirp.wav"), **args, hover=True)[2]
    assert fig.data[0].type == "heatmap" and len(fig.data[0].z) == len(fig.data[0].y) > 0
    # ticking the box alone draws the same view, unticking hides it
    ticked = hover_view(example("chirp.wav"), **args, region=WHOLE, on=True)
    assert ticked.visible and ticked.value["plot"] == fig.to_json()
    unticked = hover_view(example("chirp.wav"), **args, region=WHOLE, on=False)
    assert unticked.visible is False and unticked.value is None


def test_analyse_without_audio_asks_for_a_sound():
    assert analyse(None, **DEFAULTS, scale="linear", in_db=True, db_range=80, cmap="magma")[
        -1
    ].startswith("Upload")


def test_analyse_shows_bad_input_as_a_message_that_fades(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF....garbage")
    with pytest.raises(gr.Error, match="Could not read 'bad.wav'") as shown:
        analyse(str(bad), **DEFAULTS, scale="linear", in_db=True, db_range=80, cmap="magma")
    assert shown.value.duration == ERROR_SECONDS  # not until closed: toasts must not pile up


def test_analyse_shows_a_hop_longer_than_the_frame_as_a_message():
    with pytest.raises(gr.Error, match="hop_length"):
        analyse(example("chirp.wav"), n_fft="256", hop_length=512, window="hann",
                scale="linear", in_db=True, db_range=80, cmap="magma")


def test_rebuild_returns_int16_players_at_the_file_rate_and_a_falling_curve():
    original, rebuilt, curve_fig, text = rebuild(
        example("digit_7_jackson.wav"), **DEFAULTS, n_iter=20, method="fast"
    )
    (sr_a, a), (sr_b, b) = played(original), played(rebuilt)
    assert sr_a == sr_b == 8000
    assert a.dtype == b.dtype == np.int16 and a.shape == b.shape
    lines = curve_fig.axes[0].lines
    assert {line.get_label() for line in lines} == {"fast", "plain"}
    fast = lines[0].get_ydata() if lines[0].get_label() == "fast" else lines[1].get_ydata()
    assert len(fast) == 21 and fast[-1] < fast[0]  # the start, then 20 iterations
    assert "spectral convergence" in text


def test_rebuild_limits_long_sounds(tmp_path):
    path = tmp_path / "long.wav"
    save_wav(path, tone(300, 12.0, 8000), 8000)
    original, *_, text = rebuild(str(path), **DEFAULTS, n_iter=1, method="plain")
    sr, wave = played(original)
    assert len(wave) == 10 * 8000 and "first 10 s" in text


def test_rebuild_without_audio_is_a_message():
    with pytest.raises(gr.Error, match="Pick or upload"):
        rebuild(None, **DEFAULTS, n_iter=5, method="fast")


def test_rebuild_with_too_little_overlap_is_a_message_and_the_next_request_works():
    with pytest.raises(gr.Error, match="hop of at most 256"):
        rebuild(example("chirp.wav"), n_fft="512", hop_length=512, window="hann", n_iter=2,
                method="fast")
    assert rebuild(example("chirp.wav"), **DEFAULTS, n_iter=2, method="fast")[1] is not None


def test_a_spectrogram_too_big_to_compute_is_a_message(tmp_path):
    path = tmp_path / "long.wav"
    save_wav(path, tone(300, 59.0, 48000), 48000)
    with pytest.raises(gr.Error, match="longer hop or a shorter sound"):
        analyse(str(path), "4096", 16, "hann", "linear", True, 80, "magma")
