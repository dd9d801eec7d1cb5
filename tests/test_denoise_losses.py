"""The denoising losses: each is zero (or best) at the clean answer and says what it is."""

from __future__ import annotations

import pytest
import torch

from audiodemo.denoise.losses import LOSSES, OLD_NAMES, denoising_loss, si_sdr, speech_distortion
from audiodemo.denoise.presets import OURS_SPEC, WIDE_SPEC
from audiodemo.denoise.wideband_training import step_loss
from audiodemo.models.gtcrn import GTCRN, GTCRNConfig
from audiodemo.spectrogram import stft
from audiodemo.train import get_preset


def _pair(rng):
    clean = torch.from_numpy(rng.standard_normal((2, 4000)).astype("float32")) * 0.1
    noisy = clean + 0.05 * torch.from_numpy(rng.standard_normal((2, 4000)).astype("float32"))
    return clean, stft(noisy, OURS_SPEC)


@pytest.mark.parametrize("loss", LOSSES)
def test_each_loss_prefers_the_clean_magnitude_to_the_noisy_one(loss, rng):
    clean, noisy_spec = _pair(rng)
    perfect = denoising_loss(stft(clean, OURS_SPEC).abs(), noisy_spec, clean, OURS_SPEC, loss)
    untouched = denoising_loss(noisy_spec.abs(), noisy_spec, clean, OURS_SPEC, loss)
    assert float(perfect["loss"]) < float(untouched["loss"])
    assert float(perfect["spectral"]) == pytest.approx(0, abs=1e-6)
    assert float(perfect["mse_db"]) == pytest.approx(0, abs=1e-9)
    assert set(perfect) == {"loss", "spectral", "si_sdr", "mse_db"}


def test_the_default_loss_combines_l1_and_si_sdr(rng):
    clean, noisy_spec = _pair(rng)
    terms = denoising_loss(noisy_spec.abs(), noisy_spec, clean, OURS_SPEC, "l1_si_sdr")
    assert float(terms["loss"]) == pytest.approx(float(terms["spectral"] - 0.05 * terms["si_sdr"]))
    assert float(terms["si_sdr"]) == pytest.approx(float(si_sdr(clean, clean + (
        torch.istft(noisy_spec, 256, 64, window=torch.hann_window(256), length=4000) - clean
    )).mean()), abs=0.05)


def test_an_unknown_loss_is_refused_with_the_choices(rng):
    clean, noisy_spec = _pair(rng)
    with pytest.raises(ValueError, match="l1_si_sdr"):
        denoising_loss(noisy_spec.abs(), noisy_spec, clean, OURS_SPEC, "huber")


def test_the_old_spelling_of_a_loss_is_the_same_loss(rng):
    clean, noisy_spec = _pair(rng)
    for old, new in OLD_NAMES.items():
        assert denoising_loss(noisy_spec.abs(), noisy_spec, clean, OURS_SPEC, old) == \
            denoising_loss(noisy_spec.abs(), noisy_spec, clean, OURS_SPEC, new)


def test_the_speech_term_is_the_compressed_error_of_the_masked_speech(rng):
    clean, _ = _pair(rng)
    speech = stft(clean, OURS_SPEC)
    assert float(speech_distortion(speech, speech)) == pytest.approx(0, abs=1e-9)
    power = speech.abs().pow(0.6).mean()  # a real gain g leaves (1 - g^0.3)^2 of |S|^0.6
    for gain in (0.5, 0.25):
        expected = (30 + 70) * (1 - gain**0.3) ** 2 * power
        torch.testing.assert_close(speech_distortion(gain * speech, speech), expected)


def test_a_preset_with_a_speech_weight_adds_that_times_the_speech_term():
    torch.manual_seed(0)
    model = GTCRN(GTCRNConfig(channels=4, rnn_blocks=1)).eval()
    plain = get_preset("gtcrn", "tiny")
    weighted = dict(plain, speech_weight=2.0)
    clean = 0.1 * torch.randn(2, 16000)
    noisy = clean + 0.05 * torch.randn(2, 16000)
    with torch.no_grad():
        a, b = step_loss(model, plain, noisy, clean), step_loss(model, weighted, noisy, clean)
        mask = model.mask(stft(noisy, WIDE_SPEC))
        speech = speech_distortion(stft(clean, WIDE_SPEC) * mask, stft(clean, WIDE_SPEC))
    assert "speech" not in a and float(b["speech"]) > 0
    torch.testing.assert_close(b["speech"], speech)
    torch.testing.assert_close(b["loss"], a["loss"] + 2.0 * speech)
    assert get_preset("gtcrn", "keep_speech")["speech_weight"] > 0
