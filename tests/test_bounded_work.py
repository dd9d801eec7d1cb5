"""Work stays bounded: a long Griffin-Lim rebuild reports progress, stops when asked or when
its page goes away, and the controls never offer a request that cannot run."""

from __future__ import annotations

import re
import threading
import time

import gradio as gr
import pytest
from gradio_client import Client, handle_file
from playwright.sync_api import Page, expect

from audiodemo import limits, phase
from audiodemo.audio import save_wav
from audiodemo.ui import spectrogram_tab
from audiodemo.ui.common import example
from tests.conftest import played, tone

pytestmark = pytest.mark.slow
TIMEOUT = 30_000
HEAVY = dict(n_fft="512", hop_length=256, window="hann", n_iter=200, method="plain")


@pytest.fixture
def iterations(monkeypatch) -> list[int]:
    """A running count of the Griffin-Lim iterations the app's rebuilds have taken, with a
    budget ten times the app's, so that a rebuild runs long enough to be stopped (an idle
    core does the app's budget in about a second)."""
    monkeypatch.setattr(limits, "GRIFFIN_LIM_CELL_ITERATIONS",
                        10 * limits.GRIFFIN_LIM_CELL_ITERATIONS)
    count, lock, steps = [0], threading.Lock(), phase.griffin_lim_steps

    def counted(*args, **kwargs):
        for step in steps(*args, **kwargs):
            with lock:
                count[0] += 1
            yield step

    monkeypatch.setattr(phase, "griffin_lim_steps", counted)
    return count


@pytest.fixture(scope="module")
def long_sound(tmp_path_factory) -> str:
    """Ten seconds at 44.1 kHz: a rebuild of 2 × 200 iterations takes seconds here."""
    path = tmp_path_factory.mktemp("long") / "ten_seconds.wav"
    save_wav(path, tone(330, 10.0, 44100), 44100)
    return str(path)


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.05)


def assert_stopped(iterations: list[int], start: int = 0, within: float = 3.0) -> None:
    """The count stops (no iteration more for a second) within `within` seconds, short of
    three quarters of the 2 × 200 a finished rebuild takes (here 50-100 a second, so one
    left running would be counted going on or done). Gradio notices a closed page when the
    stream's next message comes: on a busy machine that took over 0.6 s once."""
    deadline, last = time.monotonic() + within, None
    while time.monotonic() < deadline:
        time.sleep(1.0)
        if iterations[0] == last:
            break
        last = iterations[0]
    at_stop = iterations[0]
    time.sleep(1.0)
    assert iterations[0] == at_stop < start + 1.5 * HEAVY["n_iter"]


def test_a_rebuild_yields_progress_before_its_answer(monkeypatch, long_sound):
    monkeypatch.setattr(spectrogram_tab, "REPORT_EVERY", 0.0)
    *progress, answer = spectrogram_tab.rebuild(long_sound, **{**HEAVY, "n_iter": 3})
    assert progress and all("iteration" in text and "s left" in text for *_, text in progress)
    assert "spectral convergence" in answer[-1]


@pytest.mark.parametrize("n_fft,hop", [("4096", 16), ("1024", 32), ("2048", 64)])
def test_a_rebuild_the_budget_cannot_cover_is_refused_at_once_with_what_fits(n_fft, hop):
    start = time.perf_counter()
    with pytest.raises(gr.Error, match="choose at most [0-9]+ iterations") as refused:
        list(spectrogram_tab.rebuild(example("chirp.wav"), n_fft, hop, "hann", 2000, "plain"))
    assert time.perf_counter() - start < 2  # refused before any work
    most = int(re.search(r"at most ([0-9]+) iterations", str(refused.value)).group(1))
    *_, answer = spectrogram_tab.rebuild(example("chirp.wav"), n_fft, hop, "hann", most, "plain")
    assert f"{most} iterations" in answer[-1]  # what it offered runs


