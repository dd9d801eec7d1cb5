"""The Spectrogram tab: any sound under the user's STFT choices, and what phase is.

Two events, both in the API: `/spectrogram` draws the waveform, the spectrogram (static and
interactive) and the resolution; `/phase` rebuilds the sound from its magnitude alone with
Griffin-Lim and plots how the magnitude error falls per iteration. The rebuild reports its
progress, can be stopped, stops when its page goes away (a generator: Gradio stops asking it
for the next step), and takes no more of a sound than `limits.griffin_lim_seconds` allows.
"""

from __future__ import annotations

import dataclasses
import functools
import time

import gradio as gr
import numpy as np

from audiodemo import limits
from audiodemo.phase import METHODS, griffin_lim_each_method
from audiodemo.pitch import PITCH_SECONDS, harmonic_series, note_name, pitch_track
from audiodemo.plots.interactive import spectrogram_plotly
from audiodemo.plots.signal import Overlay, convergence_figure, spectrograms_figure, waveform_figure
from audiodemo.spectrogram import WINDOWS, SpectrogramConfig
from audiodemo.ui.common import cleared_on_error, example, limits_note, sound_in, user_errors
from audiodemo.ui.live_view import build_live_view, settings_json
from audiodemo.ui.outputs import LOUDNESS_NOTE, players
from audiodemo.ui.region import WHOLE, excerpt, picked
from audiodemo.ui.sound_picture import Picture, SoundPicture
from audiodemo.view import CMAPS, SCALE_USES, SCALES, resolution_text, spectrogram_view
from audiodemo.view import FRAME_SIZES as FRAME_SAMPLES

# strings, as the API documents a dropdown's choices (its example code sends n_fft="512")
FRAME_SIZES = [str(n) for n in FRAME_SAMPLES]
REPORT_EVERY = 0.5  # seconds of work between progress reports (and chances to stop)
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

LIVE_INTRO = """
### Live: sing, whistle or play, and watch
The same picture, drawn as the sound arrives, under the frame, hop, window, scale and
colours chosen above: your browser cuts the microphone's sound into frames and draws one
column per hop, and names the note it hears. Hum a steady note and watch its harmonics
stack up; whistle a glide; then change the frame size and see the lines sharpen or blur.
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
    if str(n_fft) not in FRAME_SIZES:
        raise ValueError(f"The frame size must be one of {', '.join(FRAME_SIZES)}, got {n_fft!r}.")
    return SpectrogramConfig(
        sample_rate=sample_rate, n_fft=int(n_fft), hop_length=int(hop_length), window=window
    )


def fit_hop(n_fft, hop_length):
    """The hop slider for a frame size: up to the frame, its value kept where it fits, else
    half the frame (the most the phase panel can rebuild from)."""
    n = int(n_fft)
    hop = int(hop_length) if int(hop_length) <= n else n // 2
    return gr.Slider(minimum=16, maximum=n, value=hop, step=16)


NO_COMPARE = "none"
# the longest stretch the page froze while Plotly drew, measured (benchmarks/hover_view.py):
# why the view is drawn only on request
HOVER_INFO = ("Drawn by Plotly, which holds the page still while it draws: up to 4.6 s the "
              "first time and 1.2 s a redraw in a test browser on two cores.")


def _view(wave, cfg, scale, in_db, db_range, offset):
    return shifted(spectrogram_view(wave, cfg, scale, bool(in_db), float(db_range)), offset)


def _drawn(audio, n_fft, hop_length, window, scale, in_db, db_range, region):
    """What both handlers draw from: the whole sound, its rate, the cut note (or ""), the
    region's wave and offset, its config and view."""
    whole, sr, cut = sound_in(audio, None, limits.SPECTROGRAM_SECONDS)
    wave, offset = excerpt(whole, sr, region)
    cfg = _config(sr, n_fft, hop_length, window)
    return whole, sr, cut, wave, offset, cfg, _view(wave, cfg, scale, in_db, db_range, offset)


