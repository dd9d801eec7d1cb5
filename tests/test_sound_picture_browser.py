"""Pictures that play their sound, in chromium: the playhead moves, a stretch plays alone,
zoom draws the stretch (issue 17, item 2)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.page_calm import settle

pytestmark = [pytest.mark.slow, pytest.mark.browser]
TIMEOUT = 30_000
SPEC = "#spectrogram-picture"
AUDIO = "window.audiodemoPlayer.audio"


def open_piano(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_text("piano_middle_c.wav").click()
    expect(page.locator(f"{SPEC} .sp-image")).to_be_visible(timeout=TIMEOUT)
    settle(page)


def where(page: Page, picture: str, t: float) -> tuple[float, float]:
    """The page position of time `t` on a picture's first time axis (its middle height)."""
    rect = page.locator(f"{picture} .sp-image").bounding_box()
    left, top, right, bottom, t0, t1 = json.loads(
        page.locator(f"{picture} .sp-stage").get_attribute("data-axes"))[0]
    x = left + (t - t0) / (t1 - t0) * (right - left)
    return rect["x"] + x * rect["width"], rect["y"] + (top + bottom) / 2 * rect["height"]


def where_hz(page: Page, picture: str, t: float, hz: float) -> tuple[float, float]:
    """The page position of time `t` and frequency `hz` on a picture's first axes."""
    x, _ = where(page, picture, t)
    rect = page.locator(f"{picture} .sp-image").bounding_box()
    _, top, _, bottom, table = json.loads(
        page.locator(f"{picture} .sp-stage").get_attribute("data-freqs"))[0]
    rows = np.arange(len(table))
    at = np.interp(hz, table[::-1], rows[::-1])  # the table runs from the top down
    return x, rect["y"] + (top + at / (len(table) - 1) * (bottom - top)) * rect["height"]


def play_and_watch(page: Page, play, *pictures: str, seconds: float = 1.5) -> list:
    """Press `play` (a locator) and, from then while the sound plays, every 20 ms for up to
    `seconds`: its time, then the time under each picture's visible playhead (None where
    none shows). The watch starts in the page before the click and reads there, so a slow
    round trip cannot let the 2.5 s piano clip end unwatched."""
    page.evaluate("""([pictures, seconds]) => { window.audiodemoWatched = (async () => {
        const audio = window.audiodemoPlayer.audio;
        const at = (picture) => {
            const head = document.querySelector(`${picture} .sp-head:not([hidden])`);
            if (!head) return null;
            const [l, t, r, b, t0, t1] = JSON.parse(
                document.querySelector(`${picture} .sp-stage`).dataset.axes)[0];
            return t0 + (parseFloat(head.style.left) / 100 - l) / (r - l) * (t1 - t0);
        };
        const start = performance.now(), seen = [];
        while (performance.now() - start < 30000 && (audio.paused || audio.currentTime < 0.05))
            await new Promise((done) => setTimeout(done, 10));  // until it plays
        const from = performance.now();
        while (!audio.paused && performance.now() - from < 1000 * seconds) {
            await new Promise((done) => requestAnimationFrame(() => done()));  // heads drawn
            if (!audio.paused) seen.push([audio.currentTime, ...pictures.map(at)]);
            await new Promise((done) => setTimeout(done, 20));
        }
        return seen; })(); }""", [list(pictures), seconds])
    play.click()
    return page.evaluate("() => window.audiodemoWatched")


def test_the_playhead_moves_over_the_waveform_and_the_spectrogram(page: Page, app_url):
    open_piano(page, app_url)
    seen = play_and_watch(page, page.locator(SPEC).get_by_role("button", name="▶ Play",
                                                               exact=True),
                          SPEC, "#spectrogram-wave")
    assert seen and all(spec is not None and wave is not None  # one sound, both pictures
                        for _, spec, wave in seen)
    assert all(abs(spec - t) < 0.25 and abs(wave - t) < 0.25  # the head is where the sound is
               for t, spec, wave in seen)
    assert seen[-1][1] > seen[0][1] + 0.3  # and it moves
    page.locator(SPEC).get_by_role("button", name="■ Stop").click()
    expect(page.locator(f"{SPEC} .sp-head:not([hidden])")).to_have_count(0)


