"""What the Latent space tab explores: the planes of the shipped models, and decodes of them.

Two views: the 2-D AE and VAE (`TWO_D`), and the paper's 64-D denoisers through PCA
(`PAPER`). `planes` draws a view's codes as clickable SVG, `stats_table` the statistics
behind the paper's claim; `decode_point` decodes a recording's code or any place of a plane
(for the paper's denoisers: runs one on a recording); `walk_between` decodes the steps from
one recording's code to another's; `decode_grid` an n×n grid over each 2-D plane. Sounds come
back as `(wave, rate, name)` for the caller to play, pictures as figures; bad requests raise
`ValueError`. Recordings are named only by file names the encodings list: nothing a caller
sends reaches the file system.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import librosa
import numpy as np
import torch
from matplotlib.figure import Figure

from audiodemo.checkpoint import Checkpoint, load_checkpoint, shipped_checkpoint
from audiodemo.denoise.denoiser import load_denoiser
from audiodemo.denoise.features import output_magnitude
from audiodemo.latent.bundle import AudioBundle
from audiodemo.latent.codes import (
    Encodings,
    decode,
    grid_points,
    latent_stats,
    model_inputs,
    to_audio,
    walk,
)
from audiodemo.paths import ASSETS
from audiodemo.plots.latent import grid_figure, pair_figure, strip_figure
from audiodemo.plots.scatter_svg import scatter_svg, square_extent
from audiodemo.spectrogram import stft

TWO_D, PAPER = "2-D AE and VAE", "the paper's denoisers (64-D, PCA)"
VIEWS = {
    TWO_D: {"AE": "latent_ae", "VAE": "latent_vae"},
    PAPER: {"paper DCAE": "paper_dcae", "paper VAE": "paper_vae"},
}
CHOICES = {**VIEWS[TWO_D], **VIEWS[PAPER]}  # shown name -> checkpoint and encodings name
COLOURS = ("digit", "speaker")
SPLITS = ("test", "train", "all")
ALL = "all"
GRID_N = 12
GL_ITERS = 32
NEAREST = 3  # recordings named beside a decoded place

Progress = Callable[[float, str], None]  # (fraction done, what is being done)
Sound = tuple[np.ndarray, int, str]  # (wave, sample rate, file name)


@dataclass
class Decoded:
    """A decode to show: the recording (if one is heard) then the decode, and a picture."""

    sounds: list[Sound]
    figure: Figure
    caption: str


@functools.lru_cache(maxsize=len(VIEWS[TWO_D]))
def get_model(name: str) -> Checkpoint:
    """The checkpoint of a 2-D latent model, loaded once (the paper's denoisers come from
    `load_denoiser`, whose copy the Denoise tab shares)."""
    return load_checkpoint(shipped_checkpoint(CHOICES[name]))


@functools.lru_cache(maxsize=len(CHOICES))
def get_codes(name: str) -> Encodings:
    """The precomputed encodings of a shown model (`python -m audiodemo.latent encode`)."""
    return Encodings.load(ASSETS / f"{CHOICES[name]}.npz")


@functools.lru_cache(maxsize=1)
def get_audio() -> AudioBundle:
    """The bundled test recordings (`python -m audiodemo.latent bundle`)."""
    return AudioBundle(ASSETS / "fsdd_test.npz")


def speakers() -> list[str]:
    """The speakers of the encoded recordings, sorted (every model encoded the same ones)."""
    return sorted(set(get_codes("AE").speaker.tolist()))


def bundled_recordings() -> list[str]:
    """File names of the test recordings, sorted: the ones whose audio the app bundles."""
    codes = get_codes("AE")
    return sorted(codes.file[codes.split == "test"].tolist())


def _check_model(model: str) -> None:
    if model not in CHOICES:
        raise ValueError(f"Model must be one of {list(CHOICES)}, got {model!r}.")


def _filters(codes: Encodings, digit, speaker, split) -> np.ndarray:
    if split not in SPLITS:
        raise ValueError(f"Split must be one of {SPLITS}, got {split!r}.")
    if digit not in (None, ALL, *map(str, range(10))):
        raise ValueError(f"Digit must be 0-9 or {ALL!r}, got {digit!r}.")
    if speaker not in (None, ALL, *codes.speaker.tolist()):
        raise ValueError(f"Unknown speaker {speaker!r}.")
    return codes.where(
        digit=None if digit in (None, ALL) else int(digit),
        speaker=None if speaker in (None, ALL) else speaker,
        split=None if split == "all" else split,
    )


def stats_table(view: str) -> str:
    """Mean, spread and coverage of each model's test codes in a view, as Markdown."""
    lines = ["| model (test split) | mean z₁ | mean z₂ | std z₁ | std z₂ | ±2σ square holding "
             "codes |", "|---|---|---|---|---|---|"]
    for name in VIEWS[view]:
        codes = get_codes(name)
        s = latent_stats(codes.z[codes.split == "test"])
        lines.append(f"| {name} | {s['mean'][0]:.3g} | {s['mean'][1]:.3g} | {s['std'][0]:.3g} "
                     f"| {s['std'][1]:.3g} | {100 * s['coverage']:.0f} % |")
    note = "" if view == TWO_D else (
        "\n\nThese are the first two principal components of 64-D codes: the paper's VAE "
        "(α = 50000) spreads its codes tens of thousands of units from the origin, nothing "
        "like its N(0, 1) prior.")
    return "\n".join(lines) + note + (
        "\n\nA VAE whose codes follow its N(0, 1) prior has means near 0 and standard "
        "deviations near 1; the last column is the share of a 20×20 grid over mean ± 2 std "
        "with at least one code (low: codes in clusters with holes between them).")


