"""The Spectrogram tab: any sound under the user's STFT choices, and what phase is.

Two events, both in the API: `/spectrogram` draws the waveform, the spectrogram (static and
interactive) and the resolution; `/phase` rebuilds the sound from its magnitude alone with
Griffin-Lim and plots how the magnitude error falls per iteration.
"""

from __future__ import annotations

import gradio as gr
import torch

from audiodemo.audio import load_audio
from audiodemo.interactive import spectrogram_plotly
from audiodemo.phase import METHODS, griffin_lim
from audiodemo.plots import convergence_figure, spectrogram_figure, waveform_figure
from audiodemo.spectrogram import WINDOWS, SpectrogramConfig, stft
from audiodemo.ui.common import example, user_errors
from audiodemo.ui.outputs import player
from audiodemo.view import SCALES, resolution_text, spectrogram_view

FRAME_SIZES = [128, 256, 512, 1024, 2048, 4096]
CMAPS = ["magma", "viridis", "inferno", "gray_r", "coolwarm"]
PHASE_MAX_SECONDS = 10.0
EXAMPLES = ["piano_middle_c.wav", "digit_7_jackson.wav", "digit_7_jackson_noisy.wav", "chirp.wav"]

INTRO = """
A **spectrogram** cuts a sound into short overlapping frames, weights each by a window and
takes its Fourier transform: time runs left to right, frequency bottom to top, colour is
loudness. Pick an example (a piano's middle C shows its harmonics as stacked lines; the noisy
digit shows white noise as a flat haze), or upload or record your own.
Then change the **frame size**: long frames resolve pitch but smear onsets, short ones the
reverse. Try the **rectangular** window of the paper's eq. 9 on the chirp and watch energy
leak across frequencies.
"""

PHASE_INTRO = """
### Phase: what the picture leaves out
The spectrogram keeps each cell's *magnitude* and drops its *phase* (where in its cycle each
frequency is). The autoencoders of the other tabs see only magnitudes, so to make sound again
a phase must be found. **Griffin-Lim** starts from random phase and alternates between
"a signal" and "this magnitude" until the two agree; the **fast** variant (Perraudin et al.
2013) adds momentum. Listen at 0 iterations (pure random phase: a rough whisper), then 10,
then 100, and compare with the original.
"""


def _config(sample_rate: int, n_fft, hop_length, window: str) -> SpectrogramConfig:
    return SpectrogramConfig(
        sample_rate=sample_rate, n_fft=int(n_fft), hop_length=int(hop_length), window=window
    )


@user_errors
def analyse(audio, n_fft, hop_length, window, scale, in_db, db_range, cmap):
    """Waveform, spectrogram, interactive spectrogram and resolution text of a sound file."""
    if audio is None:
        return None, None, None, "Upload, record or pick a sound."
    wave, sr = load_audio(audio)
    cfg = _config(sr, n_fft, hop_length, window)
    view = spectrogram_view(wave, cfg, scale, bool(in_db), float(db_range))
    return (
        waveform_figure(wave, sr),
        spectrogram_figure(view, cmap),
        spectrogram_plotly(view, cmap),
        resolution_text(cfg),
    )


@user_errors
def rebuild(audio, n_fft, hop_length, window, n_iter, method):
    """Original and Griffin-Lim players, convergence plot and a summary for a sound file."""
    if audio is None:
        raise ValueError("Pick or upload a sound first.")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    full, sr = load_audio(audio)
    wave = full[: int(PHASE_MAX_SECONDS * sr)]
    cfg = _config(sr, n_fft, hop_length, window)
    mag = stft(torch.from_numpy(wave), cfg).abs()
    results = {
        m: griffin_lim(mag, cfg, int(n_iter), m, length=len(wave),
                       generator=torch.Generator().manual_seed(0))
        for m in METHODS
    }
    chosen = results[method]
    final = chosen.convergence[-1]
    summary = (
        f"{method.capitalize()} Griffin-Lim, {int(n_iter)} iterations from random phase: "
        f"spectral convergence {final:.3f} (0 = the rebuilt sound has exactly the original "
        f"magnitude). The waveform still differs from the original: many phases fit one "
        f"magnitude, and the ear hears the difference as roughness or echo."
    )
    if len(wave) < len(full):
        summary += f" Only the first {PHASE_MAX_SECONDS:g} s are rebuilt."
    curves = {m: r.convergence for m, r in results.items()}
    return (
        player(wave, sr, "original.wav"),
        player(chosen.wave.numpy(), sr, "rebuilt.wav"),
        convergence_figure(curves, highlight=method),
        summary,
    )


def build_spectrogram_tab() -> None:
    """Add the Spectrogram tab to the current `gr.Blocks`."""
    with gr.Tab("Spectrogram", id="spectrogram"):
        gr.Markdown(INTRO)
        with gr.Row():
            with gr.Column(scale=1, min_width=300):
                audio = gr.Audio(
                    sources=["upload", "microphone"], type="filepath", label="Sound"
                )
                gr.Examples([[example(name)] for name in EXAMPLES], inputs=[audio],
                            api_visibility="private")  # loading an example is no API
                n_fft = gr.Dropdown(FRAME_SIZES, value=512, label="Frame size (n_fft, samples)")
                hop = gr.Slider(16, 2048, value=256, step=16, label="Hop length (samples)")
                window = gr.Radio(list(WINDOWS), value="hann", label="Window")
                scale = gr.Radio(list(SCALES), value="linear", label="Frequency scale")
                in_db = gr.Checkbox(value=True, label="Level in dB")
                db_range = gr.Slider(20, 120, value=80, step=5, label="dB range shown")
                cmap = gr.Dropdown(CMAPS, value="magma", label="Colour map")
            with gr.Column(scale=2):
                wave_plot = gr.Plot(label="Waveform")
                spec_plot = gr.Plot(label="Spectrogram")
                resolution = gr.Markdown()
                live_plot = gr.Plot(label="Interactive spectrogram")
        controls = [audio, n_fft, hop, window, scale, in_db, db_range]
        gr.on(
            [c.change for c in [*controls, cmap]],
            analyse,
            inputs=[*controls, cmap],
            outputs=[wave_plot, spec_plot, live_plot, resolution],
            api_name="spectrogram",
            trigger_mode="always_last",
            concurrency_id="torch",  # one pool of workers for every heavy event
        )
        gr.Markdown(PHASE_INTRO)
        with gr.Row():
            n_iter = gr.Slider(0, 200, value=32, step=1, label="Griffin-Lim iterations")
            method = gr.Radio(list(METHODS), value="fast", label="Method")
            go = gr.Button("Rebuild from magnitude", variant="primary")
        with gr.Row():
            original = gr.Audio(label="Original", interactive=False)
            rebuilt = gr.Audio(label="Rebuilt from magnitude only", interactive=False)
        with gr.Row():
            curve = gr.Plot(label="Spectral convergence")
            summary = gr.Markdown()
        go.click(
            rebuild,
            inputs=[audio, n_fft, hop, window, n_iter, method],
            outputs=[original, rebuilt, curve, summary],
            api_name="phase",
            concurrency_id="torch",
        )
