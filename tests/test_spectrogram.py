"""The torch spectrogram core against librosa, and its inverses."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import torch

from audiodemo.spectrogram import (
    WINDOWS,
    SpectrogramConfig,
    amplitude_to_db,
    db_to_amplitude,
    denormalise_db,
    istft,
    magnitude,
    normalise_db,
    stft,
)


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("n_fft,hop", [(512, 256), (1024, 128), (256, 200)])
def test_stft_matches_librosa(window, n_fft, hop, rng):
    length = int(rng.integers(1000, 20000))
    x = rng.standard_normal(length).astype(np.float32)
    cfg = SpectrogramConfig(n_fft=n_fft, hop_length=hop, window=window)
    ours = stft(torch.from_numpy(x), cfg).numpy()
    scipy_name = "boxcar" if window == "rectangular" else window  # librosa's name
    ref = librosa.stft(x, n_fft=n_fft, hop_length=hop, window=scipy_name)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, atol=1e-4 * np.abs(ref).max())


@pytest.mark.parametrize("window", WINDOWS)
def test_istft_of_stft_returns_the_signal(window, rng):
    length = int(rng.integers(2000, 30000))
    x = torch.from_numpy(rng.standard_normal(length).astype(np.float32))
    cfg = SpectrogramConfig(n_fft=512, hop_length=128, window=window)
    y = istft(stft(x, cfg), cfg, length=length)
    assert y.shape == x.shape
    torch.testing.assert_close(y, x, atol=1e-5, rtol=0)


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("n_fft", [256, 512])
def test_every_invertible_hop_round_trips_and_the_rest_are_refused(window, n_fft, rng):
    x = torch.from_numpy(rng.standard_normal(3000).astype(np.float32))
    for hop in range(16, n_fft + 1, 16):
        cfg = SpectrogramConfig(n_fft=n_fft, hop_length=hop, window=window)
        if cfg.invertible:
            torch.testing.assert_close(istft(stft(x, cfg), cfg, length=3000), x, atol=1e-5,
                                       rtol=0)
        else:
            with pytest.raises(ValueError, match=f"at most {n_fft // 2} samples"):
                istft(stft(x, cfg), cfg, length=3000)
    assert SpectrogramConfig(n_fft=n_fft, hop_length=n_fft // 2, window=window).invertible
    assert not SpectrogramConfig(n_fft=n_fft, hop_length=n_fft // 2 + 1, window=window).invertible


def test_a_huge_stft_is_refused_before_it_is_computed():
    cfg = SpectrogramConfig(sample_rate=48000, n_fft=4096, hop_length=16)
    with pytest.raises(ValueError, match="longer hop or a shorter sound"):
        stft(torch.zeros(48000 * 60), cfg)
    assert stft(torch.zeros(48000 * 60), cfg.with_(hop_length=2048)).shape == (2049, 1407)


def test_istft_matches_librosa(rng):
    x = rng.standard_normal(9001).astype(np.float32)
    cfg = SpectrogramConfig(n_fft=1024, hop_length=256)
    spec = librosa.stft(x, n_fft=1024, hop_length=256) * np.exp(1j * 0.3)
    ours = istft(torch.from_numpy(spec), cfg, length=len(x)).numpy()
    ref = librosa.istft(spec, hop_length=256, length=len(x))
    np.testing.assert_allclose(ours, ref, atol=1e-5)


def test_stft_works_on_batches_like_single_waves(rng):
    x = torch.from_numpy(rng.standard_normal((2, 3, 4000)).astype(np.float32))
    cfg = SpectrogramConfig()
    batch = stft(x, cfg)  # (2, 3, F, N)
    assert batch.shape == (2, 3, cfg.n_freqs, 1 + 4000 // cfg.hop_length)
    torch.testing.assert_close(batch[1, 2], stft(x[1, 2], cfg))


def test_mel_magnitude_matches_librosa_melspectrogram(rng):
    x = rng.standard_normal(8000).astype(np.float32)
    cfg = SpectrogramConfig(sample_rate=16000, n_fft=512, hop_length=160, n_mels=40)
    power = magnitude(torch.from_numpy(x), cfg).numpy() ** 2
    ref = librosa.feature.melspectrogram(
        y=x, sr=16000, n_fft=512, hop_length=160, n_mels=40, power=2.0
    )
    np.testing.assert_allclose(power, ref, rtol=1e-3, atol=1e-4 * ref.max())


def test_amplitude_to_db_matches_librosa_and_inverts_above_floor(rng):
    mag = np.abs(rng.standard_normal((65, 30))).astype(np.float32) * 3
    mag[0, :5] = 0.0
    ours = amplitude_to_db(torch.from_numpy(mag), floor_db=-80.0).numpy()
    ref = librosa.amplitude_to_db(mag, ref=1.0, amin=1e-4, top_db=None)
    np.testing.assert_allclose(ours, ref, atol=1e-4)
    loud = mag > 1e-3
    back = db_to_amplitude(torch.from_numpy(ours)).numpy()
    np.testing.assert_allclose(back[loud], mag[loud], rtol=1e-4)


def test_fixed_normalisation_round_trips_and_clips():
    cfg = SpectrogramConfig(db_floor=-100.0, db_ceiling=20.0)
    db = torch.tensor([-130.0, -100.0, -40.0, 20.0, 35.0])
    norm = normalise_db(db, cfg)
    torch.testing.assert_close(norm, torch.tensor([0.0, 0.0, 0.5, 1.0, 1.0]))
    torch.testing.assert_close(denormalise_db(norm[1:4], cfg), db[1:4])


def test_config_round_trips_through_plain_dict():
    cfg = SpectrogramConfig(sample_rate=8000, n_fft=256, hop_length=64, window="rectangular",
                            n_mels=32)
    d = cfg.to_dict()
    assert all(isinstance(v, int | float | str | type(None)) for v in d.values())
    assert SpectrogramConfig.from_dict(d) == cfg


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(window="kaiser"), "window must be one of"),
        (dict(n_fft=512, hop_length=1024), "hop_length must be between 1 and n_fft=512"),
        (dict(n_fft=8), "n_fft must be between"),
        (dict(db_floor=0.0, db_ceiling=-10.0), "must be below"),
    ],
)
def test_config_rejects_bad_values_with_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SpectrogramConfig(**kwargs)


def test_resolution_properties():
    cfg = SpectrogramConfig(sample_rate=8000, n_fft=256, hop_length=64)
    assert cfg.n_freqs == 129
    assert cfg.frame_seconds == pytest.approx(0.008)
    assert cfg.bin_hz == pytest.approx(31.25)
