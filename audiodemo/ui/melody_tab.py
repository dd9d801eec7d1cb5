"""The Melody tab: a model continues a seed bar; see the score, its form, hear it, download it.

One event in the API, `/generate`: scores (verovio SVG), every variation's audio in one
player, MIDI and MusicXML files of every variation, the symbols, each melody's statistics
(notes in key, ending on the tonic, range, bar repetition and near-repetition, the longest
stretch copied from a training song), the form pictures (`audiodemo.melody.form`) and the
chances of the next symbol at a step of the first variation. Three models
(`audiodemo.melody.shipped.MODELS`); seeds come from held-out songs (bundled in
`assets/melody_corpus.npz`) or are typed in any key, which is detected or given.
"""

from __future__ import annotations

import re
import time

import gradio as gr
import numpy as np
import torch

from audiodemo import limits
from audiodemo.melody import shipped
from audiodemo.melody.corpus import SUFFIXES
from audiodemo.melody.generate import (
    CANDIDATES,
    KEYS,
    MAX_BARS,
    check_temperature,
    key_name,
    shift_symbols,
)
from audiodemo.melody.keys import KEY_NAMES, shift_to
from audiodemo.melody.pictures import chances_picture, form_picture, roll_picture
from audiodemo.melody.render import SAMPLE_RATE, musicxml, score_svg, synthesize, to_stream
from audiodemo.melody.report import statistics_table
from audiodemo.melody.seeds import Seed, bundled_seed, file_seed, typed_seed
from audiodemo.ui.common import cleared_on_error, user_errors
from audiodemo.ui.outputs import LOUDNESS_NOTE, output_dir, player
from audiodemo.ui.sound_picture import Picture, SoundPicture

TYPED = "(type a seed below)"
UPLOADED = "(the song file dropped below)"
DETECT = "detect it"
AS_SEED = "the seed's own"
MAX_VARIATIONS = 4
GAP_SECONDS = 1.0  # of silence between variations in the one player
REPEATS_LABEL = ("Repeat bars as songs do: at each bar line, a small head fitted to the "
                 "model chooses a new bar or a copy of one of the 16 before it")

INTRO = """
A melody model reads a melody one sixteenth note at a time (a pitch where a note starts, `_`
while it lasts, `r` for a rest) and predicts the next symbol. Give it a **seed** (the opening
bar of a folk song it never saw in training, or your own notes, e.g. `60 _ 62 _ E4 _ r _`, in
any key), and it continues, drawing each symbol at random from its prediction. A
**temperature** below one sharpens that prediction, above one flattens it: the bars under
the statistics show both at any step. The models work in C major and A minor; a typed seed
is moved there from its key (detected, or as you name it), and the result to the key you
pick. Cut off after so many bars, a melody mostly stops mid-phrase; with **End in the last
bar** the model drafts several continuations at once and keeps one in proportion to the
chance it gives a song ending in that bar, so the cadence is the model's own, not a rule;
drafts that copy more than two bars of a training song can be set aside. The statistics say
whether it stays in key, ends on the tonic, repeats bars as folk songs do, or copies a
training song; the **form** pictures show which bars repeat which, beside the seed's own
song, and for the transformer which earlier bars it looked at while writing each bar. Left
alone, each model almost never repeats a whole bar (every symbol of it drawn in a row must
agree), while a fifth of a folk song's bars repeat an earlier one: **Repeat bars** makes
that choice once per bar, and the models' held-out scores improve with it.
"""


def _seed(seed_name: str, typed: str, typed_key: str | None, upload: str | None = None) -> Seed:
    key = None if typed_key in (None, "", DETECT) else typed_key
    if seed_name == UPLOADED:
        if not upload:
            raise ValueError("Drop a song file first (MIDI, MusicXML, ABC or **kern).")
        return file_seed(upload, key)
    if seed_name == TYPED or not seed_name:
        return typed_seed(typed, key)
    return bundled_seed(seed_name)


def _typed_chosen(text: str):
    """The seed list's value once the user types a seed: TYPED, unless the box is empty."""
    return TYPED if (text or "").strip() else gr.skip()


