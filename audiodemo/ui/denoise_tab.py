"""The Denoise tab: add noise to speech (or bring noisy speech), pick a model, hear and measure.

One event in the API, `/denoise`: noisy and denoised players (one gain for both, so the
loudness drop is audible) at the recording's own rate and channels, spectrograms of clean
(when known), noisy and denoised over the whole band on shared colour limits, SI-SDR,
wide-band PESQ and STOI whenever the clean reference is known (that is, when noise was
added), and DNSMOS always. Noise is mixed at the recording's rate, at least `MIX_RATE`,
whatever the model, and every score is taken at `WIDE_RATE`, so the models are compared on
the same noisy input by the same measure.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

import gradio as gr
import librosa
import numpy as np

from audiodemo import limits
from audiodemo.audio import load_audio
from audiodemo.denoise import dnsmos, systems
from audiodemo.denoise.metrics import WIDE_RATE, wideband_quality
from audiodemo.denoise.noise import NOISE_TYPES, mix
from audiodemo.plots.signal import comparison_figure
from audiodemo.spectrogram import SpectrogramConfig
from audiodemo.ui.ab_player import ABPair, ABPlayer
from audiodemo.ui.common import (
    cleared_on_error,
    example,
    limits_note,
    sound_in,
    user_errors,
)
from audiodemo.ui.outputs import LOUDNESS_NOTE, player, players
from audiodemo.ui.sound_picture import Picture, SoundPicture
from audiodemo.view import shared_db_views

LABELS = {  # denoiser name -> shown label; the reference only where its package is installed
    "ours_wideband": "Ours: 16 kHz complex mask",
    "ours": "Ours, first version: 8 kHz U-Net",
    "paper_dcae": "Paper DCAE",
    "paper_vae": "Paper VAE",
    systems.REFERENCE: "DeepFilterNet3: the field's reference",
}
CHOICES = {LABELS[name]: name for name in systems.names()}  # shown label -> denoiser name
RECONSTRUCTION_LABELS = {
    "Noisy phase": "noisy_phase",
    "Griffin-Lim from random phase (the paper)": "griffin_lim",
    "Fast Griffin-Lim from the noisy phase": "fast_griffin_lim",
}
NO_NOISE = "none (my recording is already noisy)"
EXAMPLES = ["digits_31415_theo.wav", "digit_7_jackson.wav", "digit_7_jackson_noisy.wav"]
# noise is added at the recording's rate but at least this one, the same mix whichever model
# then hears it: the paper's models' rate, as they trained on noise over their whole band
MIX_RATE = 22050
MAX_RATE = 48000  # a recording above it is resampled to it: no model or ear needs more
AB = ("A: noisy", "B: denoised")  # the A/B switch, both at one loudness
# seconds a request took per second of audio, by (model, reconstruction, scored): the last
# one measured here, for the next request's estimate of its time
SPEED: dict[tuple[str, str, bool], float] = {}

INTRO = """
A **denoising autoencoder** learns to map noisy spectrograms to clean ones. Pick an example
or record yourself, **add noise** at a chosen signal-to-noise ratio (SNR: 0 dB means noise as
loud as speech), and compare ours, a small network trained on 113 voices (children and
adults) under real noises, with the paper's DCAE and VAE and, where it is installed,
DeepFilterNet3, the field's reference. Because the clean recording is known when the noise
is added here, the app scores each result: **SI-SDR** (dB, higher is better), **PESQ**
(wide-band, 1-4.6, a listening-quality estimate) and **STOI** (0-1, intelligibility);
**DNSMOS** (1-5) rates every input and output with no clean recording, so your own recording
gets a score too. Try Griffin-Lim reconstruction to hear what throwing phase away costs.
You hear the result at your recording's own rate and channels. Each model works at its own
rate and sees the band up to half of it; above that band, each frame gets the gain the model
gave the top of its own band. Noise is mixed at your recording's rate (at least 22.05 kHz),
the same mix for every model, and every score is taken at 16 kHz.
"""


DNSMOS_NOTE = ("DNSMOS rates from 1 to 5 as listeners would: SIG the speech, BAK the "
               "background (higher: less noise), OVRL the whole. It hears 0-8 kHz.")


@functools.lru_cache(maxsize=4)
def babble_talkers(rate: int) -> np.ndarray:
    """The bundled babble recording at `rate`, read once."""
    return load_audio(example("babble.wav"), rate)[0]


def _scores_table(noisy: dict[str, float], denoised: dict[str, float]) -> str:
    """The noisy input's and the output's SI-SDR, PESQ-WB and STOI (at `WIDE_RATE`)."""
    rows = {"noisy input": noisy, "denoised": denoised}
    lines = [f"| scored at {WIDE_RATE // 1000} kHz | SI-SDR (dB) | PESQ-WB | STOI |",
             "|---|---|---|---|"]
    for name, q in rows.items():
        pesq = "n/a" if np.isnan(q["PESQ-WB"]) else f"{q['PESQ-WB']:.2f}"
        lines.append(f"| {name} | {q['SI-SDR']:.1f} | {pesq} | {q['STOI']:.2f} |")
    if any(np.isnan(q["PESQ-WB"]) for q in rows.values()):
        lines.append("\nPESQ n/a: it found no speech to score, or could not score this signal.")
    return "\n".join(lines)


def _listening_table(noisy: np.ndarray, denoised: np.ndarray, rate: int) -> str:
    """DNSMOS of the noisy input and of the output: scores that need no clean recording."""
    if not dnsmos.available():
        return "DNSMOS: not installed here (`pip install speechmos onnxruntime`)."
    try:
        rows = {"noisy input": dnsmos.dnsmos(noisy, rate),
                "denoised": dnsmos.dnsmos(denoised, rate)}
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


def _picture_config(rate: int) -> SpectrogramConfig:
    """Frames of about 32 ms at `rate`, so the pictures show the whole band."""
    n_fft = 1 << round(np.log2(0.032 * rate))
    return SpectrogramConfig(sample_rate=rate, n_fft=n_fft, hop_length=n_fft // 4)


def _band_text(name: str, rate: int) -> str:
    model_rate = systems.model_rate(name)
    if model_rate >= rate:
        return f"works at **{model_rate} Hz**, so it sees the whole band of this {rate} Hz sound"
    return (f"works at **{model_rate} Hz**: it sees 0-{model_rate / 2000:g} kHz of this "
            f"{rate} Hz sound, and the band above gets the gain it gave the top of its own")


@user_errors
def denoise(audio, noise_type, snr_db, model, reconstruction, strength, seed=0,
            progress=gr.Progress()):
    """Players, spectrogram comparison and a report for one recording."""
    if audio is None:
        raise ValueError("Upload, record or pick a recording first.")
    seed, name = _check(model, reconstruction, seed), CHOICES.get(model)
    wave, rate, cut = sound_in(audio, None, limits.DENOISE_SECONDS, channels=True)
    work = min(rate, MAX_RATE) if noise_type == NO_NOISE else max(min(rate, MAX_RATE), MIX_RATE)
    if work != rate:
        wave = librosa.resample(wave, orig_sr=rate, target_sr=work, axis=0)
    clean, note = None, ""
    if noise_type != NO_NOISE:
        talkers = [babble_talkers(work)] if noise_type == "babble" else None
        wave, clean, down = mix(wave, noise_type, float(snr_db), work,
                                np.random.default_rng(seed), talkers)
        if down:  # a recording cannot go past full scale either
            note = (f" The noisy mix peaked above full scale, so speech and mix were both "
                    f"turned down by {down:.1f} dB (the SNR is unchanged).")
    duration, key = len(wave) / work, (model, reconstruction, clean is not None)
    guess = f", about {SPEED[key] * duration:.0f} s" if key in SPEED else ""
    progress(0.1, desc=f"{model}: denoising {duration:.1f} s{guess}")
    start = time.perf_counter()
    recon = RECONSTRUCTION_LABELS[reconstruction]
    out = systems.denoise(name, wave, work, float(strength), recon)
    seconds = time.perf_counter() - start
    progress(0.7, desc="scoring and drawing")
    mono = {"noisy": wave.mean(1), f"denoised ({model})": out.mean(1)}
    waves = {"clean": clean.mean(1), **mono} if clean is not None else mono
    model_rate = systems.model_rate(name)
    figure = comparison_figure(shared_db_views(waves, _picture_config(work)),
                               band=model_rate / 2 if model_rate < work else None)
    channels = f"{wave.shape[1]} channels" if wave.shape[1] > 1 else "mono"
    report = (f"**{model}** {_band_text(name, work)}. You hear {work} Hz, {channels}; "
              f"{duration:.1f} s denoised in {seconds:.2f} s on this CPU.{note} {cut}\n\n")
    if name == systems.REFERENCE and recon != "noisy_phase":
        report += "DeepFilterNet3 makes its own phase: the phase choice is for the others.\n\n"
    report += (_scores_table(*(wideband_quality(waves["clean"], x, work) for x in mono.values()))
               if clean is not None else
               "No clean reference, so no SI-SDR, PESQ or STOI: add noise here to see them.")
    report += "\n\n" + _listening_table(*mono.values(), work)
    noisy_player, denoised_player, removed_player = players([
        (wave, work, "noisy.wav"), (out, work, "denoised.wav"), (wave - out, work,
                                                                 "removed.wav")])
    folder = Path(noisy_player).parent
    # each side alone at the app's loudness, so the louder cannot sound the better
    ab = ABPair((AB[0], player(wave, work, f"{AB[0]}.wav", folder)),
                (AB[1], player(out, work, f"{AB[1]}.wav", folder)))
    SPEED[key] = (time.perf_counter() - start) / duration
    picture = Picture(figure, [("noisy", noisy_player), ("denoised", denoised_player),
                               ("removed", removed_player)], time_axes=list(range(len(waves))))
    return noisy_player, denoised_player, picture, report, removed_player, ab


def build_denoise_tab() -> dict:
    """Add the Denoise tab to the current `gr.Blocks`; its controls by name."""
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
                model = gr.Radio(list(CHOICES), value=LABELS[systems.DEFAULT], label="Model")
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
                with gr.Row():
                    removed_out = gr.Audio(label="What the model removed (noisy - denoised)",
                                           interactive=False, elem_id="removed-player")
                    with gr.Column():
                        gr.Markdown("**A/B at equal loudness**: both play in step; the switch "
                                    "changes which you hear, at the same moment.")
                        ab_out = ABPlayer(label="A/B player", elem_id="ab-player")
                report = gr.Markdown(label="Report", show_label=False)
                gr.Markdown(LOUDNESS_NOTE + " The A/B player is the exception: each side alone "
                            "at that loudness, so the louder cannot sound the better.",
                            elem_classes="limits")
                figure = SoundPicture(label="Spectrograms (shared colour scale)",
                                      elem_id="denoise-picture")
        outputs = [noisy_out, clean_out, figure, report, removed_out, ab_out]
        denoising = go.click(denoise, inputs=[audio, noise, snr, model, recon, strength, seed],
                             outputs=outputs, api_name="denoise", concurrency_id="torch")
        cleared_on_error(denoising, outputs)
        return {"audio": audio, "noise": noise, "snr": snr, "model": model, "recon": recon}
