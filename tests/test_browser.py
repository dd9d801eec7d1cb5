"""The page in a real browser (Playwright driving Debian's chromium)."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
import soundfile as sf
from playwright.sync_api import Page, expect

from audiodemo.audio import load_audio, save_wav
from audiodemo.melody import shipped
from audiodemo.melody.abc import to_abc
from audiodemo.ui.common import example
from audiodemo.ui.denoise_tab import NO_NOISE
from audiodemo.ui.lesson import STEPS

pytestmark = [pytest.mark.slow, pytest.mark.browser]
TIMEOUT = 30_000


def open_tab(page: Page, url: str, name: str) -> None:
    page.goto(url)
    page.get_by_role("tab", name=name).click()


def test_uploading_a_file_draws_the_spectrogram(page: Page, app_url):
    open_tab(page, app_url, "Spectrogram")
    page.locator("input[type=file]").first.set_input_files(example("chirp.wav"))
    expect(page.get_by_text("Δt = 11.6 ms")).to_be_visible(timeout=TIMEOUT)
    # the two pictures that play the sound; the Plotly hover view only once asked for
    expect(page.locator(".sp-image")).to_have_count(2, timeout=TIMEOUT)
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    page.get_by_label("Hover view: time, Hz and level under the pointer").check()
    expect(page.locator(".js-plotly-plot")).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator(".js-plotly-plot .hm, .js-plotly-plot .heatmaplayer")).not_to_have_count(0)


def test_changing_the_frame_size_redraws_with_the_new_resolution(page: Page, app_url):
    open_tab(page, app_url, "Spectrogram")
    page.get_by_text("piano_middle_c.wav").click()
    expect(page.get_by_text("Δf = 43.1 Hz")).to_be_visible(timeout=TIMEOUT)
    page.get_by_label("Frame size (n_fft, samples)").click()
    page.get_by_role("option", name="2048").click()
    expect(page.get_by_text("Δf = 10.8 Hz")).to_be_visible(timeout=TIMEOUT)


def test_rebuilding_from_magnitude_plays_and_plots(page: Page, app_url):
    open_tab(page, app_url, "Spectrogram")
    page.get_by_text("digit_7_jackson.wav").first.click()
    expect(page.get_by_text("Δt")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Rebuild from magnitude").click()
    expect(page.get_by_text("spectral convergence 0.")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("[data-testid=matplotlib] img")).to_have_count(1, timeout=TIMEOUT)


def test_a_broken_upload_shows_a_message(page: Page, app_url, tmp_path):
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"definitely not audio" * 20)
    open_tab(page, app_url, "Spectrogram")
    page.locator("input[type=file]").first.set_input_files(str(bad))
    expect(page.get_by_text("Could not read 'broken.wav'").first).to_be_visible(timeout=TIMEOUT)


def test_a_failed_request_leaves_no_old_answer_and_states_the_limits(page: Page, app_url,
                                                                     tmp_path):
    silence = tmp_path / "silence.wav"
    save_wav(silence, np.zeros(8000, np.float32), 8000)
    open_tab(page, app_url, "Denoise")
    expect(page.get_by_text("up to 20 MB; a longer sound than 30 s is cut").first).to_be_visible()
    page.locator("#denoise input[type=file]").first.set_input_files(str(silence))
    page.get_by_label("Add noise").click()
    page.get_by_role("option", name=NO_NOISE).click()
    page.get_by_role("button", name="Denoise", exact=True).click()
    expect(page.get_by_text("No clean reference, so no SI-SDR")).to_be_visible(timeout=TIMEOUT)
    page.get_by_label("Add noise").click()
    page.get_by_role("option", name="white").click()
    page.get_by_role("button", name="Denoise", exact=True).click()  # silence has no SNR
    expect(page.get_by_text("Cannot set an SNR on silent audio").first).to_be_visible(
        timeout=TIMEOUT)
    expect(page.get_by_text("No clean reference, so no SI-SDR")).to_have_count(0, timeout=TIMEOUT)


def test_denoise_tab_adds_noise_denoises_and_shows_both_players(page: Page, app_url):
    open_tab(page, app_url, "Denoise")
    page.locator("#denoise input[type=file]").first.set_input_files(
        example("digits_31415_theo.wav"))
    page.get_by_role("button", name="Denoise", exact=True).click()
    expect(page.get_by_text("| denoised |").or_(page.locator("#denoise table"))).not_to_have_count(
        0, timeout=TIMEOUT)
    for player in ["#noisy-player", "#denoised-player"]:
        expect(page.locator(f"{player} [data-testid=download-link]")).to_have_attribute(
            "href", re.compile(r"\.wav$"), timeout=TIMEOUT)
    expect(page.locator("#denoise .sp-image")).to_have_count(1)


def test_the_a_b_switch_keeps_the_moment_and_changes_only_what_is_heard(page: Page, app_url):
    """Issue 17: A/B at equal loudness compares the same moment of noisy and denoised (it
    used to start the other sound again from 0:00)."""
    open_tab(page, app_url, "Denoise")
    page.locator("#denoise input[type=file]").first.set_input_files(
        example("digits_31415_theo.wav"))
    page.get_by_role("button", name="Denoise", exact=True).click()
    ab = page.locator("#ab-player")
    expect(ab.get_by_role("button", name="B: denoised")).to_be_visible(timeout=TIMEOUT)
    state = """() => [...document.querySelectorAll('#ab-player audio')].map(
        (a) => [a.currentTime, a.paused, a.muted])"""
    ab.get_by_role("button", name="▶ Play").click()
    page.wait_for_function(f"({state})()[0][0] > 0.6", timeout=TIMEOUT)
    ab.get_by_role("button", name="B: denoised").click()
    (ta, paused_a, muted_a), (tb, paused_b, muted_b) = page.evaluate(state)
    assert not paused_a and not paused_b  # both go on playing, in step
    assert muted_a and not muted_b  # only B is heard now
    assert tb > 0.5 and abs(ta - tb) < 0.1  # at the moment A was at, not from the start
    expect(ab.get_by_role("button", name="B: denoised")).to_have_attribute("aria-pressed",
                                                                          "true")
    ab.get_by_role("button", name="■ Stop").click()
    assert all(paused for _, paused, _ in page.evaluate(state))


def test_a_48_khz_stereo_upload_is_denoised_into_48_khz_stereo(page: Page, app_url, tmp_path):
    left = load_audio(example("digits_31415_theo.wav"), 48000)[0]
    right = 0.5 * np.concatenate([np.zeros(120, np.float32), left[:-120]])  # -6 dB, later
    path = tmp_path / "stereo48k.wav"
    sf.write(path, np.stack([left, right], axis=1), 48000, subtype="PCM_16")
    open_tab(page, app_url, "Denoise")
    page.locator("#denoise input[type=file]").first.set_input_files(str(path))
    page.get_by_role("button", name="Denoise", exact=True).click()
    link = page.locator("#denoised-player [data-testid=download-link]")
    # 1.8 s of 48 kHz stereo, denoised and scored: longer than the others on a busy CPU
    expect(link).to_have_attribute("href", re.compile(r"\.wav$"), timeout=3 * TIMEOUT)
    report = page.locator("#denoise").get_by_text(re.compile(r"You hear \d+ Hz"))  # not the intro
    expect(report).to_contain_text("You hear 48000 Hz, 2 channels", timeout=TIMEOUT)
    expect(report).to_contain_text("Ours: 16 kHz complex mask works at 16000 Hz")
    expect(page.locator("#denoise table").first).to_contain_text("PESQ-WB")
    expect(page.locator("#denoise .sp-image")).to_have_count(1)
    wave, rate = sf.read(io.BytesIO(page.request.get(link.get_attribute("href")).body()))
    assert rate == 48000 and wave.shape == (len(left), 2)
    page.screenshot(path="/tmp/denoise48k.png", full_page=True)


def test_clicking_a_latent_point_plays_the_recording_and_its_decode(page: Page, app_url):
    open_tab(page, app_url, "Latent space")
    point = page.locator("#plane-right circle[data-file]").last  # drawn last, so on top
    name = point.get_attribute("data-file")
    point.click()
    expect(page.locator("#latent-caption")).to_contain_text(name, timeout=TIMEOUT)
    for player in ["#latent-original", "#latent-decoded"]:
        expect(page.locator(f"{player} [data-testid=download-link]")).to_have_attribute(
            "href", re.compile(r"\.wav$"), timeout=TIMEOUT)


def test_clicking_an_empty_place_decodes_it(page: Page, app_url):
    open_tab(page, app_url, "Latent space")
    box = page.locator("#plane-left svg").bounding_box()
    # the top-left corner of the plot area: inside the frame, far from the codes
    page.mouse.click(box["x"] + box["width"] * 0.12, box["y"] + box["height"] * 0.12)
    expect(page.locator("#latent-caption")).to_contain_text("No recording at", timeout=TIMEOUT)
    expect(page.locator("#latent-decoded [data-testid=download-link]")).to_have_attribute(
        "href", re.compile(r"\.wav$"), timeout=TIMEOUT)
    expect(page.locator("#plane-left circle#clicked-mark")).to_have_count(1)  # issue 17
    box = page.locator("#plane-right svg").bounding_box()  # then a place on the other plane
    page.mouse.click(box["x"] + box["width"] * 0.12, box["y"] + box["height"] * 0.12)
    expect(page.locator("#plane-right circle#clicked-mark")).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator("#plane-left circle#clicked-mark")).to_have_count(0)  # one ring


def test_a_walk_is_drawn_on_its_plane(page: Page, app_url):
    """Issue 17: the walk's path on the plane of the model that walks."""
    open_tab(page, app_url, "Latent space")
    page.get_by_text("Walk between two recordings").click()
    page.get_by_role("button", name="Walk", exact=True).click()
    expect(page.locator("#plane-right line#walk-path")).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator("#plane-left line#walk-path")).to_have_count(0)  # the VAE walked
    plane = page.locator("#plane-right svg[data-x0]")
    title = plane.get_attribute("aria-label")
    page.get_by_label("all", exact=True).first.check()  # every split: the planes redraw
    expect(plane).not_to_have_attribute("aria-label", title, timeout=TIMEOUT)
    expect(page.locator("#plane-right line#walk-path")).to_have_count(1, timeout=TIMEOUT)