def _uploaded(path: str | None):
    """The seed list's value once the user drops a file: UPLOADED."""
    return UPLOADED if path else gr.skip()


@user_errors
def preview(seed_name: str, typed: str = "", typed_key: str | None = DETECT,
            upload: str | None = None) -> str:
    """The seed alone as a small score, in its own key."""
    if seed_name == TYPED and not (typed or "").strip():
        return "<p>Type a seed below, then Generate.</p>"
    if seed_name == UPLOADED and not upload:
        return "<p>Drop a song file below, then Generate.</p>"
    seed = _seed(seed_name, typed, typed_key, upload)
    song, tonic = seed.song, seed.tonic
    minor = "minor" in song.key
    symbols = shift_symbols(song.symbols, shift_to(tonic, minor))
    return score_svg(musicxml(to_stream(symbols, song.time_signature, 100,
                                        key_name(tonic, minor), pickup=song.pickup)),
                     width=900)


def _whole(value, name: str, lo: int, hi: int) -> int:
    if value is None or value != int(value) or not lo <= value <= hi:
        raise ValueError(f"{name} must be a whole number from {lo} to {hi}, got {value}.")
    return int(value)


@user_errors
def chances(last: dict | None, step):
    """The chances of the next symbol at `step` of the first variation's continuation.
    `last` is what `generate` returned for it (through the API, anything: checked)."""
    if not last:
        return None
    try:
        model, symbols = str(last["model"]), [str(x) for x in last["symbols"]]
        first, pickup = int(last["seed_length"]), int(last["pickup"])
        signature, temperature = str(last["time_signature"]), float(last["temperature"])
        repeats = bool(last.get("repeats", False))
    except (KeyError, TypeError, ValueError):
        raise ValueError("Generate a melody first: its chances are drawn from it.") from None
    shipped.model_named(model)
    check_temperature(temperature)
    if not 0 < first < len(symbols) <= 16 * MAX_BARS + 256 or not 0 <= pickup < 64:
        raise ValueError("That is not a melody this tab wrote: generate one first.")
    if not re.fullmatch(r"[1-9][0-9]?/(1|2|4|8|16)", signature):
        raise ValueError(f"Not a time signature: {signature!r}")
    return chances_picture(model, symbols, first, signature, pickup, temperature, step,
                           repeats)


