"""A server that runs all day: its cache sweep (`delete_cache`) must never break the examples.

Issue 13: after the hourly sweep, clicking an example gave "No audio file at 'chirp.wav'." and
an HTTP 403. Here a server sweeps every few seconds, and a real browser clicks every example of
every tab on freshly loaded pages after several sweeps have run.
"""

from __future__ import annotations

import time
from pathlib import Path

import gradio as gr
import pytest
from playwright.sync_api import Page, expect

from audiodemo.ui.common import ASSETS, example

pytestmark = [pytest.mark.slow, pytest.mark.browser]
TIMEOUT = 20_000
PERIOD, AGE = 1, 3  # sweep every second, removing cached files older than 3 s
ROUNDS = 3  # each round on a freshly loaded page, after at least one more sweep
BROKEN = "No audio file"


def _tab_of(block) -> str | None:
    while block is not None:
        if isinstance(block, gr.Tab):
            return block.label
        block = getattr(block, "parent", None)
    return None


@pytest.fixture(scope="module")
def soak_app(tmp_path_factory):
    """The whole app with a sweep every PERIOD seconds, caching in a folder of its own (so its
    sweeps touch no other server's files), and where its examples are: tab -> (label of the
    input the examples load into, the examples' names)."""
    import app

    cache = tmp_path_factory.mktemp("soak-gradio-cache")
    with pytest.MonkeyPatch.context() as env:
        # read by each component, by the server and by every request (as `app.main` sets it);
        # other servers of this test session are idle while this module runs
        env.setenv("GRADIO_TEMP_DIR", str(cache))
        demo = app.build_demo(delete_cache=(PERIOD, AGE))
        _, url, _ = demo.queue(**app.queue_options()).launch(
            prevent_thread_lock=True, quiet=True, **app.launch_options()
        )
        launched = time.monotonic()
        examples = {}
        for block in demo.blocks.values():
            if isinstance(block, gr.Dataset) and block.samples:
                (audio,) = block._components
                examples[_tab_of(block)] = (audio.label, [row[0] for row in block.samples])
        yield {"url": url, "cache": cache, "examples": examples, "launched": launched}
        demo.close()


def _wait_for_sweeps(since: float, seconds: float) -> None:
    time.sleep(max(0.0, since + seconds - time.monotonic()))


def _fresh_tab(page: Page, url: str, tab: str):
    page.goto(url)
    page.get_by_role("tab", name=tab).click()
    return page.get_by_role("tabpanel")


def _settle(panel, done, what: str) -> None:
    """Wait until `done` shows or the page shows an error; fail on the latter."""
    page = panel.page
    broken = page.get_by_test_id("toast-body").or_(page.get_by_text(BROKEN))
    expect(done.or_(broken).first).to_be_visible(timeout=TIMEOUT)
    assert broken.count() == 0, f"{what}: {broken.first.inner_text()}"
    expect(done.first).to_be_visible()


def _load(panel, tab: str, label: str, name: str) -> None:
    """Empty the tab's input (and wait for its answer to that), then click the example
    `name` into it."""
    sound = panel.locator("div.block").filter(has=panel.page.get_by_test_id(f"waveform-{label}"))
    clear = sound.get_by_role("button", name="Clear")
    if clear.count():
        clear.first.click()
    expect(sound.get_by_label("Drop an audio file here to upload")).to_be_visible(
        timeout=TIMEOUT)
    CLEARED[tab](panel)
    panel.get_by_text(name, exact=True).click()
    # the example is in the input once the upload area gives way to the player
    expect(sound.get_by_label("Drop an audio file here to upload")).to_have_count(
        0, timeout=TIMEOUT)


def _spectrogram_result(panel, what: str) -> None:
    _settle(panel, panel.get_by_text("Δt"), what)


def _denoise_result(panel, what: str) -> None:
    link = panel.locator("#noisy-player [data-testid=download-link]")
    before = link.get_attribute("href") if link.count() else None
    panel.get_by_role("button", name="Denoise", exact=True).click()
    # a new player file per run: the link changes only when this run has finished
    changed = panel.locator(
        "#noisy-player [data-testid=download-link]"
        + (f":not([href='{before}'])" if before else ""))
    _settle(panel, changed, what)
    expect(panel.get_by_text("denoised in")).to_be_visible()


RESULTS = {"Spectrogram": _spectrogram_result, "Denoise": _denoise_result}
CLEARED = {  # what a tab shows once its input is emptied
    "Spectrogram": lambda panel: expect(panel.get_by_text("Δt")).to_have_count(0, timeout=TIMEOUT),
    "Denoise": lambda panel: None,  # nothing: its check waits for a new player instead
}


def _cached(cache: Path) -> set[Path]:
    return {f for f in cache.rglob("*") if f.is_file()}


def _refused_files(page: Page) -> list[str]:
    """Collects the URLs of example or upload files the server refused (403) or lacked."""
    names = {p.name for p in ASSETS.glob("*.wav")}
    refused = []
    page.on("response", lambda r: refused.append(f"{r.status} {r.url}")
            if r.status in (403, 404) and any(r.url.endswith(n) for n in names) else None)
    return refused


def test_every_example_of_every_tab_works_after_the_cache_sweeps(page: Page, soak_app):
    assert set(soak_app["examples"]) == set(RESULTS), "a tab with examples needs a check here"
    refused = _refused_files(page)
    cache, since = soak_app["cache"], soak_app["launched"]
    kept = _cached(cache)  # what the server keeps for good (components' default values)
    for round_ in range(ROUNDS):
        _wait_for_sweeps(since, AGE + PERIOD + 0.5 if round_ == 0 else PERIOD + 0.5)
        since = time.monotonic()
        page.goto(soak_app["url"])  # a freshly loaded page each round
        for tab, (label, names) in soak_app["examples"].items():
            page.get_by_role("tab", name=tab).click()
            panel = page.get_by_role("tabpanel")
            for name in names:
                _load(panel, tab, label, name)
                RESULTS[tab](panel, f"round {round_ + 1}, {tab} tab, example {name}")
    assert refused == []
    # and the sweeps still ran: of the players made above, none older than they allow is left
    made = _cached(cache) - kept
    assert made
    old = {f.name: round(time.time() - f.stat().st_ctime) for f in made
           if time.time() - f.stat().st_ctime > AGE + PERIOD + 3}
    assert not old, f"files the sweeps left behind (age in seconds): {old}"


def _upload(page: Page, url: str, name: str, what: str) -> Path:
    """Upload an asset into the Spectrogram tab of a fresh page; where the server keeps it."""
    panel = _fresh_tab(page, url, "Spectrogram")
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/upload")) as up:
        panel.locator("input[type=file]").first.set_input_files(example(name))
    (stored,) = up.value.json()
    _settle(panel, panel.get_by_text("Δt"), what)
    return Path(stored)


def test_an_upload_is_swept_and_the_same_file_can_be_uploaded_again(page: Page, soak_app):
    refused = _refused_files(page)
    stored = _upload(page, soak_app["url"], "digit_7_jackson.wav", "first upload")
    assert stored.is_relative_to(soak_app["cache"])
    # the sweep still removes what users upload
    deadline = time.monotonic() + AGE + 2 * PERIOD + 3
    while stored.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not stored.exists(), "the sweep left an old upload behind"
    # the same content again: the same hashed folder, made anew
    assert _upload(page, soak_app["url"], "digit_7_jackson.wav", "upload again") == stored
    assert refused == []
