"""Model shapes, losses, and checkpoints that rebuild themselves."""

from __future__ import annotations

import pytest
import torch

from audiodemo.checkpoint import FORMAT_VERSION, load_checkpoint, save_checkpoint
from audiodemo.denoise.presets import PAPER_SPEC
from audiodemo.models import build_model
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


@pytest.mark.parametrize("half", [False, True])
@pytest.mark.parametrize("kind", ["dcae", "vae", "unet"])
def test_save_then_load_gives_the_same_outputs(kind, half, tmp_path):
    config = (dict(n_freqs=129, channels=(4, 8), dilations=(1,)) if kind == "unet"
              else dict(filters=(4, 2), latent_dim=8, variational=kind == "vae"))
    model = build_model(kind, config).eval()
    path = tmp_path / "m.pt"
    save_checkpoint(path, kind, model, PAPER_SPEC, {"features": "mask"}, {"epochs": 0}, half)
    loaded = load_checkpoint(path)
    assert loaded.kind == kind and loaded.spectrogram == PAPER_SPEC
    assert not path.with_suffix(".pt.tmp").exists()
    x = torch.rand(1, 1, 129 if kind == "unet" else 257, 48)
    with torch.no_grad():
        a, b = model(x), loaded.model(x)
    a, b = (a[0], b[0]) if isinstance(a, tuple) else (a, b)
    torch.testing.assert_close(a, b, atol=5e-3 if half else 0, rtol=0)


def test_checkpoints_load_without_unpickling_code(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.pt"
    torch.save({"format_version": FORMAT_VERSION, "payload": Evil()}, path)
    with pytest.raises(ValueError, match="Cannot load checkpoint 'evil.pt'"):
        load_checkpoint(path)


def test_unknown_checkpoint_versions_are_refused(tmp_path):
    torch.save({"format_version": 99}, tmp_path / "future.pt")
    with pytest.raises(ValueError, match="format 99 is not supported"):
        load_checkpoint(tmp_path / "future.pt")


@pytest.mark.parametrize("damage", ["no_state", "wrong_shapes", "bad_config", "no_spectrogram"])
def test_damaged_checkpoints_are_refused_with_a_value_error(damage, tmp_path):
    model = build_model("unet", {"n_freqs": 129, "channels": (4, 8), "dilations": (1,)})
    save_checkpoint(tmp_path / "c.pt", "unet", model, PAPER_SPEC, {"features": "mask"}, {})
    payload = torch.load(tmp_path / "c.pt", weights_only=True)
    if damage == "no_state":
        del payload["state_dict"]
    elif damage == "wrong_shapes":
        payload["model_config"]["channels"] = (8, 16)
    elif damage == "bad_config":
        payload["model_config"]["width"] = 3
    else:
        del payload["spectrogram"]
    torch.save(payload, tmp_path / "c.pt")
    with pytest.raises(ValueError, match="incomplete or inconsistent"):
        load_checkpoint(tmp_path / "c.pt")


def test_unet_without_skips_is_a_plain_autoencoder_of_the_same_shape():
    config = MaskUNetConfig(channels=(4, 8), dilations=(1,), skips=False)
    model = MaskUNet(config)
    assert model.merge[0][0].in_channels == 4  # only the upsampled path, no skip
    x = torch.rand(2, 1, 129, 17)
    with torch.no_grad():
        assert model(x).shape == x.shape
    assert MaskUNet(MaskUNetConfig(channels=(4, 8))).merge[0][0].in_channels == 8


def test_checkpoints_written_before_the_skips_option_still_load(tmp_path):
    model = build_model("unet", {"n_freqs": 129, "channels": (4, 8), "dilations": (1,)})
    save_checkpoint(tmp_path / "old.pt", "unet", model, PAPER_SPEC, {"features": "mask"}, {})
    payload = torch.load(tmp_path / "old.pt", weights_only=True)
    del payload["model_config"]["skips"]  # as the first checkpoints were written
    torch.save(payload, tmp_path / "old.pt")
    assert load_checkpoint(tmp_path / "old.pt").model.config.skips is True


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
