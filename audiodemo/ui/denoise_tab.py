"""The Denoise tab: add noise to speech (or bring noisy speech), pick a model, hear and measure.

One event in the API, `/denoise`: noisy and denoised players (one gain for both, so the
loudness drop is audible), spectrograms of clean (when known), noisy and denoised on shared
colour limits, and SI-SDR, PESQ and STOI whenever the clean reference is known (that is, when
noise was added). Noise is mixed at `MIX_RATE` whatever the model, and every score is taken
at `METRIC_RATE`, so the models are compared on the same noisy input by the same measure.
"""

from __future__ import annotations

import functools
import time

import gradio as gr
import numpy as np

from audiodemo import limits
from audiodemo.audio import load_audio
from audiodemo.denoise import dnsmos
from audiodemo.denoise.denoiser import load_denoiser
from audiodemo.denoise.metrics import METRIC_RATE, quality_before_and_after, resampled
from audiodemo.denoise.noise import NOISE_TYPES, mix
from audiodemo.plots.signal import comparison_figure
from audiodemo.ui.common import (
    cleared_on_error,
    example,
    limits_note,
    sound_in,
    user_errors,
)
from audiodemo.ui.outputs import LOUDNESS_NOTE, players
from audiodemo.view import shared_db_views

CHOICES = {  # shown label -> checkpoint name
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
# noise is added here, the same mix whichever model then hears it: the paper's models' rate,
# as they trained on noise over their whole band (a 16 kHz mix leaves them 8-11 kHz empty)
MIX_RATE = 22050
# seconds a request took per second of audio, by (model, reconstruction, scored): the last
# one measured here, for the next request's estimate of its time
SPEED: dict[tuple[str, str, bool], float] = {}

INTRO = """
A **denoising autoencoder** learns to map noisy spectrograms to clean ones. Pick an example
or record yourself, **add noise** at a chosen signal-to-noise ratio (SNR: 0 dB means noise as
loud as speech), and compare the paper's DCAE and VAE with ours, a U-Net. Because the clean
recording is known when the noise is added here, the app scores each result: **SI-SDR**
(dB, higher is better), **PESQ** (1-4.5, a listening-quality estimate) and **STOI** (0-1,
intelligibility); **DNSMOS** (1-5) rates every input and output with no clean recording, so
your own recording gets a score too. Try Griffin-Lim reconstruction to hear what throwing
phase away costs.
Noise is mixed at 22.05 kHz, the same mix for every model, and every score is taken at 8 kHz
(narrow-band PESQ), where every model has its band, so models compare on equal terms (noise
above 4 kHz is not counted there: a white-noise mix scores above the SNR it was mixed at).
"""


DNSMOS_NOTE = ("DNSMOS rates from 1 to 5 as listeners would: SIG the speech, BAK the "
               "background (higher: less noise), OVRL the whole. It hears 0-8 kHz, so an "
               "8 kHz model's output, empty above 4 kHz, sounds muffled to it.")


@functools.lru_cache(maxsize=4)
def babble_talkers(rate: int) -> np.ndarray:
    """The bundled babble recording at `rate`, read once."""
    return load_audio(example("babble.wav"), rate)[0]


def _scores_table(noisy: dict[str, float], denoised: dict[str, float]) -> str:
    """The noisy input's and the output's SI-SDR, PESQ and STOI (taken at `METRIC_RATE`)."""
    rows = {"noisy input": noisy, "denoised": denoised}
    lines = [f"| scored at {METRIC_RATE // 1000} kHz | SI-SDR (dB) | PESQ | STOI |",
             "|---|---|---|---|"]
    for name, q in rows.items():
        pesq = "n/a" if np.isnan(q["PESQ"]) else f"{q['PESQ']:.2f}"
        lines.append(f"| {name} | {q['SI-SDR']:.1f} | {pesq} | {q['STOI']:.2f} |")
    if any(np.isnan(q["PESQ"]) for q in rows.values()):
        lines.append("\nPESQ n/a: it found no speech to score, or could not score this signal.")
    return "\n".join(lines)


def _listening_table(noisy: np.ndarray, noisy_rate: int, denoised: np.ndarray,
                     denoised_rate: int) -> str:
    """DNSMOS of the noisy input and of the output: scores that need no clean recording."""
    if not dnsmos.available():
        return "DNSMOS: not installed here (`pip install speechmos onnxruntime`)."
    try:
        rows = {"noisy input": dnsmos.dnsmos(noisy, noisy_rate),
                "denoised": dnsmos.dnsmos(denoised, denoised_rate)}
    except ValueError as err:
        return f"{err}."
    lines = ["| DNSMOS P.835, no reference needed | OVRL | SIG | BAK |", "|---|---|---|---|"]
    lines += [f"| {name} | {q['OVRL']:.2f} | {q['SIG']:.2f} | {q['BAK']:.2f} |"
              for name, q in rows.items()]
    return "\n".join(lines) + "\n\n" + DNSMOS_NOTE


def _check(model, reconstruction, seed) -> int:
    if model not in CHOICES or reconstruction not in RECONSTRUCTION_LABELS:
        raise ValueError(f"Unknown model {model!r} or reconstruction {reconstruction!r}.")
    seed = 0 if seed is None else seed
    if seed < 0 or seed != int(seed):
        raise ValueError(f"The noise seed must be a whole number from 0 up, got {seed}.")
    return int(seed)


@user_errors
def denoise(audio, noise_type, snr_db, model, reconstruction, strength, seed=0,
            progress=gr.Progress()):
    """Players, spectrogram comparison and a report for one recording."""
    if audio is None:
        raise ValueError("Upload, record or pick a recording first.")
    seed = _check(model, reconstruction, seed)
    denoiser = load_denoiser(CHOICES[model])
    rate = denoiser.sample_rate
    clean, note = None, ""
    if noise_type == NO_NOISE:  # straight to the model's rate: nothing to compare
        wave, in_rate, cut = sound_in(audio, rate, limits.DENOISE_SECONDS)
    else:
        clean, in_rate, cut = sound_in(audio, MIX_RATE, limits.DENOISE_SECONDS)
        talkers = [babble_talkers(in_rate)] if noise_type == "babble" else None
        wave, clean, down = mix(clean, noise_type, float(snr_db), in_rate,
                                np.random.default_rng(seed), talkers)
        if down:  # a recording cannot go past full scale either
            note = (f" The noisy mix peaked above full scale, so speech and mix were both "
                    f"turned down by {down:.1f} dB (the SNR is unchanged).")
    duration, key = len(wave) / in_rate, (model, reconstruction, clean is not None)
    guess = f", about {SPEED[key] * duration:.0f} s" if key in SPEED else ""
    progress(0.1, desc=f"{model}: denoising {duration:.1f} s{guess}")
    start = time.perf_counter()
    heard = resampled(wave, in_rate, rate)  # what the model hears, once for it and the picture
    out = denoiser(heard, rate, float(strength), RECONSTRUCTION_LABELS[reconstruction])
    seconds = time.perf_counter() - start
    progress(0.7, desc="scoring and drawing")
    cfg = denoiser.checkpoint.spectrogram
    waves = {"clean": resampled(clean, in_rate, rate)} if clean is not None else {}
    waves.update({"noisy": heard, f"denoised ({model})": out})
    figure = comparison_figure(shared_db_views(waves, cfg))
    report = (f"**{model}** works at **{rate} Hz** (the noisy input was resampled to it); "
              f"{duration:.1f} s denoised in {seconds:.2f} s on this CPU.{note} "
              f"{cut}\n\n")
    report += (_scores_table(*quality_before_and_after(clean, wave, out, MIX_RATE, rate))
               if clean is not None else
               "No clean reference, so no SI-SDR, PESQ or STOI: add noise here to see them.")
    report += "\n\n" + _listening_table(wave, in_rate, out, rate)
    noisy_player, denoised_player = players([(wave, in_rate, "noisy.wav"),
                                             (out, rate, "denoised.wav")])
    SPEED[key] = (time.perf_counter() - start) / duration
    return noisy_player, denoised_player, figure, report


def build_denoise_tab() -> None:
    """Add the Denoise tab to the current `gr.Blocks`."""
    with gr.Tab("Denoise", id="denoise", elem_id="denoise"):
        gr.Markdown(INTRO)
        with gr.Row():
            with gr.Column(scale=1, min_width=300):
                audio = gr.Audio(sources=["upload", "microphone"], type="filepath",
                                 label="Speech")
                gr.Markdown(limits_note(limits.DENOISE_SECONDS, limits.UPLOAD_MB),
                            elem_classes="limits")
                gr.Examples([[example(name)] for name in EXAMPLES], inputs=[audio],
                            api_visibility="private")  # loading an example is no API
                noise = gr.Dropdown([NO_NOISE, *NOISE_TYPES], value="white", label="Add noise")
                snr = gr.Slider(-5, 20, value=5, step=1, label="SNR (dB)")
                model = gr.Radio(list(CHOICES), value="Ours: U-Net mask", label="Model")
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
                report = gr.Markdown(label="Report", show_label=False)
                gr.Markdown(LOUDNESS_NOTE, elem_classes="limits")
                figure = gr.Plot(label="Spectrograms (shared colour scale)")
        outputs = [noisy_out, clean_out, figure, report]
        denoising = go.click(denoise, inputs=[audio, noise, snr, model, recon, strength, seed],
                             outputs=outputs, api_name="denoise", concurrency_id="torch")
        cleared_on_error(denoising, outputs)
