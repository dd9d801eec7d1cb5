"""Denoising any length: shapes, blocks equal one pass, strength, reconstructions, the CLI."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

import audiodemo.denoise.denoiser as denoiser_module
from audiodemo.checkpoint import shipped_checkpoint
from audiodemo.denoise import __main__ as denoise
from audiodemo.denoise.denoiser import DENOISERS, RECONSTRUCTIONS, Denoiser
from audiodemo.denoise.features import model_input, output_magnitude
from tests.conftest import tone


@pytest.mark.parametrize("kind", ["dcae", "vae", "unet"])
def test_output_keeps_the_length_for_random_lengths_and_every_reconstruction(
    kind, tiny_checkpoints, rng
):
    d = Denoiser.from_checkpoint(tiny_checkpoints[kind])
    d.gl_iters = 2
    for n in [1, *rng.integers(100, 30000, size=3)]:
        x = (0.1 * rng.standard_normal(n)).astype(np.float32)
        for reconstruction in RECONSTRUCTIONS:
            y = d(x, d.sample_rate, reconstruction=reconstruction)
            assert y.shape == (n,) and y.dtype == np.float32 and np.isfinite(y).all()


def test_blocks_give_the_same_result_as_one_pass(tiny_checkpoints, rng, monkeypatch):
    d = Denoiser.from_checkpoint(tiny_checkpoints["unet"])
    x = (0.1 * rng.standard_normal(8000 * 12)).astype(np.float32)  # ~1500 frames
    in_blocks = d(x, 8000)
    monkeypatch.setattr(denoiser_module, "BLOCK_FRAMES", 10**9)
    np.testing.assert_allclose(in_blocks, d(x, 8000), atol=1e-5)


def test_a_short_clip_equals_the_paper_models_one_shot(tiny_checkpoints, rng):
    import torch

    d = Denoiser.from_checkpoint(tiny_checkpoints["vae"])
    mag = torch.rand(257, 48) + 0.01
    x, stats = model_input(mag[None], d.checkpoint.spectrogram, "minmax_db")
    with torch.no_grad():
        direct = output_magnitude(d.checkpoint.model(x)[0], mag[None], "minmax_db", stats)[0]
    torch.testing.assert_close(d.estimate_magnitude(mag), direct)


@pytest.mark.parametrize("frames", [1, 47, 48, 49, 100, 1000])
def test_windows_cross_fade_to_exactly_the_model_output(frames, tiny_checkpoints, monkeypatch):
    import torch

    d = Denoiser.from_checkpoint(tiny_checkpoints["vae"])  # 48-frame windows
    monkeypatch.setattr(d, "_run", lambda mags: mags * 2)  # a model that doubles every cell
    mag = torch.rand(257, frames) + 0.01
    torch.testing.assert_close(d.estimate_magnitude(mag), 2 * mag)


def test_long_input_through_windows_is_smooth_and_finite(tiny_checkpoints, rng):
    d = Denoiser.from_checkpoint(tiny_checkpoints["dcae"])
    x = (0.1 * rng.standard_normal(22050 * 3)).astype(np.float32)
    y = d(x, 22050)
    assert y.shape == x.shape and np.isfinite(y).all()


def test_strength_zero_returns_the_input(tiny_checkpoints):
    d = Denoiser.from_checkpoint(tiny_checkpoints["unet"])
    x = tone(300, 0.5, 8000)
    np.testing.assert_allclose(d(x, 8000, strength=0.0), x, atol=1e-5)


def test_input_is_resampled_to_the_model_rate(tiny_checkpoints):
    d = Denoiser.from_checkpoint(tiny_checkpoints["unet"])
    assert d(tone(300, 1.0, 44100), 44100).shape == (8000,)


@pytest.mark.parametrize("kwargs,message", [
    (dict(strength=1.5), "strength must be between 0 and 1"),
    (dict(reconstruction="magic"), "reconstruction must be one of"),
])
def test_bad_options_are_refused(tiny_checkpoints, kwargs, message):
    d = Denoiser.from_checkpoint(tiny_checkpoints["unet"])
    with pytest.raises(ValueError, match=message):
        d(tone(), 22050, **kwargs)


def test_cli_writes_one_wav_per_input_at_its_rate_and_channels(tiny_checkpoints, tmp_path):
    inputs = []
    for name, rate in [("a.wav", 16000), ("b.flac", 44100)]:
        sf.write(tmp_path / name, tone(200, 0.4, rate), rate)
        inputs.append(str(tmp_path / name))
    stereo = np.stack([tone(200, 0.4, 48000), 0.5 * tone(300, 0.4, 48000)], axis=1)
    sf.write(tmp_path / "c.wav", stereo, 48000)
    inputs.append(str(tmp_path / "c.wav"))
    out = tmp_path / "out"
    code = denoise.main([*inputs, "--out-dir", str(out), "--model",
                         str(tiny_checkpoints["unet"])])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.wav", "b.wav", "c.wav"]
    info = sf.info(str(out / "b.wav"))
    assert info.samplerate == 44100 and info.duration == pytest.approx(0.4, abs=0.01)
    info = sf.info(str(out / "c.wav"))
    assert (info.samplerate, info.channels, info.frames) == (48000, 2, 19200)


def test_cli_without_a_model_uses_ours_at_16_khz(tmp_path, capsys):
    stereo = np.stack([tone(200, 0.5, 44100), 0.5 * tone(300, 0.5, 44100)], axis=1)
    sf.write(tmp_path / "memo.wav", stereo, 44100)
    assert denoise.main([str(tmp_path / "memo.wav"), "--out-dir", str(tmp_path / "o")]) == 0
    assert "(44100 Hz, 2 channels; the model works at 16000 Hz)" in capsys.readouterr().out
    info = sf.info(str(tmp_path / "o" / "memo.wav"))
    assert (info.samplerate, info.channels, info.frames) == (44100, 2, 22050)


def test_cli_sets_the_attenuation_limit(tiny_checkpoints, tmp_path, capsys):
    sf.write(tmp_path / "a.wav", tone(200, 0.3, 8000), 8000)
    args = [str(tmp_path / "a.wav"), "--model", str(tiny_checkpoints["unet"])]
    assert denoise.main([*args, "--out-dir", str(tmp_path / "x"), "--attenuation-limit", "6"]) == 0
    assert denoise.main([*args, "--out-dir", str(tmp_path / "y"), "--attenuation-limit", "0"]) == 2
    assert "above 0 dB" in capsys.readouterr().err
    gentle, _ = sf.read(tmp_path / "x" / "a.wav")
    assert np.abs(gentle).max() > 0.25  # at most 6 dB off a 0.5 tone


def test_cli_reports_bad_files_and_fails(tiny_checkpoints, tmp_path, capsys):
    (tmp_path / "bad.wav").write_bytes(b"nope")
    code = denoise.main([str(tmp_path / "bad.wav"), "--out-dir", str(tmp_path / "o"),
                         "--model", str(tiny_checkpoints["unet"])])
    assert code == 1 and "bad.wav" in capsys.readouterr().err


def test_cli_refuses_an_unknown_model(tmp_path, capsys):
    with pytest.raises(ValueError, match="No checkpoint 'best_ever'"):
        shipped_checkpoint("best_ever", DENOISERS)
    code = denoise.main(["x.wav", "--out-dir", str(tmp_path), "--model", "best_ever"])
    assert code == 2 and "No checkpoint 'best_ever'" in capsys.readouterr().err


def test_cli_never_overwrites_one_output_with_another(tiny_checkpoints, tmp_path, capsys):
    (tmp_path / "x").mkdir()
    sf.write(tmp_path / "a.wav", tone(200, 0.3, 8000), 8000)
    sf.write(tmp_path / "x" / "a.wav", tone(400, 0.5, 8000), 8000)
    code = denoise.main([str(tmp_path / "a.wav"), str(tmp_path / "x" / "a.wav"), "--out-dir",
                         str(tmp_path / "out"), "--model", str(tiny_checkpoints["unet"])])
    assert code == 1 and "would overwrite" in capsys.readouterr().err
    assert sf.info(str(tmp_path / "out" / "a.wav")).duration == pytest.approx(0.3, abs=0.01)


@pytest.mark.parametrize("wave,rate,message", [
    (np.zeros(0, np.float32), 8000, "non-empty mono"),
    (np.zeros((2, 800), np.float32), 8000, "non-empty mono"),
    (np.array([0.1, np.nan] * 400, np.float32), 8000, "NaN or infinite"),
    (np.array([0.1, np.inf] * 400, np.float32), 8000, "NaN or infinite"),
    (np.zeros(800, np.float32), 0, "positive whole number"),
    (np.zeros(800, np.float32), 8000.5, "positive whole number"),
])
def test_bad_waves_are_refused_with_a_message(tiny_checkpoints, wave, rate, message):
    d = Denoiser.from_checkpoint(tiny_checkpoints["unet"])
    with pytest.raises(ValueError, match=message):
        d(wave, rate)


def test_our_model_takes_at_most_its_attenuation_limit_off_any_cell(tiny_checkpoints, rng):
    import torch

    from audiodemo.spectrogram import stft

    d = Denoiser.from_checkpoint(tiny_checkpoints["unet"])
    assert d.attenuation_limit_db == 30.0
    x = (0.1 * rng.standard_normal(4000)).astype(np.float32)
    cfg = d.checkpoint.spectrogram
    noisy = stft(torch.from_numpy(x), cfg)
    d.checkpoint.model.forward = lambda inputs: torch.zeros_like(inputs)  # a mask of zeros
    out = stft(torch.from_numpy(d(x, 8000)), cfg).abs()
    ratio = 20 * torch.log10(out[:, 2:-2] / noisy.abs()[:, 2:-2])  # away from the edges
    assert float(ratio.median()) == pytest.approx(-30.0, abs=1.0)
    unlimited = Denoiser(d.checkpoint, attenuation_limit_db=float("inf"))
    assert np.abs(unlimited(x, 8000)).max() < 1e-6
    assert Denoiser.from_checkpoint(tiny_checkpoints["vae"]).attenuation_limit_db == float("inf")
    with pytest.raises(ValueError, match="above 0 dB"):
        Denoiser(d.checkpoint, attenuation_limit_db=0)


def test_no_model_makes_any_cell_louder_than_the_noisy_one(tiny_checkpoints, rng, monkeypatch):
    import torch

    from audiodemo.spectrogram import stft

    d = Denoiser.from_checkpoint(tiny_checkpoints["vae"])
    assert d.boost_limit_db == 0.0
    monkeypatch.setattr(d, "estimate_magnitude", lambda mag: 10 * mag)  # 20 dB up everywhere
    x = (0.05 * rng.standard_normal(22050)).astype(np.float32)
    np.testing.assert_allclose(d(x, 22050), x, atol=1e-5)
    cfg = d.checkpoint.spectrogram
    for limit, gain in [(6.0, 10 ** (6 / 20)), (float("inf"), 10.0)]:  # inf: the raw output
        d.boost_limit_db = limit
        out = stft(torch.from_numpy(d(x, 22050)), cfg).abs()
        ratio = out / stft(torch.from_numpy(x), cfg).abs()
        assert float(ratio[:, 2:-2].median()) == pytest.approx(gain, rel=0.02)
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="boost limit must be 0 dB or more"):
            Denoiser(d.checkpoint, boost_limit_db=bad)


@pytest.fixture(scope="module")
def wideband(fake_speechocean, fake_esc10, tmp_path_factory):
    """A tiny trained complex-mask (gtcrn) denoiser."""
    from audiodemo.train import train

    out = tmp_path_factory.mktemp("gtcrn") / "g.pt"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AUDIODEMO_ESC10", str(fake_esc10))
        train("gtcrn", "tiny", out=out, data=fake_speechocean, quiet=True)
    return Denoiser.from_checkpoint(out)


@pytest.mark.parametrize("rate", [8000, 16000, 44100])
def test_a_complex_mask_model_denoises_any_length_at_its_rate(wideband, rate):
    n = int(np.random.default_rng(rate).integers(rate // 3, 2 * rate))
    wave = np.random.default_rng(0).standard_normal(n).astype(np.float32) * 0.05
    out = wideband(wave, rate)
    assert wideband.sample_rate == 16000 and out.dtype == np.float32
    assert abs(len(out) - round(n * 16000 / rate)) <= 1 and np.isfinite(out).all()


def test_a_complex_mask_model_at_strength_0_gives_back_its_input(wideband):
    wave = np.random.default_rng(3).standard_normal(16000).astype(np.float32) * 0.05
    np.testing.assert_allclose(wideband(wave, 16000, 0.0), wave, atol=1e-5)
