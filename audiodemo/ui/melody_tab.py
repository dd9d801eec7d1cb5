"""The Melody tab: an LSTM continues a seed bar; see the score, hear it, download it.

One event in the API, `/generate`: scores (verovio SVG), the first variation's audio, MIDI and
MusicXML files of every variation, the symbols, and each melody's statistics (notes in key,
ending on the tonic, range, bar repetition, the longest stretch copied from a training song).
Seeds come from held-out songs (bundled in `assets/melody_corpus.npz`) or are typed.
"""

from __future__ import annotations

import time

import gradio as gr
import numpy as np

from audiodemo.melody import shipped
from audiodemo.melody.corpus import Song
from audiodemo.melody.generate import CANDIDATES, KEYS, MAX_BARS, check_temperature
from audiodemo.melody.render import SAMPLE_RATE, musicxml, score_svg, synthesize, to_stream
from audiodemo.melody.symbols import parse_seed
from audiodemo.ui.common import cleared_on_error, user_errors
from audiodemo.ui.outputs import LOUDNESS_NOTE, output_dir, player

TYPED = "(type a seed below)"
MAX_VARIATIONS = 4
GAP_SECONDS = 1.0  # of silence between variations in the one player

INTRO = """
An **LSTM** reads a melody one sixteenth note at a time (a pitch where a note starts, `_` while
it lasts, `r` for a rest) and predicts the next symbol. Give it a **seed** (the opening bar of
a folk song it never saw in training, or your own notes, e.g. `60 _ 62 _ E4 _ r _`), and it
continues, drawing each symbol at random from its prediction. A **temperature** below one
sharpens that prediction, above one flattens it. The model works in C major and A minor; the result
is moved to the key you pick. Cut off after so many bars, a melody mostly stops mid-phrase;
with **End in the last bar** the model drafts several continuations at once and keeps one in
proportion to the chance it gives a song ending in that bar, so the cadence is the model's
own, not a rule; drafts that copy more than two bars of a training song can be set aside.
The statistics say whether it stays in key, ends on the tonic,
repeats bars as folk songs do, or copies a training song.
"""


def _seed_song(seed_name: str, typed: str, minor: bool) -> Song:
    if seed_name == TYPED or not seed_name:
        symbols = parse_seed(typed)
        return Song("typed", symbols, "4/4", "A minor" if minor else "C major")
    return shipped.held_out_seed(seed_name)


def _typed_chosen(text: str):
    """The seed list's value once the user types a seed: TYPED, unless the box is empty."""
    return TYPED if (text or "").strip() else gr.skip()


@user_errors
def preview(seed_name: str, typed: str = "", minor: bool = False) -> str:
    """The seed alone as a small score."""
    if seed_name == TYPED and not (typed or "").strip():
        return "<p>Type a seed below, then Generate.</p>"
    song = _seed_song(seed_name, typed, minor)
    return score_svg(musicxml(to_stream(song.symbols, song.time_signature, 100,
                                        pickup=song.pickup)), width=900)


def _whole(value, name: str, lo: int, hi: int) -> int:
    if value is None or value != int(value) or not lo <= value <= hi:
        raise ValueError(f"{name} must be a whole number from {lo} to {hi}, got {value}.")
    return int(value)