@user_errors
def generate(seed_name, typed, typed_key, temperature, bars, key, tempo, variations,
             random_seed, end_in_last_bar=True, avoid_copies=True, model=None,
             step=1, upload=None, repeats=True, progress=gr.Progress()):
    """Scores, audio, files, symbols, statistics and form pictures of `variations`
    continuations of a seed by `model` (with its bar-repeat head if `repeats`), and the
    chances at `step` of the first."""
    seed = _seed(seed_name, typed or "", typed_key, upload)
    song, own_tonic, how = seed.song, seed.tonic, seed.how
    model = model or shipped.available()[0]
    shipped.model_named(model)
    temperature = check_temperature(temperature)
    bars = _whole(bars, "Bars", 1, MAX_BARS)
    variations = _whole(variations, "Variations", 1, MAX_VARIATIONS)
    random_seed = _whole(0 if random_seed is None else random_seed, "The random seed", 0,
                         2**31 - 1)
    budget = limits.MELODY_BARS.get(model)
    if budget is not None and bars * variations > budget:
        raise ValueError(f"The {shipped.model_named(model).label} writes at most {budget} "
                         f"bars per request (bars × variations); {variations} × {bars} is "
                         f"{bars * variations}. Ask for fewer, or pick an LSTM.")
    if key not in (AS_SEED, *KEYS):
        raise ValueError(f"Key must be {AS_SEED!r} or one of {KEYS}, got {key!r}.")
    key = own_tonic if key == AS_SEED else key
    if not 30 <= float(tempo) <= 240:
        raise ValueError(f"Tempo must be 30 to 240 crotchets a minute, got {tempo}.")
    is_minor = "minor" in song.key
    folder = output_dir()
    scores, files, texts, rows, waves, melodies, synth = [], [], [], [], [], [], ""
    start = time.perf_counter()

    def report(k: int) -> None:
        left = f", about {(time.perf_counter() - start) / k * (variations - k):.0f} s left" \
            if k else ""  # measured on the variations written so far
        progress(k / variations, desc=f"variation {k + 1} of {variations}{left}")

    with torch.inference_mode():
        written = list(shipped.write_variations(
            song, variations, bars, temperature, key, tempo, random_seed, folder,
            bool(end_in_last_bar), bool(avoid_copies), before=report, model=model,
            repeats=bool(repeats)))
    for k, w in enumerate(written):
        symbols, stats = w.variation.symbols, w.statistics
        scores.append(f"<h4>Variation {k + 1}</h4>" + score_svg(w.xml))
        files += [str(w.midi), str(w.musicxml), str(w.abc)]
        texts.append(f"{k + 1}: " + " ".join(symbols))
        rows.append((w.variation.melody, stats))
        wave, synth = synthesize(symbols, tempo)
        waves += [wave, np.zeros(int(GAP_SECONDS * SAMPLE_RATE), wave.dtype)]
        melodies.append(w.variation.melody)
    # every variation in one player, in order, GAP_SECONDS apart
    name = "melody-1.wav" if variations == 1 else f"melody-1-to-{variations}.wav"
    audio = player(np.concatenate(waves[:-1]), SAMPLE_RATE, name, folder)
    heard = ("variation 1" if variations == 1 else
             f"the {variations} variations one after another, {GAP_SECONDS:g} s apart")
    form = form_picture(model, melodies, song.steps_per_bar, song.pickup, seed.whole)
    roll = Picture(roll_picture(melodies, float(tempo), [len(w) / SAMPLE_RATE for w in waves[::2]],
                                GAP_SECONDS), [("Play", audio)])
    first = melodies[0]
    last = {"model": model, "symbols": first.symbols, "seed_length": len(first.seed),
            "time_signature": song.time_signature, "pickup": song.pickup,
            "temperature": temperature, "repeats": bool(repeats)}
    seconds = time.perf_counter() - start
    table = statistics_table(rows, bool(end_in_last_bar))
    mode = "minor" if is_minor else "major"
    seed_key = (f"; the seed read in {own_tonic} {mode} ({how})" if how != "as the song"
                else "")
    report = (f"{variations} × {bars} bars after the seed *{song.name}* "
              f"({song.time_signature}, {key} {mode}{seed_key}) by the "
              f"{shipped.model_named(model).label}{' with bar repeats' if repeats else ''} "
              f"in {seconds:.2f} s. The player has {heard}, "
              f"by {synth}.\n\n{table}")
    return ("".join(scores), audio, files, "\n".join(texts), report, form, last,
            chances(last, step), roll)


def _models_text() -> str:
    return "\n".join(f"- **{shipped.MODELS[n].label}**: {shipped.MODELS[n].about}."
                     for n in shipped.available())