@user_errors
def hover_view(audio, n_fft, hop_length, window, scale, in_db, db_range, cmap, region, on):
    """The Plotly hover view of `analyse`'s spectrogram, shown with `on`, hidden without:
    the box is ticked or unticked without drawing the rest again."""
    if not on or audio is None:
        return gr.Plot(None, visible=bool(on))
    view = _drawn(audio, n_fft, hop_length, window, scale, in_db, db_range, region)[-1]
    return gr.Plot(spectrogram_plotly(view, cmap), visible=True)


@user_errors
def analyse(audio, n_fft, hop_length, window, scale, in_db, db_range, cmap, pitch=False,
            harmonics_hz=0, compare=NO_COMPARE, region=WHOLE, hover=False):
    """Waveform, spectrogram (with a second frame size beside it if `compare` names one,
    the pYIN pitch track and note names with `pitch`, the harmonics of `harmonics_hz`),
    the Plotly hover view with `hover` (None without), and a text: resolution, when to use
    the scale, the pitch. Both pictures play the sound with a playhead; `region`
    ("1.2-2.5" s) draws that stretch."""
    if audio is None:
        return None, None, None, "Upload, record or pick a sound."
    whole, sr, cut, wave, offset, cfg, view = _drawn(audio, n_fft, hop_length, window, scale,
                                                     in_db, db_range, region)
    harmonics_hz = float(harmonics_hz or 0)
    if harmonics_hz < 0 or not np.isfinite(harmonics_hz):
        raise ValueError(f"Harmonics need a frequency above 0 Hz (0: none), got {harmonics_hz}")
    track = shifted(pitch_track(wave, sr), offset) if pitch else None
    overlay = Overlay(track, harmonic_series(harmonics_hz, sr / 2) if harmonics_hz else None,
                      notes=bool(pitch))
    views = [(f"frame {cfg.n_fft} ({1000 * cfg.n_fft / sr:.0f} ms), {scale}", view)]
    if compare not in (None, "", NO_COMPARE):
        other = _config(sr, compare, min(int(hop_length), int(compare)), window)
        views.append((f"frame {other.n_fft} ({1000 * other.n_fft / sr:.0f} ms), {scale}",
                      _view(wave, other, scale, in_db, db_range, offset)))
    text = [resolution_text(cfg), f"*{SCALE_USES[scale]}*"]
    if track is not None:
        text.append(track.summary())
    if harmonics_hz:
        text.append(f"Dashed: the harmonic series of {harmonics_hz:g} Hz "
                    f"({note_name(harmonics_hz)}): {harmonics_hz:g} Hz times 1, 2, 3, ...")
    if offset or len(wave) < len(whole):
        text.append(f"Zoomed in on {offset:.2f}-{offset + len(wave) / sr:.2f} s of "
                    f"{len(whole) / sr:.2f} s (\"Whole sound\" shows it all again).")
    if cut:
        text.append(cut)
    sound = [("Play", str(audio))]
    return (
        Picture(waveform_figure(wave, sr, offset=offset), sound),
        Picture(spectrograms_figure(views, cmap, overlay), sound),
        spectrogram_plotly(view, cmap) if hover else None,
        "\n\n".join(text),
    )


def shifted(drawn, offset: float):
    """A view or pitch track of an excerpt, its `times` at their place in the whole sound."""
    return dataclasses.replace(drawn, times=drawn.times + offset) if offset else drawn