@user_errors
def generate(seed_name, typed, minor, temperature, bars, key, tempo, variations, random_seed,
             end_in_last_bar=True, avoid_copies=True, progress=gr.Progress()):
    """Scores, audio, files, symbols and statistics of `variations` continuations of a seed."""
    song = _seed_song(seed_name, typed or "", bool(minor))
    temperature = check_temperature(temperature)
    bars = _whole(bars, "Bars", 1, MAX_BARS)
    variations = _whole(variations, "Variations", 1, MAX_VARIATIONS)
    random_seed = _whole(0 if random_seed is None else random_seed, "The random seed", 0,
                         2**31 - 1)
    if key not in KEYS:
        raise ValueError(f"Key must be one of {KEYS}, got {key!r}.")
    if not 30 <= float(tempo) <= 240:
        raise ValueError(f"Tempo must be 30 to 240 crotchets a minute, got {tempo}.")
    is_minor = "minor" in song.key
    folder = output_dir()
    scores, files, texts, rows, waves, synth = [], [], [], [], [], ""
    start = time.perf_counter()

    def report(k: int) -> None:
        left = f", about {(time.perf_counter() - start) / k * (variations - k):.0f} s left" \
            if k else ""  # measured on the variations written so far
        progress(k / variations, desc=f"variation {k + 1} of {variations}{left}")

    written = shipped.write_variations(song, variations, bars, temperature, key, tempo,
                                       random_seed, folder, bool(end_in_last_bar),
                                       bool(avoid_copies), before=report)
    for k, w in enumerate(written):
        symbols, stats = w.variation.symbols, w.statistics
        scores.append(f"<h4>Variation {k + 1}</h4>" + score_svg(w.xml))
        files += [str(w.midi), str(w.musicxml)]
        texts.append(f"{k + 1}: " + " ".join(symbols))
        rows.append(f"| {k + 1} | {stats['notes']} | {100 * stats['in_key']:.0f} % | "
                    f"{'yes' if stats['ends_on_tonic'] else 'no'} | {stats['range']} | "
                    f"{stats['bar_repetition']:.2f} | {stats['longest_copy_bars']:.1f} |"
                    + f" {_ending(w.variation.melody, bool(end_in_last_bar))} |")
        wave, synth = synthesize(symbols, tempo)
        waves += [wave, np.zeros(int(GAP_SECONDS * SAMPLE_RATE), wave.dtype)]
    # every variation in one player, in order, GAP_SECONDS apart
    name = "melody-1.wav" if variations == 1 else f"melody-1-to-{variations}.wav"
    audio = player(np.concatenate(waves[:-1]), SAMPLE_RATE, name, folder)
    heard = ("variation 1" if variations == 1 else
             f"the {variations} variations one after another, {GAP_SECONDS:g} s apart")
    seconds = time.perf_counter() - start
    table = "\n".join([
        "| variation | notes | in key | ends on tonic | range (semitones) | bar repetition | "
        "longest copy (bars) | ending |", "|---|---|---|---|---|---|---|---|", *rows])
    report = (f"{variations} × {bars} bars after the seed *{song.name}* "
              f"({song.time_signature}, {key} {'minor' if is_minor else 'major'}) in "
              f"{seconds:.2f} s. The player has {heard}, by {synth}.\n\n{table}")
    return "".join(scores), audio, files, "\n".join(texts), report


def _ending(melody, end_in_last_bar: bool) -> str:
    if end_in_last_bar:
        return "where the model ends a song" if melody.ended else "cut at the length"
    return "ended early by the model" if melody.ended else "cut at the length"


def build_melody_tab() -> None:
    """Add the Melody tab to the current `gr.Blocks`."""
    with gr.Tab("Melody", id="melody"):
        gr.Markdown(INTRO)
        names = [s.name for s in shipped.get_bundle().seeds]
        with gr.Row():
            with gr.Column(scale=1, min_width=320):
                seed = gr.Dropdown([*names, TYPED], value=names[0],
                                   label="Seed: the opening of a held-out song")
                seed_score = gr.HTML(preview(names[0]), elem_id="seed-score")
                typed = gr.Textbox("", label="Or type a seed (MIDI numbers or note names, _ "
                                   "holds, r rests)", placeholder="60 _ 62 _ E4 _ r _")
                minor = gr.Checkbox(False, label="The typed seed is in A minor")
                temperature = gr.Slider(0.1, 2.0, value=1.0, step=0.05, label="Temperature")
                bars = gr.Slider(1, 32, value=8, step=1, label="Bars to add")
                key = gr.Dropdown(list(KEYS), value="C", label="Key")
                tempo = gr.Slider(40, 200, value=100, step=5, label="Tempo (crotchets/min)")
                variations = gr.Slider(1, MAX_VARIATIONS, value=1, step=1, label="Variations")
                random_seed = gr.Number(0, precision=0, label="Random seed")
                ending = gr.Checkbox(True, label=f"End in the last bar (the model drafts "
                                     f"{CANDIDATES} continuations and keeps one where a "
                                     f"song of its own would end)")
                avoid_copies = gr.Checkbox(True, label="…and set aside drafts that copy more "
                                           "than two bars of a training song")
                go = gr.Button("Generate", variant="primary")
            with gr.Column(scale=2):
                scores = gr.HTML(elem_id="melody-score", label="Scores", show_label=False)
                audio = gr.Audio(label="Listen", interactive=False, elem_id="melody-audio")
                report = gr.Markdown(elem_id="melody-report", label="Statistics",
                                     show_label=False)
                gr.Markdown(LOUDNESS_NOTE, elem_classes="limits")
                files = gr.File(label="MIDI and MusicXML", file_count="multiple",
                                elem_id="melody-files")
                symbols = gr.Textbox(label="Symbols", lines=3)
        seed.change(preview, inputs=[seed, typed, minor], outputs=[seed_score],
                    api_visibility="private")
        # typing a seed is choosing it: the list turns to TYPED (and so redraws the preview)
        typed.input(_typed_chosen, inputs=[typed], outputs=[seed], api_visibility="private",
                    queue=False)
        outputs = [scores, audio, files, symbols, report]
        generating = go.click(generate,
                              inputs=[seed, typed, minor, temperature, bars, key, tempo,
                                      variations, random_seed, ending, avoid_copies],
                              outputs=outputs, api_name="generate", concurrency_id="torch")
        cleared_on_error(generating, outputs)