def planes(colour_by: str, digit, speaker, split: str, shared_axes: bool,
           view: str = TWO_D) -> list[str]:
    """Both planes of a view as clickable SVG, filtered and coloured as asked."""
    if colour_by not in COLOURS:
        raise ValueError(f"Colour by one of {COLOURS}, got {colour_by!r}.")
    if view not in VIEWS:
        raise ValueError(f"View must be one of {list(VIEWS)}, got {view!r}.")
    svgs, shown = [], {}
    for name in VIEWS[view]:
        codes = get_codes(name)
        shown[name] = (codes, _filters(codes, digit, speaker, split))
    everything = np.concatenate([c.z[k] for c, k in shown.values()])
    for name, (codes, keep) in shown.items():
        if colour_by == "digit":
            groups, legend = codes.digit[keep], {str(d): d for d in range(10)}
        else:
            speakers = sorted(set(codes.speaker.tolist()))
            groups = np.array([speakers.index(s) for s in codes.speaker[keep]], int)
            legend = {s: i for i, s in enumerate(speakers)}
        titles = [f"digit {d} · {s} · {f}" for d, s, f in
                  zip(codes.digit[keep], codes.speaker[keep], codes.file[keep], strict=True)]
        extent = square_extent(everything if shared_axes else codes.z[keep])
        svgs.append(scatter_svg(codes.z[keep], groups, titles, codes.file[keep].tolist(),
                                extent, f"{name}: {keep.sum()} recordings", legend))
    return svgs


def _recording_code(codes: Encodings, file: str) -> tuple[int, np.ndarray]:
    matches = np.flatnonzero(codes.file == file)
    if len(matches) == 0:
        raise ValueError(f"No recording named {file!r} in the encodings.")
    return int(matches[0]), codes.z[matches[0]]


def decode_point(model: str, x, y, file: str | None = None) -> Decoded:
    """A recording's code (`file`) or any point (x, y) decoded: its sound (and the
    recording's), their spectrograms and a caption."""
    _check_model(model)
    if model in VIEWS[PAPER]:
        return _denoiser_reconstruction(model, file)
    ckpt, codes = get_model(model), get_codes(model)
    cfg = ckpt.spectrogram
    if file:
        i, z = _recording_code(codes, file)
        audio = get_audio()
        mag = decode(ckpt, z[None])[0]
        if file not in audio:
            recording, shown = None, {f"{model} reconstruction": mag}
            origin = " It is in the training split, whose audio the app does not bundle."
        else:
            recording = audio.wave(file)
            x_in = model_inputs(ckpt, [recording])
            clip = output_magnitude(x_in, None, ckpt.preprocessing["features"], None, cfg)[0]
            shown, origin = {"recording (model input)": clip, f"{model} reconstruction": mag}, ""
        caption = (f"**{file}**: digit {codes.digit[i]} by {codes.speaker[i]} "
                   f"({codes.split[i]} split), code z = ({z[0]:.2f}, {z[1]:.2f}).{origin}")
    else:
        if x is None or y is None or not np.isfinite([x, y]).all():
            raise ValueError("Give a point as two finite numbers, or click the plane.")
        z = np.array([x, y], np.float32)
        x0, x1, y0, y1 = square_extent(codes.z, pad=2.0)  # the codes' square, 5 times as wide
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            lo, hi = codes.z.min(0), codes.z.max(0)
            raise ValueError(f"z = ({x:.3g}, {y:.3g}) is far from every code of the {model} "
                             f"(z₁ {lo[0]:.3g} to {hi[0]:.3g}, z₂ {lo[1]:.3g} to {hi[1]:.3g}): "
                             f"pick a point nearer them.")
        mag = decode(ckpt, z[None])[0]
        recording, shown = None, {f"{model} decode of ({x:.2f}, {y:.2f})": mag}
        distance = np.linalg.norm(codes.z - z, axis=1)
        nearest = ", ".join(f"{codes.file[k]} (digit {codes.digit[k]}, {distance[k]:.2f} away)"
                            for k in np.argsort(distance)[:NEAREST])
        caption = (f"No recording at z = ({x:.2f}, {y:.2f}): the decoder generates this "
                   f"spectrogram from the code alone. Nearest recordings: {nearest}.")
    sounds = [(to_audio(ckpt, mag, GL_ITERS), cfg.sample_rate, "decoded.wav")]
    if recording is not None:
        sounds.insert(0, (recording, audio.sample_rate, "recording.wav"))
    caption += (f" Sound from the decoded magnitude by {GL_ITERS} iterations of fast "
                f"Griffin-Lim from random phase, at {cfg.sample_rate} Hz.")
    return Decoded(sounds, pair_figure(shown, cfg), caption)