@pytest.mark.parametrize("n_fft", ["512", "4096"])
def test_a_sound_cut_by_the_budget_ends_where_the_inverse_stft_reaches(long_sound, n_fft):
    hop = int(n_fft) // 2  # the longest hop the panel takes: the thinnest window tails
    *_, (_, rebuilt, _, text) = spectrogram_tab.rebuild(long_sound, n_fft, hop, "hann", 200,
                                                        "fast")
    assert "Only the first" in text and played(rebuilt)[1].size > 0


def test_a_short_sound_the_budget_covers_is_rebuilt_whole(monkeypatch, tmp_path):
    monkeypatch.setattr(limits, "GRIFFIN_LIM_CELL_ITERATIONS", 2_000_000)
    path = tmp_path / "short.wav"
    save_wav(path, tone(440, 0.3, 8000), 8000)  # under MIN_REBUILD_SECONDS
    *_, (original, _, _, text) = spectrogram_tab.rebuild(str(path), "512", 128, "hann", 50,
                                                         "fast")
    assert "Only the first" not in text


def test_no_iterations_answer_without_progress_reports(monkeypatch, long_sound):
    monkeypatch.setattr(spectrogram_tab, "REPORT_EVERY", 0.0)
    answers = list(spectrogram_tab.rebuild(long_sound, **{**HEAVY, "n_iter": 0}))
    assert len(answers) == 1 and "0 iterations" in answers[0][-1]


def test_a_cancelled_api_rebuild_stops_working(app_url, iterations, long_sound):
    job = Client(app_url, verbose=False).submit(handle_file(long_sound), *HEAVY.values(),
                                                api_name="/phase")
    wait_for(lambda: iterations[0] > 5)
    job.cancel()
    assert_stopped(iterations)


@pytest.mark.browser
def test_the_stop_button_and_a_closed_page_stop_a_rebuild(page: Page, app_url, iterations,
                                                          long_sound):
    for stop in ("button", "closed page"):
        page = page if stop == "button" else page.context.new_page()
        page.goto(app_url)
        page.get_by_role("tab", name="Spectrogram").click()
        page.locator("input[type=file]").first.set_input_files(long_sound)
        expect(page.get_by_text("Δt").first).to_be_visible(timeout=TIMEOUT)
        page.get_by_label("number input for Griffin-Lim iterations").fill("200")
        page.get_by_label("number input for Griffin-Lim iterations").press("Enter")
        page.get_by_text("plain", exact=True).click()
        start = iterations[0]
        page.get_by_role("button", name="Rebuild from magnitude").click()
        wait_for(lambda: iterations[0] > start + 5)  # noqa: B023
        if stop == "button":
            page.get_by_role("button", name="Stop rebuilding").click()
        else:
            page.close()
        assert_stopped(iterations, start)


@pytest.mark.browser
def test_a_small_frame_fits_the_hop_and_draws_with_it(page: Page, app_url):
    page.goto(app_url)
    page.get_by_role("tab", name="Spectrogram").click()
    page.get_by_text("chirp.wav").first.click()
    expect(page.get_by_text("Δt = 11.6 ms")).to_be_visible(timeout=TIMEOUT)
    hop = page.get_by_label("number input for Hop length (samples)")
    expect(hop).to_have_attribute("max", "512")  # the default frame's, from the page's load
    page.get_by_label("Frame size (n_fft, samples)").click()
    page.get_by_role("option", name="128", exact=True).click()
    expect(page.get_by_text("Δt = 2.9 ms")).to_be_visible(timeout=TIMEOUT)  # hop 64 of 128
    expect(hop).to_have_attribute("max", "128")
    expect(page.get_by_text("Error")).to_have_count(0)


def test_the_api_takes_any_hop_up_to_its_frame(app_url):
    client = Client(app_url, verbose=False)
    *_, text = client.predict(handle_file(example("chirp.wav")), "4096", 2048, "hann", "linear",
                              True, 80, "magma", api_name="/spectrogram")
    assert "hop** 2048 samples" in text
    with pytest.raises(ValueError, match="hop_length must be between 1 and n_fft=1024"):
        client.predict(handle_file(example("chirp.wav")), "1024", 2048, "hann", "linear", True,
                       80, "magma", api_name="/spectrogram")
