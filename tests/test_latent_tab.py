"""The Latent space tab's handlers with the committed checkpoints and encodings."""

from __future__ import annotations

import re

import gradio as gr
import numpy as np
import pytest
from matplotlib.figure import Figure

from audiodemo.latent import explore
from audiodemo.ui import latent_tab
from audiodemo.ui.latent_tab import decode_point, grid, interpolate, picture
from tests.conftest import played

FILE = "3_theo_2.wav"  # a test take, so its audio is bundled


def test_the_picture_shows_every_test_recording_on_both_planes():
    ae, vae, stats = picture("digit", "all", "all", "test", True)
    for svg in (ae, vae):
        assert svg.count('data-file="') == 300 and f'data-file="{FILE}"' in svg
    assert "| AE |" in stats and "| VAE |" in stats
    # same axes: both pictures carry one data frame
    frame = [svg.split('data-x0="')[1].split('"')[0] for svg in (ae, vae)]
    assert frame[0] == frame[1]


def test_filters_and_colours_narrow_the_picture():
    ae, _, _ = picture("speaker", "3", "theo", "all", False)
    assert ae.count('data-file="') == 50  # every take of one digit by one speaker
    assert ae.count("digit 3 · theo") == 50 and ">theo</text>" in ae  # legend by speaker
    ae, _, _ = picture("digit", "all", "all", "train", True)
    assert ae.count('data-file="') == 2700


@pytest.mark.parametrize("args,message", [
    (("colour", "all", "all", "test", True), "Colour by"),
    (("digit", "12", "all", "test", True), "Digit must be"),
    (("digit", "all", "../etc", "test", True), "Unknown speaker"),
    (("digit", "all", "all", "everything", True), "Split must be"),
])
def test_bad_picture_requests_are_messages(args, message):
    with pytest.raises(gr.Error, match=message):
        picture(*args)


@pytest.mark.parametrize("model", ["AE", "VAE"])
def test_a_recording_plays_with_its_reconstruction(model):
    original, decoded, picture, caption = decode_point(model, 0, 0, FILE)
    figure = picture.figure
    assert picture.sounds == [("recording", original), ("decoded", decoded)]
    (rate_a, a), (rate_b, b) = played(original), played(decoded)
    assert rate_a == rate_b == 8000 and a.dtype == b.dtype == np.int16
    assert len(b) == 6144 and np.abs(b).max() > 0  # the 0.768 s the model sees
    assert isinstance(figure, Figure) and len(figure.axes) == 3  # input, decode, colour bar
    assert FILE in caption and "digit 3 by theo" in caption


def test_a_loud_decode_plays_below_full_scale(monkeypatch):
    monkeypatch.setattr(explore, "to_audio", lambda *a, **k: np.full(6144, 3.0, np.float32))
    _, decoded, _, _ = decode_point("VAE", 0.1, 0.1, "")
    assert np.abs(played(decoded)[1]).max() < 32767


def test_an_empty_place_decodes_to_sound_and_names_the_nearest_recording():
    original, decoded, picture, caption = decode_point("VAE", 0.3, -0.2, "")
    figure = picture.figure
    _, samples = played(decoded)
    assert original is None and samples.dtype == np.int16 and len(samples) == 6144
    assert "No recording at z = (0.30, -0.20)" in caption
    named = re.findall(r"(\d_\w+_\d+\.wav) \(digit \d, ([\d.]+) away\)", caption)
    assert len(named) == 3 and len({f for f, _ in named}) == 3  # three recordings, by name
    assert [float(d) for _, d in named] == sorted(float(d) for _, d in named)  # nearest first
    assert len(figure.axes) == 2


def test_a_training_take_decodes_without_bundled_audio():
    original, decoded, _, caption = decode_point("AE", 0, 0, "3_theo_20.wav")
    assert original is None and decoded is not None and "training split" in caption


@pytest.mark.parametrize("args,message", [
    (("GAN", 0, 0, ""), "Model must be"),
    (("AE", 0, 0, "../../secrets.wav"), "No recording named"),
    (("AE", float("nan"), 0, ""), "two finite numbers"),
    (("AE", None, 1, ""), "two finite numbers"),
    (("AE", 1e6, 0, ""), "far from every code"),
    (("VAE", 0, -3e38, ""), "far from every code"),
])
def test_bad_decode_requests_are_messages(args, message):
    with pytest.raises(gr.Error, match=message):
        decode_point(*args)


def test_clicking_a_point_fills_the_form_and_decodes_it():
    event = gr.SelectData(None, {"index": [0.5, -1.25], "value": FILE})
    model, x, y, file, original, decoded, figure, caption = latent_tab.click("VAE", event)
    assert (model, x, y, file) == ("VAE", 0.5, -1.25, FILE)
    assert original is not None and FILE in caption


def test_a_walk_decodes_each_step_and_plays_them_in_turn():
    figure, walk = interpolate("VAE", FILE, "7_jackson_0.wav", 5)
    rate, sound = played(walk)
    assert isinstance(figure, Figure) and rate == 8000
    assert len(sound) == 5 * (6144 + 1200)  # each step and a 0.15 s pause
    with pytest.raises(gr.Error, match="between 2 and 64 steps"):
        interpolate("VAE", FILE, FILE, 1)
    with pytest.raises(gr.Error, match="No recording named"):
        interpolate("VAE", FILE, "nope.wav", 4)


def test_the_grid_decodes_both_planes_over_their_codes():
    figure = grid(4)
    assert [ax.get_title() for ax in figure.axes] == ["AE", "VAE"]
    for ax, name in zip(figure.axes, ["AE", "VAE"], strict=True):
        codes = explore.get_codes(name).z
        test = codes[explore.get_codes(name).split == "test"]
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        assert x0 < test[:, 0].min() and test[:, 0].max() < x1  # every test code inside
        assert y0 < test[:, 1].min() and test[:, 1].max() < y1
    with pytest.raises(gr.Error, match="3 to 20"):
        grid(100)


def test_the_paper_view_shows_projected_64d_codes_and_their_statistics():
    dcae, vae, stats = picture("digit", "all", "all", "test", False, explore.PAPER)
    assert "paper DCAE: 300 recordings" in dcae and "paper VAE: 300 recordings" in vae
    assert "| paper VAE |" in stats and "principal components" in stats


def test_a_paper_model_plays_its_output_for_a_recording_but_not_for_a_place():
    original, output, figure, caption = decode_point("paper VAE", 0, 0, FILE)
    assert played(original)[0] == 8000 and played(output)[0] == 22050 and "64-D code" in caption
    with pytest.raises(gr.Error, match="Click a recording instead"):
        decode_point("paper DCAE", 1.0, 2.0, "")


def test_walks_are_only_for_the_2d_models():
    with pytest.raises(gr.Error, match="Walks are for the 2-D models"):
        interpolate("paper VAE", FILE, FILE, 4)
