"""The denoising losses: each is zero (or best) at the clean answer and says what it is."""

from __future__ import annotations

import pytest
import torch

from audiodemo.denoise.losses import LOSSES, OLD_NAMES, component_terms, denoising_loss, si_sdr
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


def test_the_component_terms_are_the_errors_of_the_masked_speech_and_noise(rng):
    clean, _ = _pair(rng)
    speech = stft(clean, OURS_SPEC)
    noise = 0.3 * stft(torch.from_numpy(rng.standard_normal((2, 4000)).astype("float32")),
                       OURS_SPEC)
    kept, left = component_terms(speech, 0 * noise, speech)
    assert float(kept) == pytest.approx(0, abs=1e-9) and float(left) < 1e-5
    for gain in (0.5, 0.25):  # a real gain g leaves (1 - g^0.3)^2 of |S|^0.6, g^0.6 of |N|^0.6
        kept, left = component_terms(gain * speech, gain * noise, speech)
        torch.testing.assert_close(kept, 100 * (1 - gain**0.3) ** 2 * speech.abs().pow(0.6).mean())
        # silence is compressed from the floor of 1e-12: 2.5e-4, a part in a thousand here
        torch.testing.assert_close(left, 100 * gain**0.6 * noise.abs().pow(0.6).mean(),
                                   rtol=1e-3, atol=0)


def test_a_preset_with_component_weights_adds_those_times_the_component_terms():
    torch.manual_seed(0)
    model = GTCRN(GTCRNConfig(channels=4, rnn_blocks=1)).eval()
    plain = get_preset("gtcrn", "tiny")
    weighted = dict(plain, component_weights=(2.0, 0.5))
    clean = 0.1 * torch.randn(2, 16000)
    noisy = clean + 0.05 * torch.randn(2, 16000)
    with torch.no_grad():
        a, b = step_loss(model, plain, noisy, clean), step_loss(model, weighted, noisy, clean)
        spectra = [stft(x, WIDE_SPEC) for x in (noisy, clean, noisy - clean)]
        mask = model.mask(spectra[0])
        kept, left = component_terms(spectra[1] * mask, spectra[2] * mask, spectra[1])
    assert "speech" not in a and float(b["speech"]) > 0 and float(b["noise"]) > 0
    torch.testing.assert_close((b["speech"], b["noise"]), (kept, left))
    torch.testing.assert_close(b["loss"], a["loss"] + 2.0 * kept + 0.5 * left)
    assert len(get_preset("gtcrn", "less_noise")["component_weights"]) == 2
