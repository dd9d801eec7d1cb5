"""Wideband training pairs: lengths and levels, the SNR drawn, channels and clean speech."""

from __future__ import annotations

import numpy as np
import pytest

from audiodemo import speechocean
from audiodemo.denoise.wideband import Channel, WidebandPairs, clicks
from audiodemo.denoise.wideband_training import pair_maker
from audiodemo.train import get_preset


@pytest.fixture()
def pairs(fake_speechocean):
    speech = [u.path for u in speechocean.list_utterances(fake_speechocean)]
    noise = [np.random.default_rng(0).standard_normal(40000).astype(np.float32)]
    return WidebandPairs(speech, noise, seconds=1.0, p_clean=0.0, p_band_limit=0.0)


def test_a_batch_is_of_the_length_asked_with_speech_at_its_drawn_level(pairs):
    noisy, clean = pairs.batch(6, np.random.default_rng(0))
    assert noisy.shape == clean.shape == (6, 16000)
    level = 20 * np.log10(np.sqrt((clean.numpy() ** 2).mean(1)))
    assert np.all(level > pairs.level_db[0] - 1) and np.all(level < pairs.level_db[1] + 1)
    assert np.abs(noisy.numpy()).max() <= 0.99


def test_a_preset_s_speech_levels_reach_the_pairs(fake_speechocean):
    speech = [u.path for u in speechocean.list_utterances(fake_speechocean)]
    quiet = pair_maker(get_preset("gtcrn", "keep_clean"), speech, [], None)
    assert quiet.level_db == (-48.0, -12.0)
    assert pair_maker(get_preset("gtcrn", "default"), speech, [], None).level_db == (
        WidebandPairs.level_db)  # the default preset names none: the pairs' own
    quiet.seconds, quiet.p_clean = 1.0, 1.0
    _, clean = quiet.batch(16, np.random.default_rng(0))
    level = 20 * np.log10(np.sqrt((clean.numpy() ** 2).mean(1)))
    assert level.min() < -38 and level.min() > -49  # below the default's range


@pytest.mark.parametrize("snr", [-5.0, 5.0, 20.0])
def test_the_noise_is_added_at_the_snr_drawn(pairs, snr):
    pairs.snr_range = (snr, snr)
    noisy, clean = pairs.pair(np.random.default_rng(3))
    measured = 10 * np.log10(np.sum(clean.astype(np.float64) ** 2)
                             / np.sum((noisy - clean).astype(np.float64) ** 2))
    assert measured == pytest.approx(snr, abs=0.01)


def test_clean_examples_pass_through(pairs):
    pairs.p_clean = 1.0
    noisy, clean = pairs.pair(np.random.default_rng(1))
    np.testing.assert_array_equal(noisy, clean)


def test_a_telephone_channel_leaves_nothing_above_its_band():
    wave = np.random.default_rng(0).standard_normal(16000)
    out = Channel(0.0, (300.0, 3400.0))(wave, 16000)
    spectrum = np.abs(np.fft.rfft(out)) ** 2
    freqs = np.fft.rfftfreq(16000, 1 / 16000)
    assert spectrum[freqs > 5000].sum() < 1e-3 * spectrum.sum()


def test_band_limited_speech_comes_with_its_noise_band_limited_alike(pairs):
    """An 8 kHz recording holds nothing above 4 kHz, its noise included (issue 15: with the
    noise full-band, the model never heard 8 kHz speech in 8 kHz noise)."""
    pairs.narrow_speech, pairs.p_narrow, pairs.p_recorded = pairs.speech, 1.0, 1.0
    noisy, clean = pairs.pair(np.random.default_rng(2))
    freqs = np.fft.rfftfreq(len(noisy), 1 / 16000)
    for part in (clean, noisy - clean):
        spectrum = np.abs(np.fft.rfft(part.astype(np.float64))) ** 2
        assert spectrum[freqs > 5000].sum() < 1e-3 * spectrum.sum()
    pairs.p_narrow = 0.0  # full-band speech: the noise keeps its band
    noisy, clean = pairs.pair(np.random.default_rng(2))
    spectrum = np.abs(np.fft.rfft((noisy - clean).astype(np.float64))) ** 2
    assert spectrum[freqs > 5000].sum() > 0.2 * spectrum.sum()


def test_clicks_are_sparse_and_about_unit_level():
    x = clicks(16000, 16000, np.random.default_rng(0))
    assert np.sqrt(np.mean(x**2)) == pytest.approx(1.0, rel=1e-6)
    assert np.mean(np.abs(x) > 1e-6) < 0.2
