"""The guided lesson: every step sets controls that exist, to values they accept, and opens
its tab; a wrong step stops the app from building; in the page, a step's button sets it."""

from __future__ import annotations

import dataclasses

import gradio as gr
import pytest

from audiodemo.ui import lesson
from audiodemo.ui.lesson import STEPS, settings


def test_the_lesson_has_six_to_ten_steps_each_an_idea_a_question_and_a_tab():
    import app

    demo = app.build_demo()  # wire_lesson checks every step against the real controls
    tabs = {b.id for b in demo.blocks.values() if isinstance(b, gr.Tab)}
    assert 6 <= len(STEPS) <= 10
    for step in STEPS:
        assert step.idea and step.question.endswith("?") and step.tab in tabs
    buttons = [b for b in demo.blocks.values() if isinstance(b, gr.Button)
               and (b.elem_id or "").startswith("lesson-step-")]
    assert len(buttons) == len(STEPS)


def test_a_step_opens_its_tab_and_sets_only_its_controls():
    step = STEPS[1]
    controls = {"spectrogram.n_fft": gr.Dropdown(["128", "2048"]),
                "spectrogram.compare": gr.Dropdown(["none", "4096"]),
                "denoise.snr": gr.Slider(-5, 20)}
    out = settings(step, controls)
    assert out[0].selected == "spectrogram"
    assert out[1:3] == ["128", "4096"] and out[3] == gr.skip()


def test_a_step_gives_a_slider_its_whole_range_back_with_its_value():
    """Step 2 narrows the hop slider to its 128-sample frame; step 3's hop of 256 must come
    with the slider's own range, or the page refuses it (found in chromium: an error in
    place of the slider until the page was reloaded)."""
    hop = gr.Slider(16, 4096, value=256, step=16)
    out = settings(STEPS[2], {"spectrogram.hop": hop})
    assert (out[1].minimum, out[1].maximum, out[1].value) == (16, 4096, 256)


def test_a_step_sets_its_sliders_first_and_the_rest_a_round_trip_later():
    controls = {"spectrogram.hop": gr.Slider(16, 4096), "spectrogram.n_fft": gr.Dropdown(
        ["128", "2048"])}
    sliders, rest = (settings(STEPS[2], controls, sliders=s) for s in (True, False))
    assert sliders[1].value == 256 and sliders[2] == gr.skip()
    assert rest[1] == gr.skip() and rest[2] == "2048"


@pytest.mark.parametrize("controls,message", [
    ({"spectrogram.n_fft": "100"}, "not one of its choices"),
    ({"denoise.snr": 99}, "outside"),
    ({"melody.nothing": 1}, "no such control"),
])
def test_a_wrong_step_stops_the_app_from_building(monkeypatch, controls, message):
    import app

    wrong = dataclasses.replace(STEPS[0], controls=controls)
    monkeypatch.setattr(lesson, "STEPS", (wrong, *STEPS[1:]))
    with pytest.raises(ValueError, match=message):
        app.build_demo()
