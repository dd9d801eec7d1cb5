"""The live spectrogram in chromium, its fake microphone playing an A4 (440 Hz)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from playwright.sync_api import Page, expect

from tests.page_calm import settle

pytestmark = [pytest.mark.slow, pytest.mark.browser]
TIMEOUT = 30_000
LIVE = "window.audiodemoLive"


@pytest.fixture(scope="module")
def tone_page(browser_type, browser_type_launch_args, browser_context_args, tmp_path_factory):
    """A page of a browser of its own, whose fake microphone plays a steady A4."""
    path = tmp_path_factory.mktemp("live") / "a4.wav"
    t = np.arange(4 * 48000) / 48000
    sf.write(path, 0.3 * np.sin(2 * np.pi * 440 * t), 48000, subtype="PCM_16")
    args = [a for a in browser_type_launch_args["args"]
            if not a.startswith("--use-file-for-fake-audio-capture")]
    browser = browser_type.launch(**dict(browser_type_launch_args, args=[
        *args, f"--use-file-for-fake-audio-capture={path}"]))
    page = browser.new_context(**browser_context_args).new_page()
    yield page
    browser.close()


def listen(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Listen to the microphone").click()
    expect(page.locator("#live-spectrogram .live-note")).to_contain_text("A4", timeout=TIMEOUT)


def test_the_live_view_scrolls_and_names_the_played_note(tone_page: Page, app_url):
    listen(tone_page, app_url)
    before = tone_page.evaluate(f"() => {LIVE}.columns.length")
    painted = tone_page.evaluate(f"() => {LIVE}.columns[{LIVE}.columns.length - 1].painted")
    tone_page.wait_for_timeout(1000)
    state = tone_page.evaluate("""() => { const l = window.audiodemoLive;
        const last = l.columns[l.columns.length - 1].values;
        return {n: l.columns.length, fps: l.fps, note: l.note, hz: l.hz,
                 painted: l.columns[l.columns.length - 1].painted,
                 brightest: l.plan.freqs[last.indexOf(Math.max(...last))],
                 bin: l.plan.sample_rate / l.plan.n_fft}; }""")
    assert state["n"] > before or state["n"] == 3000  # new columns keep arriving
    # and are painted: the newest is about a second newer (the count stops at 3000 kept)
    assert state["painted"] > painted + 500
    assert state["fps"] >= 20
    assert state["note"].startswith("A4") and abs(state["hz"] - 440) < 3
    assert abs(state["brightest"] - 440) <= state["bin"]  # the tone's own row
    # the picture itself moved: its right edge is no longer the black it started as
    lit = tone_page.evaluate("""() => { const c = document.querySelector('.live-canvas');
        const d = c.getContext('2d').getImageData(c.width - 5, 0, 5, c.height).data;
        let lit = 0; for (let i = 0; i < d.length; i += 4) lit += d[i] + d[i + 1] + d[i + 2] > 60;
        return lit; }""")
    assert lit > 0


def test_the_live_view_follows_the_tabs_settings(tone_page: Page, app_url):
    listen(tone_page, app_url)
    tone_page.get_by_role("radio", name="mel").click()
    tone_page.wait_for_function(f"() => {LIVE}.plan && {LIVE}.plan.scale === 'mel'",
                                timeout=TIMEOUT)
    tone_page.get_by_label("Frame size (n_fft, samples)").click()
    tone_page.get_by_role("option", name="2048").click()
    tone_page.wait_for_function(f"() => {LIVE}.plan && {LIVE}.plan.n_fft === 2048", timeout=TIMEOUT)
    plan = tone_page.evaluate(f"() => {LIVE}.plan")
    assert plan["scale"] == "mel" and plan["n_rows"] == 128 and plan["hop"] <= 2048
    expect(tone_page.locator("#live-spectrogram .live-note")).to_contain_text("A4")


def test_a_plan_lost_on_the_way_is_asked_for_again(tone_page: Page, app_url):
    lost = []

    def lose_the_first(route):
        if not lost:
            lost.append(route.request.url)
            route.abort("connectionreset")  # as a busy server's dropped connection
        else:
            route.continue_()

    tone_page.route("**/gradio_api/component_server/", lose_the_first)
    try:
        listen(tone_page, app_url)  # the note is named: a plan arrived
    finally:
        tone_page.unroute("**/gradio_api/component_server/")
    assert lost and tone_page.evaluate(f"() => {LIVE}.planFailures") == 1
    assert tone_page.evaluate(f"() => {LIVE}.error") == ""


def test_the_delay_from_sound_to_screen_is_at_most_300_ms(tone_page: Page, app_url):
    listen(tone_page, app_url)
    tone_page.wait_for_timeout(500)
    tone_page.get_by_role("button", name="Measure the delay").click()
    expect(tone_page.locator(".live-measured")).to_contain_text("Measured", timeout=TIMEOUT)
    measured = tone_page.evaluate(f"() => {LIVE}.measured")
    seen = [d for d in measured["delays"] if d is not None]
    assert len(seen) >= 4, measured  # the beeps are drawn, at the beep's row
    assert max(seen) <= 300, measured


def test_playing_the_tabs_sound_draws_it_live(tone_page: Page, app_url):
    from audiodemo.ui.common import example

    tone_page.goto(app_url)
    tone_page.get_by_role("button", name="Play the sound above, live").click()
    expect(tone_page.locator(".live-stats")).to_contain_text("Pick or upload")
    tone_page.locator("input[type=file]").first.set_input_files(example("piano_middle_c.wav"))
    expect(tone_page.get_by_text("Δt").first).to_be_visible(timeout=TIMEOUT)
    settle(tone_page)
    # the notes named are recorded in the page while the file plays: the 2.5 s piano clip's
    # note fades with it, so one read after a slow round trip could come after it ended
    tone_page.evaluate(f"""() => {{ const live = {LIVE}; window.audiodemoNotes = (async () => {{
        const named = [], start = performance.now();
        while (performance.now() - start < 30000 && !(live.media && live.media.ended)) {{
            await new Promise((done) => requestAnimationFrame(() => done()));
            if (live.kind === 'file' && live.note) named.push(live.note);
        }}
        return {{named, columns: live.columns.length}}; }})(); }}""")
    tone_page.get_by_role("button", name="Play the sound above, live").click()
    watched = tone_page.evaluate("() => window.audiodemoNotes")
    assert watched["columns"] > 20, watched  # the file was drawn
    names = [n.split(" ")[0] for n in watched["named"]]
    assert names and names.count("C4") >= 0.5 * len(names), names