def test_typing_a_seed_chooses_it(page: Page, app_url):
    """Issue 16: a typed seed was ignored unless the list was set to its last entry."""
    open_tab(page, app_url, "Melody")
    expect(page.locator("#seed-score svg").first).to_be_visible(timeout=TIMEOUT)
    page.get_by_label("Or type a seed").press_sequentially("60 _ 62 _ E4 _ r _")  # keys
    seed_list = page.get_by_label("Seed: the opening of a held-out song")
    expect(seed_list).to_have_value("(type a seed below)", timeout=TIMEOUT)
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#melody-report")).to_contain_text("after the seed typed (4/4",
                                                           timeout=TIMEOUT)


def test_generating_a_melody_shows_the_score_and_offers_the_files(page: Page, app_url):
    open_tab(page, app_url, "Melody")
    expect(page.locator("#seed-score svg").first).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#melody-score svg").first).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#melody-report")).to_contain_text("longest copy", timeout=TIMEOUT)
    links = page.locator("#melody-files a")
    expect(links).to_have_count(3, timeout=TIMEOUT)
    files = {links.nth(i).get_attribute("download"): links.nth(i).get_attribute("href")
             for i in range(3)}
    assert sorted(files) == ["melody-1.abc", "melody-1.mid", "melody-1.musicxml"]
    assert b"L:1/16" in page.request.get(files["melody-1.abc"]).body()
    assert page.request.get(files["melody-1.mid"]).body()[:4] == b"MThd"  # a MIDI file
    assert b"<score-partwise" in page.request.get(files["melody-1.musicxml"]).body()
    expect(page.locator("#melody-audio [data-testid=download-link]")).to_have_attribute(
        "href", re.compile(r"\.wav$"), timeout=TIMEOUT)


