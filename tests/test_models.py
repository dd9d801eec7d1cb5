"""Model shapes and losses."""

from __future__ import annotations

import pytest
import torch

from audiodemo.models.paper import PaperAEConfig, PaperAutoencoder, vae_loss
from audiodemo.models.unet import MaskUNet, MaskUNetConfig


@pytest.mark.parametrize("n_freqs", [129, 128, 65, 100])
def test_unet_mask_has_the_input_shape_for_any_length(n_freqs, rng):
    model = MaskUNet(MaskUNetConfig(n_freqs=n_freqs, channels=(4, 8, 8), dilations=(1, 2)))
    for frames in rng.integers(1, 80, size=4):
        x = torch.rand(2, 1, n_freqs, int(frames))
        with torch.no_grad():
            mask = model(x)
        assert mask.shape == x.shape
        assert 0 <= float(mask.min()) and float(mask.max()) <= 1


def test_unet_context_frames_bound_its_receptive_field():
    model = MaskUNet(MaskUNetConfig(channels=(4, 8), dilations=(1, 2))).eval()
    x = torch.rand(1, 1, 129, 60)
    far = x.clone()
    c = model.config.context_frames
    far[..., 30 + c + 1 :] += 1.0  # change only frames beyond the context of frame 30
    with torch.no_grad():
        assert torch.equal(model(x)[..., 30], model(far)[..., 30])
        near = x.clone()
        near[..., 30 + c] += 1.0
        assert not torch.equal(model(x)[..., 30], model(near)[..., 30])


@pytest.mark.parametrize("variational", [False, True])
def test_paper_autoencoder_reconstructs_the_paper_shape(variational):
    config = PaperAEConfig(variational=variational, filters=(8, 4), latent_dim=16)
    model = PaperAutoencoder(config)
    x = torch.rand(3, 1, 257, 48)
    recon, mu, log_var = model(x)
    assert recon.shape == x.shape and mu.shape == (3, 16)
    assert (log_var is not None) == variational
    assert model.shape_before_bottleneck == (4, 65, 12)


def test_vae_loss_is_alpha_mse_plus_kl():
    recon, target = torch.full((2, 1, 4, 4), 0.5), torch.zeros(2, 1, 4, 4)
    mu, log_var = torch.ones(2, 3), torch.zeros(2, 3)
    terms = vae_loss(recon, target, mu, log_var, alpha=100.0)
    assert float(terms["mse"]) == pytest.approx(0.25)
    assert float(terms["kl"]) == pytest.approx(1.5)  # 0.5 * sum(mu^2) over 3 dims
    assert float(terms["loss"]) == pytest.approx(100 * 0.25 + 1.5)


def test_unet_without_skips_is_a_plain_autoencoder_of_the_same_shape():
    config = MaskUNetConfig(channels=(4, 8), dilations=(1,), skips=False)
    model = MaskUNet(config)
    assert model.merge[0][0].in_channels == 4  # only the upsampled path, no skip
    x = torch.rand(2, 1, 129, 17)
    with torch.no_grad():
        assert model(x).shape == x.shape
    assert MaskUNet(MaskUNetConfig(channels=(4, 8))).merge[0][0].in_channels == 8


def test_the_vae_log_variance_is_bounded_above_and_never_loses_its_gradient():
    from audiodemo.models.paper import LOG_VAR_MAX, bounded_log_var

    raw = torch.tensor([-1e4, -30.0, 0.0, 30.0, 1e4], requires_grad=True)
    bounded = bounded_log_var(raw)
    values = bounded.detach()
    assert float(values[2]) == pytest.approx(0.0, abs=1e-4)  # unit variance at the start
    assert float(values.max()) <= LOG_VAR_MAX and torch.isfinite(values.exp()).all()
    bounded.sum().backward()
    # a clamp, or a bound that saturates, would give 0 below and freeze σ² there
    assert torch.allclose(raw.grad[:3], torch.ones(3), atol=1e-4)
