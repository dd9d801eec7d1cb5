"""Latent codes: encodings and their file (and the command that writes it), statistics,
decoding points, walks."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from audiodemo.checkpoint import load_checkpoint
from audiodemo.fsdd import list_recordings
from audiodemo.latent import __main__ as latent_cli
from audiodemo.latent import codes as latent
from audiodemo.train import train


@pytest.fixture(scope="module")
def latent_checkpoints(fake_fsdd, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("latent")
    paths = {}
    for kind in ("dcae", "vae"):
        paths[kind] = out / f"{kind}.pt"
        train(kind, "latent_tiny", out=paths[kind], data=fake_fsdd, quiet=True)
    return paths


@pytest.mark.parametrize("kind", ["dcae", "vae"])
def test_encodings_have_a_2d_code_and_the_labels_of_every_recording(kind, latent_checkpoints,
                                                                     fake_fsdd):
    codes = latent.encode_fsdd(load_checkpoint(latent_checkpoints[kind]), fake_fsdd)
    recordings = list_recordings(fake_fsdd)
    assert codes.z.shape == (len(recordings), 2) and codes.projection == "none"
    assert np.isfinite(codes.z).all()
    assert codes.file.tolist() == [r.path.name for r in recordings]
    assert codes.digit.tolist() == [r.digit for r in recordings]
    assert codes.speaker.tolist() == [r.speaker for r in recordings]
    assert codes.split.tolist() == ["test" if r.take < 5 else "train" for r in recordings]
    assert codes.where(digit=1, speaker="bob", split="test").sum() == 5


def test_the_encode_cli_writes_the_arrays_the_issue_names(latent_checkpoints, fake_fsdd,
                                                          tmp_path):
    out = tmp_path / "codes.npz"
    assert latent_cli.main(["encode", "--model", str(latent_checkpoints["vae"]), "--data",
                        str(fake_fsdd), "--out", str(out)]) == 0
    with np.load(out, allow_pickle=False) as data:  # plain arrays: no pickle needed
        assert {"z", "digit", "speaker", "split", "file"} <= set(data.files)
        assert data["z"].shape == (60, 2) and data["file"][0].endswith(".wav")
    again = latent.Encodings.load(out)
    np.testing.assert_array_equal(again.z, latent.encode_fsdd(
        load_checkpoint(latent_checkpoints["vae"]), fake_fsdd).z)


def test_the_encode_cli_refuses_an_unknown_model(tmp_path, capsys):
    assert latent_cli.main(["encode", "--model", "nope", "--out", str(tmp_path / "x.npz")]) == 2
    assert "No checkpoint 'nope'" in capsys.readouterr().err


def test_higher_dimensional_codes_are_projected(rng):
    z = rng.standard_normal((40, 64)) * np.r_[5.0, 3.0, np.ones(62) * 0.1]
    pca = latent.project(z, "pca")
    assert pca.shape == (40, 2)
    np.testing.assert_allclose(pca.std(0), z[:, :2].std(0), rtol=0.1)  # the two big axes
    assert latent.project(z, "tsne").shape == (40, 2)
    np.testing.assert_array_equal(latent.project(z[:, :2]), z[:, :2])
    with pytest.raises(ValueError, match="projection must be one of"):
        latent.project(z, "umap")


def test_statistics_of_a_standard_normal_and_of_two_clusters(rng):
    normal = latent.latent_stats(rng.standard_normal((5000, 2)))
    assert np.allclose(normal["mean"], 0, atol=0.05) and np.allclose(normal["std"], 1, atol=0.05)
    clusters = np.concatenate([rng.normal(-5, 0.1, (2500, 2)), rng.normal(5, 0.1, (2500, 2))])
    spread = latent.latent_stats(clusters)
    assert normal["coverage"] > 0.8 > 0.1 > spread["coverage"]


@pytest.mark.parametrize("kind", ["dcae", "vae"])
def test_any_point_decodes_to_a_spectrogram_and_a_sound(kind, latent_checkpoints):
    ckpt = load_checkpoint(latent_checkpoints[kind])
    mags = latent.decode(ckpt, np.array([[0.0, 0.0], [3.0, -2.0]], np.float32))
    assert mags.shape == (2, 129, 49) and torch.isfinite(mags).all() and (mags > 0).all()
    wave = latent.to_audio(ckpt, mags[0], n_iter=4)
    assert wave.shape == (128 * 48,) and np.isfinite(wave).all()


def test_a_walk_starts_and_ends_at_its_ends_and_decodes_them(latent_checkpoints, rng):
    ckpt = load_checkpoint(latent_checkpoints["vae"])
    a, b = rng.standard_normal(2).astype(np.float32), rng.standard_normal(2).astype(np.float32)
    points = latent.walk(a, b, 5)
    assert points.shape == (5, 2)
    np.testing.assert_allclose(points[0], a)
    np.testing.assert_allclose(points[-1], b)
    np.testing.assert_allclose(np.diff(points, axis=0), np.tile((b - a) / 4, (4, 1)), atol=1e-6)
    ends = latent.decode(ckpt, np.stack([a, b]))
    torch.testing.assert_close(latent.decode(ckpt, points)[[0, -1]], ends)
    for steps in (1, 65):
        with pytest.raises(ValueError, match="between 2 and 64 steps"):
            latent.walk(a, b, steps)


def test_grid_points_run_row_by_row_from_the_top():
    points = latent.grid_points((-1.0, 1.0, -2.0, 2.0), 3)
    assert points.shape == (9, 2)
    assert points[0].tolist() == [-1.0, 2.0] and points[-1].tolist() == [1.0, -2.0]