def build_melody_tab() -> dict:
    """Add the Melody tab to the current `gr.Blocks`; its controls by name."""
    with gr.Tab("Melody", id="melody"):
        gr.Markdown(INTRO)
        names = [s.name for s in shipped.get_bundle().seeds]
        choices = [(shipped.MODELS[n].label, n) for n in shipped.available()]
        with gr.Row():
            with gr.Column(scale=1, min_width=320):
                model = gr.Radio(choices, value=choices[0][1], label="Model",
                                 elem_id="melody-model")
                gr.Markdown(_models_text(), elem_classes="limits")
                seed = gr.Dropdown([*names, TYPED, UPLOADED], value=names[0],
                                   label="Seed: the opening of a held-out song")
                seed_score = gr.HTML(preview(names[0]), elem_id="seed-score")
                typed = gr.Textbox("", label="Or type a seed (MIDI numbers or note names, _ "
                                   "holds, r rests)", placeholder="60 _ 62 _ E4 _ r _")
                upload = gr.File(label="Or drop a song file (MIDI, MusicXML, ABC, **kern): its "
                                 "opening bar is the seed", file_types=list(SUFFIXES),
                                 type="filepath", elem_id="melody-upload")
                typed_key = gr.Dropdown([DETECT, *KEY_NAMES], value=DETECT,
                                        label="The typed or dropped seed's key")
                temperature = gr.Slider(0.1, 2.0, value=1.0, step=0.05, label="Temperature")
                bars = gr.Slider(1, 32, value=8, step=1, label="Bars to add")
                key = gr.Dropdown([AS_SEED, *KEYS], value=AS_SEED,
                                  label="Key of the result (its tonic; the mode is the seed's)")
                tempo = gr.Slider(40, 200, value=100, step=5, label="Tempo (crotchets/min)")
                variations = gr.Slider(1, MAX_VARIATIONS, value=1, step=1, label="Variations")
                random_seed = gr.Number(0, precision=0, label="Random seed")
                ending = gr.Checkbox(True, label=f"End in the last bar (the model drafts "
                                     f"{CANDIDATES} continuations and keeps one where a "
                                     f"song of its own would end)")
                avoid_copies = gr.Checkbox(True, label="…and set aside drafts that copy more "
                                           "than two bars of a training song")
                repeats = gr.Checkbox(True, label=REPEATS_LABEL, elem_id="melody-repeats")
                go = gr.Button("Generate", variant="primary")
            with gr.Column(scale=2):
                scores = gr.HTML(elem_id="melody-score", label="Scores", show_label=False)
                audio = gr.Audio(label="Listen", interactive=False, elem_id="melody-audio")
                roll = SoundPicture(label="Piano roll", show_label=False, elem_id="melody-roll")
                report = gr.Markdown(elem_id="melody-report", label="Statistics",
                                     show_label=False)
                gr.Markdown(LOUDNESS_NOTE, elem_classes="limits")
                gr.Markdown("**Form**: which bars repeat (= the same, ≈ at most two onsets "
                            "apart), beside the seed's own song, and for the transformer which "
                            "earlier bars it attended to while writing each bar.")
                form = gr.Plot(label="Form", show_label=False, elem_id="melody-form")
                step = gr.Slider(1, 16 * MAX_BARS, value=1, step=1,
                                 label="Step of variation 1 to inspect")
                chances_plot = gr.Plot(label="The next symbol's chances", show_label=False,
                                       elem_id="melody-chances")
                files = gr.File(label="MIDI, MusicXML and ABC", file_count="multiple",
                                elem_id="melody-files")
                symbols = gr.Textbox(label="Symbols", lines=3)
        # what the chances picture needs of the last melody (hidden; not a gr.State, which
        # makes every page hold a heartbeat stream)
        last = gr.JSON(label="The last melody, for its chances", visible=False)
        for changed in (seed.change, typed_key.change, upload.change):
            changed(preview, inputs=[seed, typed, typed_key, upload], outputs=[seed_score],
                    api_visibility="private")
        # dropping a file is choosing it, as typing a seed is
        upload.upload(_uploaded, inputs=[upload], outputs=[seed], api_visibility="private",
                      queue=False)
        # typing a seed is choosing it: the list turns to TYPED (and so redraws the preview)
        typed.input(_typed_chosen, inputs=[typed], outputs=[seed], api_visibility="private",
                    queue=False)
        outputs = [scores, audio, files, symbols, report, form, last, chances_plot, roll]
        generating = go.click(generate,
                              inputs=[seed, typed, typed_key, temperature, bars, key, tempo,
                                      variations, random_seed, ending, avoid_copies, model,
                                      step, upload, repeats],
                              outputs=outputs, api_name="generate", concurrency_id="torch")
        cleared_on_error(generating, outputs)
        # the page's way to another step of the same melody; the API asks /generate with
        # `step`, so this is no endpoint of its own
        step.release(chances, inputs=[last, step], outputs=[chances_plot],
                     api_visibility="private", concurrency_id="torch")
        return {"model": model, "seed": seed, "temperature": temperature, "bars": bars,
                "variations": variations, "repeats": repeats}
