"""The Denoise tab: add noise to speech (or bring noisy speech), pick a model, hear and measure.

One event in the API, `/denoise`: noisy and denoised players (int16, so the loudness drop is
audible), spectrograms of clean (when known), noisy and denoised on shared colour limits, and
SI-SDR, PESQ and STOI whenever the clean reference is known (that is, when noise was added).
"""

from __future__ import annotations

import functools
import time

import gradio as gr
import numpy as np

from audiodemo.audio import load_audio
from audiodemo.denoise import MODEL_NAMES, checkpoint_path
from audiodemo.denoiser import Denoiser
from audiodemo.metrics import quality
from audiodemo.noise import NOISE_TYPES, add_noise
from audiodemo.plots import comparison_figure
from audiodemo.ui.common import example, turned_down, user_errors
from audiodemo.ui.outputs import player
from audiodemo.view import shared_db_views

MODELS = {
    "Ours: U-Net mask": "ours",
    "Paper DCAE": "paper_dcae",
    "Paper VAE": "paper_vae",
}
RECONSTRUCTION_LABELS = {
    "Noisy phase": "noisy_phase",
    "Griffin-Lim from random phase (the paper)": "griffin_lim",
    "Fast Griffin-Lim from the noisy phase": "fast_griffin_lim",
}
NO_NOISE = "none (my recording is already noisy)"
EXAMPLES = ["digits_31415_theo.wav", "digit_7_jackson.wav", "digit_7_jackson_noisy.wav"]
MAX_SECONDS = 30.0

INTRO = """
A **denoising autoencoder** learns to map noisy spectrograms to clean ones. Pick an example
or record yourself, **add noise** at a chosen signal-to-noise ratio (SNR: 0 dB means noise as
loud as speech), and compare the paper's DCAE and VAE with our model. Because the clean
recording is known when the noise is added here, the app scores each result: **SI-SDR**
(dB, higher is better), **PESQ** (1-4.5, a listening-quality estimate) and **STOI** (0-1,
intelligibility). Try Griffin-Lim reconstruction to hear what throwing phase away costs.
"""


@functools.lru_cache(maxsize=len(MODEL_NAMES))
def get_denoiser(name: str) -> Denoiser:
    """Load a checkpoint once per process."""
    return Denoiser.from_checkpoint(checkpoint_path(name))


@functools.lru_cache(maxsize=4)
def babble_talkers(rate: int) -> np.ndarray:
    """The bundled babble recording at `rate`, read once."""
    return load_audio(example("babble.wav"), rate)[0]


def _metrics_table(clean, noisy, denoised, rate) -> str:
    rows = {"noisy input": quality(clean, noisy, rate), "denoised": quality(clean, denoised, rate)}
    lines = ["| | SI-SDR (dB) | PESQ | STOI |", "|---|---|---|---|"]
    for name, q in rows.items():
        lines.append(f"| {name} | {q['SI-SDR']:.1f} | {q['PESQ']:.2f} | {q['STOI']:.2f} |")
    return "\n".join(lines)


@user_errors
def denoise(audio, noise_type, snr_db, model, reconstruction, strength, seed=0):
    """Players, spectrogram comparison and a report for one recording."""
    if audio is None:
        raise ValueError("Upload, record or pick a recording first.")
    if model not in MODELS or reconstruction not in RECONSTRUCTION_LABELS:
        raise ValueError(f"Unknown model {model!r} or reconstruction {reconstruction!r}.")
    seed = 0 if seed is None else seed
    if seed < 0 or seed != int(seed):
        raise ValueError(f"The noise seed must be a whole number from 0 up, got {seed}.")
    denoiser = get_denoiser(MODELS[model])
    rate = denoiser.sample_rate
    wave, _ = load_audio(audio, rate, max_seconds=MAX_SECONDS)
    clean, note = None, ""
    if noise_type != NO_NOISE:
        talkers = [babble_talkers(rate)] if noise_type == "babble" else None
        clean = wave
        wave = add_noise(clean, noise_type, float(snr_db), rate,
                         np.random.default_rng(int(seed)), talkers)
        wave, down = turned_down(wave)  # so the player does not clip what the scores measure
        if down:
            clean = clean * 10 ** (-down / 20)
            note = (f" The noisy mix peaked above full scale, so speech and mix were both "
                    f"turned down by {down:.1f} dB (the SNR is unchanged).")
    start = time.perf_counter()
    out = denoiser(wave, rate, float(strength), RECONSTRUCTION_LABELS[reconstruction])
    seconds = time.perf_counter() - start
    waves = {"clean": clean} if clean is not None else {}
    waves.update({"noisy": wave, f"denoised ({model})": out})
    figure = comparison_figure(shared_db_views(waves, denoiser.checkpoint.spectrogram))
    report = (f"**{model}** works at **{rate} Hz** (your audio was resampled to it); "
              f"{len(wave) / rate:.1f} s denoised in {seconds:.2f} s on this CPU.{note}\n\n")
    report += (_metrics_table(clean, wave, out, rate) if clean is not None else
               "No clean reference, so no scores: add noise here to see SI-SDR, PESQ and STOI.")
    return player(wave, rate, "noisy.wav"), player(out, rate, "denoised.wav"), figure, report


def build_denoise_tab() -> None:
    """Add the Denoise tab to the current `gr.Blocks`."""
    with gr.Tab("Denoise", id="denoise", elem_id="denoise"):
        gr.Markdown(INTRO)
        with gr.Row():
            with gr.Column(scale=1, min_width=300):
                audio = gr.Audio(sources=["upload", "microphone"], type="filepath",
                                 label="Speech")
                gr.Examples([[example(name)] for name in EXAMPLES], inputs=[audio],
                            api_visibility="private")  # loading an example is no API
                noise = gr.Dropdown([NO_NOISE, *NOISE_TYPES], value="white", label="Add noise")
                snr = gr.Slider(-5, 20, value=5, step=1, label="SNR (dB)")
                model = gr.Radio(list(MODELS), value="Ours: U-Net mask", label="Model")
                recon = gr.Radio(list(RECONSTRUCTION_LABELS), value="Noisy phase",
                                 label="Phase for the output")
                strength = gr.Slider(0, 1, value=1, step=0.05, label="Strength (0 = input)")
                seed = gr.Number(0, precision=0, label="Noise seed")
                go = gr.Button("Denoise", variant="primary")
            with gr.Column(scale=2):
                with gr.Row():
                    noisy_out = gr.Audio(label="Noisy", interactive=False,
                                         elem_id="noisy-player")
                    clean_out = gr.Audio(label="Denoised", interactive=False,
                                         elem_id="denoised-player")
                report = gr.Markdown()
                figure = gr.Plot(label="Spectrograms (shared colour scale)")
        go.click(
            denoise,
            inputs=[audio, noise, snr, model, recon, strength, seed],
            outputs=[noisy_out, clean_out, figure, report],
            api_name="denoise",
            concurrency_id="torch",
        )
