"""The bundled test recordings the Latent space tab plays."""

from __future__ import annotations

import numpy as np

from audiodemo.fsdd import list_recordings, load_waves
from audiodemo.latent.bundle import AudioBundle, bundle_test_audio


def test_the_audio_bundle_holds_the_test_takes(fake_fsdd, tmp_path):
    out = tmp_path / "audio.npz"
    assert bundle_test_audio(fake_fsdd, out) == 30
    bundle = AudioBundle(out)
    tests = [r for r in list_recordings(fake_fsdd) if r.take < 5]
    for recording, wave in zip(tests, load_waves(tests, 8000), strict=True):
        assert recording.path.name in bundle
        np.testing.assert_allclose(bundle.wave(recording.path.name), wave, atol=1 / 32767)
    assert "0_ann_7.wav" not in bundle
