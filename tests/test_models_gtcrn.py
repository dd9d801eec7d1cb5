"""The GTCRN-style network: its ERB bands, shapes, causality and size."""

from __future__ import annotations

import pytest
import torch

from audiodemo.denoise.presets import WIDE_SPEC
from audiodemo.models.gtcrn import GTCRN, GTCRNConfig, erb_filterbank
from audiodemo.spectrogram import stft


def test_the_erb_bands_are_a_partition_of_unity_growing_with_frequency():
    weights = erb_filterbank(257, 16000, 65, 64)
    assert weights.shape == (64, 192) and (weights >= 0).all()
    torch.testing.assert_close(weights.sum(0), torch.ones(192))
    widths = weights.sum(1)
    assert widths[-8:].mean() > 3 * widths[:8].mean()  # wider bands at the top


@pytest.mark.parametrize("frames", [1, 7, 63])
def test_the_output_is_a_spectrum_of_the_input_shape(frames):
    model = GTCRN(GTCRNConfig()).eval()
    spec = torch.randn(2, 257, frames, dtype=torch.complex64)
    with torch.no_grad():
        out = model(spec)
    assert out.shape == spec.shape and out.dtype == spec.dtype and torch.isfinite(out.abs()).all()
    mask = model.mask(spec)  # each part within [-1, 1], spread to every bin
    assert mask.real.abs().max() <= 1 and mask.imag.abs().max() <= 1


def test_no_output_frame_depends_on_a_later_input():
    torch.manual_seed(0)
    model = GTCRN(GTCRNConfig()).eval()
    wave = torch.randn(1, 16000)
    later = wave.clone()
    later[:, 8000:] = torch.randn(1, 8000)
    with torch.no_grad():
        a, b = model(stft(wave, WIDE_SPEC)), model(stft(later, WIDE_SPEC))
    changed = (a - b).abs().amax(dim=1)[0] > 1e-6
    first = int(changed.nonzero()[0])
    # frame k is centred on sample 256 k and reaches 256 samples either side
    assert first >= (8000 - 256) // 256 and changed[first:].any()


def test_the_network_is_small():
    assert sum(p.numel() for p in GTCRN(GTCRNConfig()).parameters()) < 30_000


def test_a_real_mask_keeps_the_noisy_phase_and_a_bad_mask_name_is_refused():
    torch.manual_seed(0)
    model = GTCRN(GTCRNConfig(mask="real")).eval()
    spec = torch.randn(1, 257, 9, dtype=torch.complex64)
    with torch.no_grad():
        mask, out = model.mask(spec), model(spec)
    assert (mask.imag == 0).all() and mask.real.abs().max() > 0
    kept = mask.real.abs() > 1e-3  # the phase of each cell is its input's, or opposite
    cos = torch.cos(out.angle() - spec.angle())[kept].abs()
    torch.testing.assert_close(cos, torch.ones_like(cos), atol=1e-3, rtol=0)
    with pytest.raises(ValueError, match="mask must be"):
        GTCRNConfig(mask="magnitude")


def test_the_mask_bound_scales_the_mask_of_the_same_weights_and_must_be_positive():
    torch.manual_seed(0)
    one = GTCRN(GTCRNConfig(channels=4, rnn_blocks=1)).eval()
    wider = GTCRN(GTCRNConfig(channels=4, rnn_blocks=1, mask_bound=1.25)).eval()
    wider.load_state_dict(one.state_dict())  # the bound holds no weights
    spec = torch.randn(1, 257, 9, dtype=torch.complex64)
    with torch.no_grad():
        a, b = one.mask(spec), wider.mask(spec)
    assert a.abs().max() > 0.1
    torch.testing.assert_close(b, 1.25 * a)
    with pytest.raises(ValueError, match="mask_bound"):
        GTCRNConfig(mask_bound=0)


def test_other_spectra_given_are_masked_by_the_mask_the_first_one_draws():
    torch.manual_seed(0)
    model = GTCRN(GTCRNConfig(channels=4, rnn_blocks=1)).eval()
    spec, other = (torch.randn(1, 257, 9, dtype=torch.complex64) for _ in range(2))
    with torch.no_grad():
        masked, masked_other = model(spec, other)
        torch.testing.assert_close(masked, model(spec))
        torch.testing.assert_close(masked_other, other * model.mask(spec))