def test_a_selected_stretch_plays_alone_and_zooms(page: Page, app_url):
    open_piano(page, app_url)
    page.mouse.move(*where(page, SPEC, 0.5))
    page.mouse.down()
    page.mouse.move(*where(page, SPEC, 1.0), steps=8)
    page.mouse.up()
    expect(page.locator(f"{SPEC} .sp-readout")).to_contain_text("Selected 0.5")
    page.locator(SPEC).get_by_role("button", name="▶ Play the selection").click()
    page.wait_for_function(f"!{AUDIO}.paused", timeout=TIMEOUT)
    assert 0.45 <= page.evaluate(f"{AUDIO}.currentTime") <= 1.0
    page.wait_for_function(f"{AUDIO}.paused", timeout=TIMEOUT)  # it stops at the end
    assert page.evaluate(f"{AUDIO}.currentTime") == pytest.approx(1.0, abs=0.1)
    page.locator(SPEC).get_by_role("button", name="Zoom in").click()
    expect(page.get_by_text("Zoomed in on 0.5")).to_be_visible(timeout=TIMEOUT)
    axes = json.loads(page.locator(f"{SPEC} .sp-stage").get_attribute("data-axes"))
    assert axes[0][4] == pytest.approx(0.5, abs=0.03) and axes[0][5] == pytest.approx(1.0,
                                                                                     abs=0.03)
    page.locator(SPEC).get_by_role("button", name="Whole sound").click()
    expect(page.get_by_text("Zoomed in on")).to_have_count(0, timeout=TIMEOUT)


@pytest.mark.parametrize("scale", ["linear", "log"])
def test_a_click_on_a_frequency_draws_its_harmonic_series(page: Page, app_url, scale):
    """Issue 17: click a frequency to overlay its harmonic series (the button turns a click
    from 'play from here' into 'the harmonics of this frequency')."""
    open_piano(page, app_url)
    image = f"document.querySelector('{SPEC} .sp-image').src"
    if scale != "linear":  # the default
        drawn = page.evaluate(image)
        page.get_by_label(scale, exact=True).check()
        page.wait_for_function(f"{image} !== {json.dumps(drawn)}", timeout=TIMEOUT)
        settle(page)
    page.locator(SPEC).get_by_role("button", name="Click a frequency: its harmonics").click()
    drawn = page.evaluate(image)
    page.locator(f"{SPEC} .sp-image").scroll_into_view_if_needed()
    page.mouse.click(*where_hz(page, SPEC, 1.0, 523.25))  # C5, middle C's second harmonic
    page.wait_for_function(f"{image} !== {json.dumps(drawn)}", timeout=TIMEOUT)  # redrawn
    field = page.get_by_label("Harmonic series of (Hz; 0: none)")
    assert float(field.input_value()) == pytest.approx(523.25, rel=0.03)
    assert page.evaluate(f"{AUDIO}.paused")  # the click asked for harmonics, played nothing
    expect(page.locator(SPEC).get_by_role("button", name="Click a frequency: its harmonics")
           ).to_have_attribute("aria-pressed", "false")  # once: the next click plays


@pytest.mark.parametrize("tab,button,picture", [
    ("Melody", "Generate", "#melody-roll"),
    ("Denoise", "Denoise", "#denoise-picture"),
])
def test_the_playhead_runs_over_the_melodys_piano_roll_and_the_denoised(page: Page, app_url,
                                                                        tab, button, picture):
    page.goto(app_url)
    page.get_by_role("tab", name=tab).click()
    if tab == "Denoise":
        page.get_by_text("digits_31415_theo.wav").first.click()
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(f"{picture} .sp-image")).to_be_visible(timeout=60_000)
    settle(page)
    seen = play_and_watch(page, page.locator(picture).get_by_role(
        "button", name="▶", exact=False).first, picture, seconds=0.5)
    assert seen and all(at is not None and abs(at - t) < 0.25 for t, at in seen)