def test_dropping_a_song_file_seeds_the_melody(page: Page, app_url, tmp_path):
    """Issue 16: a seed from the user's own MIDI / MusicXML / ABC / **kern file."""
    tune = "62 _ 64 _ 66 _ 67 _ 69 _ _ _ 69 _ _ _ 71 _ 71 _ 71 _ 71 _ 69 _ _ _ r _ _ _"
    (tmp_path / "my-tune.abc").write_text(to_abc(tune.split(), "4/4", 100, "D"))
    open_tab(page, app_url, "Melody")
    page.locator("#melody-upload input[type=file]").set_input_files(tmp_path / "my-tune.abc")
    expect(page.get_by_label("Seed: the opening of a held-out song")).to_have_value(
        "(the song file dropped below)", timeout=TIMEOUT)
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#melody-report")).to_contain_text("after the seed my-tune (4/4",
                                                           timeout=TIMEOUT)
    expect(page.locator("#melody-report")).to_contain_text("D major (from the file)")


def test_each_melody_model_writes_a_melody_and_shows_its_form(page: Page, app_url):
    """Issue 16: the three models side by side, and the form of what each wrote."""
    open_tab(page, app_url, "Melody")
    expect(page.locator("#seed-score svg").first).to_be_visible(timeout=TIMEOUT)
    for name in shipped.available():
        page.locator("#melody-model").get_by_label(shipped.MODELS[name].label).check()
        page.get_by_role("button", name="Generate").click()
        expect(page.locator("#melody-report")).to_contain_text(
            f"by the {shipped.MODELS[name].label}", timeout=TIMEOUT)
        expect(page.locator("#melody-form img").first).to_be_visible(
            timeout=TIMEOUT)
        expect(page.locator("#melody-chances img").first).to_be_visible(
            timeout=TIMEOUT)
    expect(page.locator("#melody-report")).to_contain_text("with bar repeats")
    page.locator("#melody-repeats input").uncheck()  # the head is on unless turned off
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#melody-report")).not_to_contain_text("with bar repeats",
                                                                 timeout=TIMEOUT)


