"""The audio reader over formats, rates and channel counts, and each bad input."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from audiodemo import audio
from audiodemo.audio import load_audio, save_wav, to_int16
from tests.conftest import tone

# (container, subtype, extension, tolerance of the decoded wave against the original)
FORMATS = [
    ("WAV", "PCM_U8", "wav", 2e-2),
    ("WAV", "PCM_16", "wav", 1e-3),
    ("WAV", "PCM_24", "wav", 1e-4),
    ("WAV", "PCM_32", "wav", 1e-4),
    ("WAV", "FLOAT", "wav", 1e-6),
    ("FLAC", "PCM_16", "flac", 1e-3),
    ("FLAC", "PCM_24", "flac", 1e-4),
    ("OGG", "VORBIS", "ogg", None),
    ("MP3", "MPEG_LAYER_III", "mp3", None),
]


def write(path, wave, rate, channels, fmt="WAV", subtype="PCM_16"):
    data = np.stack([wave, 0.5 * wave], axis=1) if channels == 2 else wave
    sf.write(str(path), data, rate, format=fmt, subtype=subtype)
    return path


@pytest.mark.parametrize("fmt,subtype,ext,tol", FORMATS)
@pytest.mark.parametrize("channels", [1, 2])
def test_reads_every_format_as_mono_float32(tmp_path, fmt, subtype, ext, tol, channels):
    rate = 22050 if fmt == "MP3" else 16000
    x = tone(440, 0.5, rate)
    path = write(tmp_path / f"x.{ext}", x, rate, channels, fmt, subtype)
    wave, sr = load_audio(path)
    assert sr == rate and wave.dtype == np.float32 and wave.ndim == 1
    expected = x if channels == 1 else 0.75 * x  # stereo (x, x/2) averages to 0.75 x
    if tol is None:  # lossy codecs delay and colour the wave: compare loudness only
        rms = np.sqrt(np.mean(wave**2))
        assert rms == pytest.approx(np.sqrt(np.mean(expected**2)), rel=0.1)
    else:
        np.testing.assert_allclose(wave, expected, atol=tol)


@pytest.mark.parametrize("rate", [8000, 11025, 22050, 44100, 48000, 96000])
def test_resamples_any_rate_to_the_requested_one(tmp_path, rate):
    path = write(tmp_path / "x.wav", tone(440, 1.0, rate), rate, channels=2)
    wave, sr = load_audio(path, sample_rate=22050)
    assert sr == 22050
    assert len(wave) == pytest.approx(22050, abs=2)
    spectrum = np.abs(np.fft.rfft(wave))
    assert np.fft.rfftfreq(len(wave), 1 / 22050)[spectrum.argmax()] == pytest.approx(440, abs=2)


@pytest.mark.parametrize("dtype,scale", [(np.int16, 32767), (np.int32, 2**31 - 1)])
def test_reads_gradio_integer_tuples(dtype, scale):
    x = tone(220, 0.2, 8000)
    mono = (x * scale).astype(dtype)
    wave, sr = load_audio((8000, mono))
    assert sr == 8000
    np.testing.assert_allclose(wave, x, atol=1e-4)
    stereo = np.stack([mono, mono], axis=1)
    np.testing.assert_allclose(load_audio((8000, stereo))[0], x, atol=1e-4)


def test_reads_unsigned_8_bit_tuples_centred_on_zero():
    wave, _ = load_audio((8000, np.array([0, 128, 255], dtype=np.uint8)))
    np.testing.assert_allclose(wave, [-1.0, 0.0, 127 / 128])


def test_save_wav_and_load_round_trip(tmp_path):
    x = tone(330, 0.3, 8000)
    save_wav(tmp_path / "y.wav", x, 8000)
    assert sf.info(str(tmp_path / "y.wav")).subtype == "PCM_16"
    np.testing.assert_allclose(load_audio(tmp_path / "y.wav")[0], x, atol=1e-4)


def test_to_int16_clips_instead_of_normalising():
    out = to_int16(np.array([0.0, 0.25, 2.0, -3.0], dtype=np.float32))
    assert out.dtype == np.int16
    assert list(out) == [0, 8192, 32767, -32768]


def test_corrupt_file_is_refused(tmp_path):
    path = tmp_path / "song.mp3"
    path.write_bytes(b"this is not audio at all" * 40)
    with pytest.raises(ValueError, match="Could not read 'song.mp3'"):
        load_audio(path)


def test_truncated_wav_header_is_refused(tmp_path):
    path = write(tmp_path / "cut.wav", tone(), 22050, 1)
    path.write_bytes(path.read_bytes()[:30])
    with pytest.raises(ValueError, match="cut.wav"):
        load_audio(path)


def test_zero_byte_file_is_refused(tmp_path):
    (tmp_path / "empty.wav").touch()
    with pytest.raises(ValueError, match="empty"):
        load_audio(tmp_path / "empty.wav")


def test_wav_without_samples_is_refused(tmp_path):
    path = write(tmp_path / "none.wav", np.zeros(0, np.float32), 8000, 1)
    with pytest.raises(ValueError, match="no samples"):
        load_audio(path)


def test_empty_tuple_is_refused():
    with pytest.raises(ValueError, match="no samples"):
        load_audio((16000, np.zeros(0, np.int16)))


def test_too_long_file_is_refused_before_decoding(tmp_path, monkeypatch):
    path = write(tmp_path / "long.wav", np.zeros(8000 * 5, np.float32), 8000, 1)
    with monkeypatch.context() as m:
        m.setattr(audio.sf, "read", lambda *a, **k: pytest.fail("decoded a refused file"))
        with pytest.raises(ValueError, match="5.0 s long; the limit is 4 s"):
            load_audio(path, max_seconds=4)
    assert len(load_audio(path, max_seconds=6)[0]) == 40000


def test_too_long_tuple_is_refused():
    with pytest.raises(ValueError, match="limit is 60 s"):
        load_audio((8000, np.zeros(8000 * 61, np.int16)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_samples_are_refused(tmp_path, bad):
    x = tone(440, 0.1, 8000)
    x[10] = bad
    path = write(tmp_path / "nan.wav", x, 8000, 1, subtype="FLOAT")
    with pytest.raises(ValueError, match="NaN or infinite"):
        load_audio(path)
    with pytest.raises(ValueError, match="NaN or infinite"):
        load_audio((8000, x))


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ValueError, match="No audio file at 'ghost.wav'"):
        load_audio(tmp_path / "ghost.wav")


@pytest.mark.parametrize("rate", [0, 10, 10**6])
def test_implausible_sample_rates_are_refused(rate):
    with pytest.raises(ValueError, match=f"Sample rate {rate} Hz"):
        load_audio((rate, np.zeros(100, np.int16)))


def test_silence_is_read_as_silence():
    wave, _ = load_audio((8000, np.zeros(800, np.int16)))
    assert not wave.any()


def test_channels_are_kept_when_asked_and_resampled_together(tmp_path):
    left, right = tone(200, 0.5, 44100), 0.25 * tone(300, 0.5, 44100)
    sf.write(tmp_path / "s.wav", np.stack([left, right], axis=1), 44100)
    wave, rate = load_audio(tmp_path / "s.wav", 16000, channels=True)
    assert rate == 16000 and wave.shape == (8000, 2) and wave.dtype == np.float32
    assert np.abs(wave[:, 1]).max() == pytest.approx(0.125, abs=0.01)
    mono, _ = load_audio((8000, tone(200, 0.5, 8000)), channels=True)
    assert mono.shape == (4000, 1)