@user_errors
def rebuild(audio, n_fft, hop_length, window, n_iter, method, progress=gr.Progress()):
    """Original and Griffin-Lim players, convergence plot and a summary for a sound file.

    A generator: it yields a progress line every `REPORT_EVERY` seconds (so the page can stop
    it, and a closed page stops it), then the result."""
    if audio is None:
        raise ValueError("Pick or upload a sound first.")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    n_iter = int(n_iter)
    full, sr, cut = sound_in(audio, None, limits.PHASE_SECONDS)
    cfg = _config(sr, n_fft, hop_length, window)
    cfg.check_invertible()
    wave = full[: limits.griffin_lim_excerpt(cfg, n_iter, len(full), len(METHODS))]
    started, reported = time.perf_counter(), 0.0
    total = max(1, n_iter * len(METHODS))
    for step in griffin_lim_each_method(wave, cfg, n_iter):
        elapsed = time.perf_counter() - started
        if elapsed - reported >= REPORT_EVERY and 0 < step.done < total:
            reported = elapsed
            left = elapsed / step.done * (total - step.done)
            text = f"{step.method} Griffin-Lim: iteration {step.iteration} of {n_iter}, " \
                   f"about {left:.0f} s left"
            progress(step.done / total, desc=text)
            yield gr.skip(), gr.skip(), gr.skip(), text
    results = step.results
    chosen = results[method]
    summary = (
        f"{method.capitalize()} Griffin-Lim, {n_iter} iterations from random phase: "
        f"spectral convergence {chosen.convergence[-1]:.3f} (0 = the rebuilt sound has exactly "
        f"the original magnitude). The waveform still differs from the original: many phases "
        f"fit one magnitude, and the ear hears the difference as roughness or echo."
    )
    if len(wave) < len(full):
        summary += (f" Only the first {len(wave) / sr:.3g} s are rebuilt: more would take "
                    f"more than ~10 s at {n_iter} iterations on this frame and hop.")
    elif cut:
        summary += f" {cut}"
    original, rebuilt = players([(wave, sr, "original.wav"),
                                 (chosen.wave.numpy(), sr, "rebuilt.wav")])
    curves = {m: r.convergence for m, r in results.items()}
    yield original, rebuilt, convergence_figure(curves, highlight=method), summary


