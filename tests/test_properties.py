"""Property-based tests (Hypothesis) over the package's edges: reading audio, the STFT round
trip, and parsing typed melody seeds. Each input either works as documented or raises
`ValueError` (which the app shows as a message); nothing else may escape."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from audiodemo.audio import load_audio
from audiodemo.melody.symbols import HIGHEST, LOWEST, parse_seed
from audiodemo.spectrogram import SpectrogramConfig, istft, stft

FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

samples = st.one_of(
    arrays(np.int16, st.tuples(st.integers(0, 3000)), elements=st.integers(-32768, 32767)),
    arrays(np.float32, st.tuples(st.integers(0, 3000), st.integers(1, 3)),
           elements=st.one_of(st.floats(-4, 4, width=32),
                              st.sampled_from([np.nan, np.inf, -np.inf]))),
    arrays(np.uint8, st.tuples(st.integers(0, 3000)), elements=st.integers(0, 255)),
)


@FAST
@given(rate=st.integers(-10, 200_000), wave=samples, target=st.sampled_from([None, 8000]))
def test_reading_any_array_gives_mono_finite_float32_or_a_value_error(rate, wave, target):
    try:
        out, out_rate = load_audio((rate, wave), target)
    except ValueError:
        return
    assert out.ndim == 1 and out.dtype == np.float32 and np.isfinite(out).all()
    assert out_rate == (target or rate)
    assert abs(len(out) - wave.shape[0] * out_rate / rate) <= 2


@FAST
@given(data=st.data(), log_fft=st.integers(5, 10), window=st.sampled_from(
    ["hann", "hamming", "blackman"]))
def test_an_invertible_stft_gives_the_wave_back(data, log_fft, window):
    n_fft = 2**log_fft
    hop = data.draw(st.integers(1, n_fft // 2))  # at least half overlap: invertible
    length = data.draw(st.integers(1, 4000))
    wave = torch.from_numpy(np.random.default_rng(length).standard_normal(length))
    cfg = SpectrogramConfig(sample_rate=8000, n_fft=n_fft, hop_length=hop, window=window)
    back = istft(stft(wave, cfg), cfg, length=length)
    torch.testing.assert_close(back, wave, atol=1e-5, rtol=1e-5)


@FAST
@given(text=st.text(max_size=60))
def test_any_typed_text_is_a_valid_seed_or_a_value_error(text):
    try:
        symbols = parse_seed(text)
    except ValueError:
        return
    assert symbols and all(s in ("_", "r") or LOWEST <= int(s) <= HIGHEST for s in symbols)


tokens = st.one_of(st.integers(LOWEST, HIGHEST).map(str), st.sampled_from(["_", "r"]))


@FAST
@given(seed=st.lists(tokens, min_size=1, max_size=40).filter(lambda s: s[0] != "_"))
def test_symbols_written_out_parse_back_to_themselves(seed):
    assert parse_seed(" ".join(seed)) == seed