def _denoiser_reconstruction(model: str, file: str | None) -> Decoded:
    """A paper denoiser run on a clean test recording: what its 64-D code keeps."""
    if not file:
        raise ValueError("This plane is a projection of 64-D codes: a place between them has "
                         "no single code to decode. Click a recording instead.")
    codes, audio = get_codes(model), get_audio()
    i, z = _recording_code(codes, file)
    if file not in audio:
        raise ValueError(f"{file} is a training take, whose audio the app does not bundle.")
    denoiser = load_denoiser(CHOICES[model])  # one copy with the Denoise tab's
    wave = audio.wave(file)
    out = denoiser(wave, audio.sample_rate)
    cfg = denoiser.checkpoint.spectrogram
    resampled = librosa.resample(wave, orig_sr=audio.sample_rate, target_sr=cfg.sample_rate)
    shown = {"recording": stft(torch.from_numpy(resampled), cfg).abs(),
             f"{model} output": stft(torch.from_numpy(out), cfg).abs()}
    caption = (f"**{file}**: digit {codes.digit[i]} by {codes.speaker[i]}, shown at the first "
               f"two principal components of its 64-D code ({z[0]:.3g}, {z[1]:.3g}). The "
               f"output is the paper's denoiser run on the clean recording at {cfg.sample_rate} "
               f"Hz (0.55 s windows, the noisy phase): what its code keeps of the digit.")
    return Decoded([(wave, audio.sample_rate, "recording.wav"),
                    (out, cfg.sample_rate, "output.wav")], pair_figure(shown, cfg), caption)


def walk_between(model: str, file_a: str, file_b: str, steps,
                 progress: Progress | None = None) -> tuple[Figure, np.ndarray, int]:
    """Decodes of `steps` points from one recording's code to another's: their strip, and
    their sounds one after another with a short pause, at the returned rate."""
    if model not in VIEWS[TWO_D]:
        raise ValueError(f"Walks are for the 2-D models {list(VIEWS[TWO_D])}, got {model!r}.")
    if not file_a or not file_b:
        raise ValueError("Pick two recordings to walk between.")
    ckpt, codes = get_model(model), get_codes(model)
    (_, z_a), (_, z_b) = _recording_code(codes, file_a), _recording_code(codes, file_b)
    mags = decode(ckpt, walk(z_a, z_b, int(steps)))
    gap = np.zeros(int(0.15 * ckpt.spectrogram.sample_rate), np.float32)
    pieces = []
    for k, mag in enumerate(mags):
        if progress is not None:
            progress(k / len(mags), f"sound of step {k + 1} of {len(mags)} (Griffin-Lim)")
        pieces += [to_audio(ckpt, mag, GL_ITERS), gap]
    labels = [file_a.removesuffix(".wav")] + [""] * (len(mags) - 2) + [
        file_b.removesuffix(".wav")]
    return strip_figure(mags, labels), np.concatenate(pieces), ckpt.spectrogram.sample_rate


def decode_grid(n=GRID_N, progress: Progress | None = None) -> Figure:
    """Decodes of an n×n grid over each 2-D plane (the extent of its test codes)."""
    n = int(n)
    if not 3 <= n <= 20:
        raise ValueError(f"The grid has 3 to 20 points a side, got {n}.")
    grids = {}
    for k, name in enumerate(VIEWS[TWO_D]):
        if progress is not None:
            progress(k / len(VIEWS[TWO_D]), f"decoding {n * n} points of the {name}")
        codes = get_codes(name)
        extent = square_extent(codes.z[codes.split == "test"], pad=0.0)
        grids[name] = (decode(get_model(name), grid_points(extent, n)), extent)
    return grid_figure(grids, n)