def build_spectrogram_tab() -> dict:
    """Add the Spectrogram tab to the current `gr.Blocks`; its controls by name."""
    with gr.Tab("Spectrogram", id="spectrogram"):
        gr.Markdown(INTRO)
        with gr.Row():
            with gr.Column(scale=1, min_width=300):
                audio = gr.Audio(
                    sources=["upload", "microphone"], type="filepath", label="Sound"
                )
                gr.Markdown(limits_note(limits.SPECTROGRAM_SECONDS, limits.UPLOAD_MB),
                            elem_classes="limits")
                gr.Examples([[example(name)] for name in EXAMPLES], inputs=[audio],
                            api_visibility="private")  # loading an example is no API
                n_fft = gr.Dropdown(FRAME_SIZES, value="512", label="Frame size (n_fft, samples)")
                # the API takes any hop up to the largest frame (`analyse` checks it against
                # the frame); the page's slider is fitted to the chosen frame, from its load on
                hop = gr.Slider(16, int(FRAME_SIZES[-1]), value=256, step=16,
                                label="Hop length (samples)",
                                info="At most the frame size; the phase panel needs at most half.")
                window = gr.Radio(list(WINDOWS), value="hann", label="Window")
                scale = gr.Radio(list(SCALES), value="linear", label="Frequency scale")
                in_db = gr.Checkbox(value=True, label="Level in dB")
                db_range = gr.Slider(20, 120, value=80, step=5, label="dB range shown")
                cmap = gr.Dropdown(list(CMAPS), value="magma", label="Colour map")
                pitch = gr.Checkbox(False, label="Pitch track (pYIN) and note names",
                                    info=f"The first {PITCH_SECONDS:g} s; a few seconds' work.")
                harmonics = gr.Number(0, label="Harmonic series of (Hz; 0: none)",
                                      info="e.g. 261.6 for middle C: where its overtones lie.")
                compare = gr.Dropdown([NO_COMPARE, *FRAME_SIZES], value=NO_COMPARE,
                                      label="Beside it, the same sound with frame size",
                                      info="The time-frequency trade-off, seen at once.")
            with gr.Column(scale=2):
                wave_plot = SoundPicture(label="Waveform", elem_id="spectrogram-wave")
                spec_plot = SoundPicture(label="Spectrogram", zoom=True, harmonics=True,
                                         elem_id="spectrogram-picture")
                region = gr.Textbox(WHOLE, visible=False, label="Region shown (s)")
                resolution = gr.Markdown(label="Resolution", show_label=False)
                hover = gr.Checkbox(False, label="Hover view: time, Hz and level under the pointer",
                                    info=HOVER_INFO)
                hover_plot = gr.Plot(label="Hover view", visible=False)
        inputs = [audio, n_fft, hop, window, scale, in_db, db_range, cmap, pitch, harmonics,
                  compare, region, hover]
        draw = dict(fn=analyse, inputs=inputs,
                    outputs=[wave_plot, spec_plot, hover_plot, resolution],
                    concurrency_id="torch")  # one pool of workers for every heavy event
        # the hop slider reacts to a person (`input`), not to `fit_hop` setting it: a new
        # frame size first fits the hop, then draws once
        drawn = gr.on([c.change for c in inputs if c not in (n_fft, hop, hover)] + [hop.input],
                      **draw, api_name="spectrogram", trigger_mode="always_last")
        redrawn = n_fft.change(fit_hop, inputs=[n_fft, hop], outputs=[hop], queue=False,
                               api_visibility="private").then(**draw, api_visibility="private")
        for event in (drawn, redrawn):
            cleared_on_error(event, draw["outputs"])
        for picture in (wave_plot, spec_plot):  # a stretch to zoom in on, a frequency's series
            picture.select(picked, outputs=[region, harmonics], queue=False,
                           api_visibility="private")
        audio.change(lambda: WHOLE, outputs=[region], queue=False, api_visibility="private")
        hover.change(hover_view, inputs=[audio, n_fft, hop, window, scale, in_db, db_range, cmap,
                                         region, hover],
                     outputs=[hover_plot], concurrency_id="torch", api_visibility="private")
        # no triggers and no inputs: on each page load, fit the slider to the default frame
        gr.on(None, functools.partial(fit_hop, n_fft.value, hop.value), inputs=[], outputs=[hop],
              queue=False, api_visibility="private")
        gr.Markdown(LIVE_INTRO)
        shown = [audio, n_fft, hop, window, scale, in_db, db_range, cmap]
        live = build_live_view(settings_json(*[c.value for c in shown]))
        gr.on([c.change for c in shown], settings_json, inputs=shown, outputs=[live],
              queue=False, api_visibility="private", trigger_mode="always_last")
        gr.Markdown(PHASE_INTRO)
        gr.Markdown(f"Griffin-Lim rebuilds at most {limits.PHASE_SECONDS:g} s, less where "
                    f"many iterations on a short hop would take more than ~10 s. "
                    f"{LOUDNESS_NOTE}", elem_classes="limits")
        with gr.Row():
            n_iter = gr.Slider(0, 200, value=32, step=1, label="Griffin-Lim iterations")
            method = gr.Radio(list(METHODS), value="fast", label="Method")
            go = gr.Button("Rebuild from magnitude", variant="primary")
            stop = gr.Button("Stop rebuilding", variant="stop", scale=0, min_width=160)
        with gr.Row():
            original = gr.Audio(label="Original", interactive=False)
            rebuilt = gr.Audio(label="Rebuilt from magnitude only", interactive=False)
        with gr.Row():
            curve = gr.Plot(label="Spectral convergence")
            summary = gr.Markdown(label="Summary", show_label=False)
        rebuilding = go.click(
            rebuild,
            inputs=[audio, n_fft, hop, window, n_iter, method],
            outputs=[original, rebuilt, curve, summary],
            api_name="phase",
            concurrency_id="torch",
        )
        cleared_on_error(rebuilding, [original, rebuilt, curve, summary])
        stop.click(None, cancels=[rebuilding], api_visibility="private")
        return {"audio": audio, "n_fft": n_fft, "hop": hop, "window": window, "scale": scale,
                "pitch": pitch, "harmonics": harmonics, "compare": compare, "n_iter": n_iter,
                "method": method, "live": live}
