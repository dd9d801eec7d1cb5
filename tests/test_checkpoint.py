"""Checkpoints: one format for every model kind, safe to load, rebuilding model and
preprocessing; format 1 files upgraded on load with the same outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from audiodemo.checkpoint import (
    FORMAT_VERSION,
    MELODY_KINDS,
    load_checkpoint,
    read_checkpoint,
    save_checkpoint,
    shipped_checkpoint,
)
from audiodemo.denoise.presets import PAPER_SPEC
from audiodemo.melody.model import load_melody
from audiodemo.models import build_model
from audiodemo.paths import CHECKPOINTS

V1 = Path(__file__).parent / "data" / "checkpoint_v1"


@pytest.mark.parametrize("half", [False, True])
@pytest.mark.parametrize("kind", ["dcae", "vae", "unet", "gtcrn"])
def test_save_then_load_gives_the_same_outputs(kind, half, tmp_path):
    config = {"unet": dict(n_freqs=129, channels=(4, 8), dilations=(1,)),
              "gtcrn": dict(channels=4, rnn_blocks=1, erb_bands=16, dilations=(1,))}.get(
        kind, dict(filters=(4, 2), latent_dim=8, variational=kind == "vae"))
    model = build_model(kind, config).eval()
    path = tmp_path / "m.pt"
    save_checkpoint(path, kind, model, {"spectrogram": PAPER_SPEC.to_dict(), "features": "mask"},
                    {"epochs": 0}, half)
    loaded = load_checkpoint(path)
    assert loaded.kind == kind and loaded.spectrogram == PAPER_SPEC
    assert not path.with_suffix(".pt.tmp").exists()
    x = (torch.randn(1, 257, 48, dtype=torch.complex64) if kind == "gtcrn"
         else torch.rand(1, 1, 129 if kind == "unet" else 257, 48))
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
    save_checkpoint(tmp_path / "c.pt", "unet", model,
                    {"spectrogram": PAPER_SPEC.to_dict(), "features": "mask"}, {})
    payload = torch.load(tmp_path / "c.pt", weights_only=True)
    if damage == "no_state":
        del payload["state_dict"]
    elif damage == "wrong_shapes":
        payload["model_config"]["channels"] = (8, 16)
    elif damage == "bad_config":
        payload["model_config"]["width"] = 3
    else:
        del payload["preprocessing"]["spectrogram"]
    torch.save(payload, tmp_path / "c.pt")
    with pytest.raises(ValueError, match="incomplete or inconsistent"):
        load_checkpoint(tmp_path / "c.pt")


def test_checkpoints_written_before_the_skips_option_still_load(tmp_path):
    model = build_model("unet", {"n_freqs": 129, "channels": (4, 8), "dilations": (1,)})
    save_checkpoint(tmp_path / "old.pt", "unet", model,
                    {"spectrogram": PAPER_SPEC.to_dict(), "features": "mask"}, {})
    payload = torch.load(tmp_path / "old.pt", weights_only=True)
    del payload["model_config"]["skips"]  # as the first checkpoints were written
    torch.save(payload, tmp_path / "old.pt")
    assert load_checkpoint(tmp_path / "old.pt").model.config.skips is True


@pytest.mark.parametrize("kind", ["unet", "dcae", "vae"])
def test_format_1_denoisers_load_with_the_outputs_the_v1_code_gave(kind):
    expected = np.load(V1 / "outputs.npz")
    loaded = load_checkpoint(V1 / f"{kind}.pt")
    assert loaded.kind == kind and loaded.spectrogram.sample_rate in (8000, 22050)
    assert "notes" not in loaded.training and loaded.preprocessing["concat"] is False
    with torch.no_grad():
        y = loaded.model(torch.from_numpy(expected[f"{kind}_x"]))
    y = y[0] if isinstance(y, tuple) else y
    # float32 sums may round differently on another CPU's kernels (seen: 6e-8 apart), so
    # not bit for bit; a weight loaded wrong moves outputs by far more than 1e-6
    np.testing.assert_allclose(y.numpy(), expected[f"{kind}_y"], rtol=1e-6, atol=1e-6)


def test_a_format_1_melody_lstm_loads_with_the_outputs_the_v1_code_gave():
    expected = np.load(V1 / "outputs.npz")
    model = load_melody(V1 / "melody.pt")
    assert model.net.config.context and model.net.config.embedding == 6
    with torch.no_grad():
        logits, _ = model.net(torch.from_numpy(expected["melody_ids"]), torch.tensor([4]),
                              torch.tensor([0]))
    np.testing.assert_allclose(logits.numpy(), expected["melody_y"], rtol=1e-6, atol=1e-6)


def test_every_shipped_checkpoint_is_format_2_and_rebuilds():
    shipped = sorted(CHECKPOINTS.glob("*.pt"))
    assert {p.stem for p in shipped} >= {"ours_wideband", "ours", "paper_dcae", "paper_vae",
                                         "latent_ae", "latent_vae", "melody", "melody_paper",
                                         "melody_transformer", "melody_repeats",
                                         "melody_transformer_repeats", "melody_paper_repeats"}
    for path in shipped:
        payload = torch.load(path, weights_only=True)  # as written, not upgraded
        assert payload["format_version"] == FORMAT_VERSION == 2
        assert set(payload) == {"format_version", "kind", "model_config", "preprocessing",
                                "state_dict", "weights_dtype", "training"}
        loaded = load_checkpoint(shipped_checkpoint(path.stem))
        needs = ("vocab" if loaded.kind in MELODY_KINDS else "base"
                 if loaded.kind == "melody_repeats" else "spectrogram")
        assert needs in loaded.preprocessing


def test_a_melody_checkpoint_round_trips_through_the_one_format(tmp_path):
    net = build_model("melody", {"hidden": 8, "context": True})
    save_checkpoint(tmp_path / "m.pt", "melody", net, {"vocab": ["x"] * net.vocab_size,
                                                       "grid": {"steps_per_quarter": 4}}, {})
    assert read_checkpoint(tmp_path / "m.pt")["kind"] == "melody"
    loaded = load_checkpoint(tmp_path / "m.pt").model
    for a, b in zip(net.state_dict().values(), loaded.state_dict().values(), strict=True):
        assert torch.equal(a, b)
