"""One loudness policy for every player: each answer's loudest sound at LEVEL_DBFS, one gain
for the sounds of an answer, nothing clipped."""

from __future__ import annotations

import numpy as np
import pytest

from audiodemo.ui import latent_tab
from audiodemo.ui.common import example
from audiodemo.ui.denoise_tab import NO_NOISE, denoise
from audiodemo.ui.melody_tab import TYPED, generate
from audiodemo.ui.outputs import LEVEL_DBFS, PEAK, active_level_db, playback_gain, players
from audiodemo.ui.spectrogram_tab import rebuild
from tests.conftest import played, tone


def loudest(*paths) -> tuple[float, float]:
    """The loudest player's active level (dBFS) and the highest peak, as the page plays them."""
    sounds = [played(p) for p in paths if p is not None]
    waves = [(w.astype(np.float64) / 32768, r) for r, w in sounds]
    return (max(active_level_db(w, r) for w, r in waves),
            max(float(np.abs(w).max()) for w, _ in waves))


def at_policy(level: float, peak: float) -> bool:
    """At the app's loudness, or as loud as it may be without clipping."""
    return abs(level - LEVEL_DBFS) < 1.0 or (level < LEVEL_DBFS and peak > PEAK - 0.01)


@pytest.mark.parametrize("dbfs", [-60, -40, -20, -6])
def test_one_sound_is_brought_to_the_level_whatever_it_came_at(dbfs):
    wave = tone(300, 1.0, 8000) * 10 ** (dbfs / 20) / 0.354  # a sine's RMS is 0.354 of peak
    out = wave * playback_gain([(wave, 8000)])
    assert at_policy(active_level_db(out, 8000), np.abs(out).max())


def test_sounds_of_one_answer_keep_their_difference_and_never_clip():
    quiet, loud = 0.03 * tone(200, 1.0, 8000), 3.0 * tone(300, 0.5, 16000)  # 40 dB apart
    paths = players([(quiet, 8000, "quiet.wav"), (loud, 16000, "loud.wav")])
    (_, q), (_, lo) = (played(p) for p in paths)
    assert np.abs(lo).max() <= PEAK * 32768
    levels = [active_level_db(w.astype(np.float64) / 32768, r) for w, r in ((q, 8000),
                                                                             (lo, 16000))]
    assert levels[1] - levels[0] == pytest.approx(40.0, abs=0.2)
    assert playback_gain([(np.zeros(800, np.float32), 8000)]) == 1.0  # silence stays silence


def test_pauses_do_not_count_towards_the_level():
    speech = np.concatenate([tone(200, 0.5, 8000), np.zeros(16000, np.float32)])
    assert active_level_db(speech, 8000) == pytest.approx(active_level_db(tone(200, 0.5, 8000),
                                                                          8000), abs=0.5)


def test_every_latent_answer_plays_at_the_same_loudness():
    answers = {
        "a recording": latent_tab.decode_point("VAE", 0, 0, "7_theo_0.wav")[:2],
        "an empty place": latent_tab.decode_point("VAE", 0.3, -0.2, "")[:2],
        "a walk": (latent_tab.interpolate("VAE", "0_george_0.wav", "9_theo_4.wav", 4)[1],),
        "the paper's denoiser": latent_tab.decode_point("paper VAE", 0, 0, "7_theo_0.wav")[:2],
    }
    levels = {name: loudest(*paths) for name, paths in answers.items()}
    assert all(at_policy(*lp) for lp in levels.values()), levels


def test_the_other_tabs_play_at_the_same_loudness():
    noisy, denoised, *_ = denoise(example("digit_7_jackson_noisy.wav"), NO_NOISE, 5,
                                  "Paper VAE", "Noisy phase", 1.0)
    *_, (original, rebuilt, _, _) = rebuild(example("digit_7_jackson.wav"), "512", 256, "hann",
                                            4, "fast")
    melody = generate(TYPED, "60 _ 62 _ 64 _ 65 _", "detect it", 1.0, 2, "C", 100, 1, 0)[1]
    levels = [loudest(noisy, denoised), loudest(original, rebuilt), loudest(melody)]
    assert all(at_policy(*lp) for lp in levels), levels