def test_a_lesson_step_opens_its_tab_with_its_controls_set(page: Page, app_url):
    """Issue 17: the guided lesson's buttons set the controls for their step."""
    page.goto(app_url)
    page.get_by_role("tab", name="Melody").click()  # start elsewhere
    page.get_by_text("A guided lesson").click()
    page.locator("#lesson-step-2").click()
    expect(page.get_by_label("Frame size (n_fft, samples)")).to_have_value("128",
                                                                           timeout=TIMEOUT)
    expect(page.get_by_label("Beside it, the same sound with frame size")).to_have_value(
        "4096")
    expect(page.locator(".sp-image").first).to_be_visible(timeout=TIMEOUT)
    # step 2 narrowed the hop slider to its 128-sample frame: step 3's hop of 256 must land
    page.locator("#lesson-step-3").click()
    expect(page.get_by_label("Frame size (n_fft, samples)")).to_have_value("2048",
                                                                           timeout=TIMEOUT)
    expect(page.get_by_label("number input for Hop length (samples)")).to_have_value(
        "256", timeout=TIMEOUT)
    expect(page.get_by_text("mostly C4")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("toast-body")).to_have_count(0)
    page.locator("#lesson-step-6").click()  # the paper's DCAE, not the default model
    expect(page.locator("#denoise")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#denoise").get_by_label("Paper DCAE")).to_be_checked(timeout=TIMEOUT)


def test_the_lesson_s_spectrogram_steps_in_order_set_frame_and_hop_without_errors(
        page: Page, app_url):
    """Found in chromium: after step 1 (frame 2048, hop 256), step 2 (frame 128, hop 32)
    drew with the old hop against the new frame, showed an error and left the hop at 64."""
    page.goto(app_url)
    page.get_by_text("A guided lesson").click()
    frame = page.get_by_label("Frame size (n_fft, samples)")
    hop = page.get_by_label("number input for Hop length (samples)")
    for k in (1, 2, 3, 4, 2, 3):
        controls = STEPS[k - 1].controls
        page.locator(f"#lesson-step-{k}").click()
        expect(frame).to_have_value(controls["spectrogram.n_fft"], timeout=TIMEOUT)
        expect(hop).to_have_value(str(controls["spectrogram.hop"]), timeout=TIMEOUT)
        drawn = page.locator("p", has_text=re.compile(
            rf"^Frame {controls['spectrogram.n_fft']} samples.*hop {controls['spectrogram.hop']} "
            r"samples"))
        expect(drawn).to_have_count(1, timeout=TIMEOUT)  # drawn with the step's frame and hop
        expect(page.get_by_test_id("toast-body")).to_have_count(0)


def test_recording_through_the_microphone_draws_the_spectrogram(page: Page, app_url):
    open_tab(page, app_url, "Spectrogram")
    page.get_by_role("button", name="Record audio").first.click()
    page.get_by_role("button", name="Record", exact=True).first.click()
    page.wait_for_timeout(2000)  # the fake microphone plays a spoken digit
    page.get_by_role("button", name="Stop").first.click()
    expect(page.get_by_text("Δt").first).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".sp-image")).to_have_count(2, timeout=TIMEOUT)


TAB_CONTENT = {  # a tab -> something only it shows
    "Denoise": "#denoise",
    "Latent space": "#plane-left svg",
    "Melody": "#seed-score svg",
    "Experiments": "#experiments-tables",
    "Spectrogram": "text=Rebuild from magnitude",
}


def test_switching_between_every_tab_shows_each(page: Page, app_url):
    page.goto(app_url)
    for _ in range(2):  # there and back again
        for tab, content in TAB_CONTENT.items():
            page.get_by_role("tab", name=tab).click()
            expect(page.locator(content).first).to_be_visible(timeout=TIMEOUT)


def test_the_experiments_tab_shows_the_tables_and_curves(page: Page, app_url):
    open_tab(page, app_url, "Experiments")
    expect(page.locator("#experiments-tables")).to_contain_text("Table 3", timeout=TIMEOUT)
    expect(page.locator("#experiments-curves img, #experiments-curves svg").first
           ).to_be_visible(timeout=TIMEOUT)
    page.get_by_label("Shipped model's training log").click()
    page.get_by_role("option", name="melody", exact=True).click()
    expect(page.locator("#experiments-curves img").first).to_be_visible(timeout=TIMEOUT)
