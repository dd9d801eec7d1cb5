"""Training presets: `tiny` (tests and CI), `paper` (the paper's settings), `default` (our best).

A preset fixes the model config, the spectrogram, the features, the data it sees and the
optimiser. `paper` follows the paper: 22050 Hz, frame 512, hop 256, 0.55 s clips, dB scaled
per clip to [0, 1], 2 conv layers of 100 and 50 filters, kernel 3, stride 2, latent 64,
η = 0.002, B = 35, 60 epochs, α = 50000 (Sec. 3A, 4A, Tables 1-2). The paper does not give
its noise level; we draw white noise at -5 to 20 dB SNR afresh for every example.
"""

from __future__ import annotations

from audiodemo.spectrogram import SpectrogramConfig

PAPER_SPEC = SpectrogramConfig(sample_rate=22050, n_fft=512, hop_length=256, db_floor=-100.0)
# 8 kHz speech: a 32 ms window with 75 % overlap, levels from -80 to +40 dB re unit amplitude
OURS_SPEC = SpectrogramConfig(sample_rate=8000, n_fft=256, hop_length=64, db_floor=-80.0,
                              db_ceiling=40.0)
# the latent-space models: clean 8 kHz digits, 32 ms frames, hop 16 ms, 0.768 s = 49 frames
LATENT_SPEC = OURS_SPEC.with_(hop_length=128)
LATENT_ALPHA = 1000.0
# ours, wideband (issue 15): 16 kHz, 32 ms Hann frames at 50 % overlap, as GTCRN
WIDE_SPEC = SpectrogramConfig(sample_rate=16000, n_fft=512, hop_length=256, db_floor=-80.0,
                              db_ceiling=40.0)
NOISE_MIX = {"white": 0.5, "pink": 0.15, "brown": 0.1, "babble": 0.15, "hum": 0.1}


def _paper(variational: bool, tiny: bool) -> dict:
    model = dict(n_freqs=257, n_frames=48, filters=(100, 50), kernels=(3, 3), strides=(2, 2),
                 latent_dim=64, alpha=50000.0, variational=variational)
    preset = dict(
        model=model, spectrogram=PAPER_SPEC, features="minmax_db", seconds=0.55, concat=False,
        noise_mix={"white": 1.0}, snr_range=(-5.0, 20.0), gain_db=(0.0, 0.0),
        epochs=60, steps_per_epoch=None, batch_size=35, lr=0.002, cosine=None, half=True,
        max_clips=None, clip_norm=5.0,
    )
    if tiny:
        preset.update(model=dict(model, filters=(4, 2), latent_dim=8), epochs=1, max_clips=24,
                      batch_size=8, half=False)
    return preset


def _latent(variational: bool, tiny: bool) -> dict:
    """A 2-D AE or VAE of the paper's design that reconstructs clean digits (issue: latent space).

    Both see the same input, the clip's dB spectrogram in the fixed range of `LATENT_SPEC`,
    so their pictures compare and any latent point decodes to absolute levels. α, the VAE's
    reconstruction weight, is lower than the paper's 50000: with two latent dimensions the
    paper's weight leaves the KL term without force (see BENCHMARKS.md).
    """
    model = dict(n_freqs=129, n_frames=49, filters=(100, 50), kernels=(3, 3), strides=(2, 2),
                 latent_dim=2, alpha=LATENT_ALPHA, variational=variational)
    preset = dict(
        model=model, spectrogram=LATENT_SPEC, features="fixed_db", seconds=0.768, concat=False,
        noise_mix={}, snr_range=(0.0, 0.0), gain_db=(0.0, 0.0),
        epochs=60, steps_per_epoch=None, batch_size=35, lr=0.002, cosine=None, half=False,
        max_clips=None, clip_norm=5.0,
    )
    if tiny:
        preset.update(model=dict(model, filters=(4, 2)), epochs=1, max_clips=24, batch_size=8)
    return preset


def _ours(tiny: bool) -> dict:
    preset = dict(
        model=dict(n_freqs=129, channels=(16, 32, 64), dilations=(1, 2, 4, 8)),
        spectrogram=OURS_SPEC, features="mask", loss="l1_si_sdr", seconds=1.0, concat=True,
        noise_mix=NOISE_MIX, snr_range=(-5.0, 20.0), gain_db=(-25.0, 5.0),
        epochs=24, steps_per_epoch=100, batch_size=16, lr=0.002, cosine="step", half=False,
        max_clips=None, clip_norm=5.0,
    )
    if tiny:
        preset.update(model=dict(n_freqs=129, channels=(4, 8), dilations=(1, 2)), epochs=1,
                      steps_per_epoch=3, batch_size=4, max_clips=24)
    return preset


# fine-tunes of a trained wideband model (`--init`), each over the default preset (`model`:
# over its model config)
WIDEBAND_TUNES = {
    # clean speech passes at its level: a mask bound of 1.25, three times as many clean
    # examples, quieter speech (RMS, dBFS)
    "keep_clean": dict(model=dict(mask_bound=1.25), p_clean=0.15, level_db=(-48.0, -12.0),
                       epochs=8, lr=5e-4),
    # the noise the mask leaves weighed again (`losses.component_terms`: speech, noise): on
    # the trained model the noise term is about twice the hybrid loss's spectral terms, so a
    # quarter of it adds about half as much again
    "less_noise": dict(component_weights=(0.0, 0.25), epochs=5, lr=2e-4),
}


def _wideband(tiny: bool, tune: str | None = None) -> dict:
    """GTCRN's size and loss; 4 s examples of many voices and noises (`denoise.wideband`);
    30 epochs of 250 steps of 8 on a cosine from 1e-3 (10-25 min an epoch on this machine,
    resumed across sessions). `tune`: one of `WIDEBAND_TUNES`, a fine-tune from a trained
    model's weights."""
    preset = dict(
        model=dict(n_freqs=257, sample_rate=16000), spectrogram=WIDE_SPEC, seconds=4.0,
        snr_range=(-5.0, 20.0), p_clean=0.05, p_band_limit=0.2, p_narrow=0.1,
        validation_batches=8,
        epochs=30, steps_per_epoch=250, batch_size=8, lr=0.001, min_lr=1e-5, cosine="step",
        clip_norm=3.0, half=False, max_clips=None,
        loss_weights=(30.0, 70.0, 0.1),  # compressed spectrum, its magnitude, SI-SDR (dB)
    )
    if tune:
        changes = WIDEBAND_TUNES[tune]
        preset.update(changes, model=dict(preset["model"], **changes.get("model", {})))
    if tiny:
        preset.update(model=dict(preset["model"], channels=4, rnn_blocks=1, erb_bands=16,
                                 dilations=(1,)), seconds=1.0, epochs=1, steps_per_epoch=2,
                      batch_size=2, validation_batches=1, max_clips=8)
    return preset


PRESETS = {
    "dcae": {"tiny": _paper(False, True), "paper": _paper(False, False),
             "latent": _latent(False, False), "latent_tiny": _latent(False, True)},
    "vae": {"tiny": _paper(True, True), "paper": _paper(True, False),
            "latent": _latent(True, False), "latent_tiny": _latent(True, True)},
    "unet": {"tiny": _ours(True), "default": _ours(False)},
    "gtcrn": {"tiny": _wideband(True), "default": _wideband(False),
              **{tune: _wideband(False, tune) for tune in WIDEBAND_TUNES}},
}
PRESETS["dcae"]["default"] = PRESETS["dcae"]["paper"]
PRESETS["vae"]["default"] = PRESETS["vae"]["paper"]

