"""The paper's per-clip [0, 1] scaling, as the models see it: statistics returned, inverted."""

from __future__ import annotations

import pytest
import torch

from audiodemo.denoise.features import model_input, output_magnitude
from audiodemo.spectrogram import SpectrogramConfig, amplitude_to_db, db_to_amplitude

CFG = SpectrogramConfig(db_floor=-100.0)


def test_minmax_features_return_their_statistics_and_map_back():
    db = torch.tensor([[[-60.0, -20.0], [-40.0, -10.0]]])  # (B, F, N)
    x, stats = model_input(db_to_amplitude(db), CFG, "minmax_db")  # (B, 1, F, N), (B, 2)
    assert stats[0].tolist() == pytest.approx([-60.0, -10.0], abs=1e-4)
    assert float(x.min()) == 0.0 and float(x.max()) == 1.0
    back = amplitude_to_db(output_magnitude(x, None, "minmax_db", stats), CFG.db_floor)
    torch.testing.assert_close(back, db, atol=1e-4, rtol=0)


def test_minmax_features_of_a_constant_clip_are_finite():
    x, stats = model_input(torch.full((1, 3, 3), db_to_amplitude(torch.tensor(-80.0))), CFG,
                           "minmax_db")
    assert torch.isfinite(x).all() and stats[0].tolist() == pytest.approx([-80.0, -80.0])
