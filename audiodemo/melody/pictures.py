"""The Melody tab's pictures of what a model wrote (issue 16): the form of each variation
(`audiodemo.melody.form`, drawn by `audiodemo.plots.form`) beside the song its seed opens,
the chances the model gave the next symbol at one step (`audiodemo.plots.chances`), and the
piano roll of what the player plays (`audiodemo.plots.piano_roll`)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from audiodemo.melody import shipped
from audiodemo.melody.corpus import Song
from audiodemo.melody.form import (
    bars_before,
    bars_of,
    melody_attention,
    repeat_marks,
    self_similarity,
)
from audiodemo.melody.generate import Melody
from audiodemo.melody.render import to_midi
from audiodemo.melody.repeats import mixed_distributions
from audiodemo.melody.symbols import END, STEP
from audiodemo.plots.chances import chances_figure, symbol_label, tempered_chances
from audiodemo.plots.form import FormPanel, form_figure
from audiodemo.plots.piano_roll import RollPart, piano_roll_figure


def form_picture(model: str, melodies: list[Melody], steps_per_bar: int, pickup: int,
                 whole: Song | None = None) -> Figure:
    """Per variation, its bars' self-similarity and, for a transformer, its attention per
    bar; beside the first, the self-similarity of `whole`, the song the seed opens."""
    loaded = shipped.get_model(model)
    rows = []
    for k, melody in enumerate(melodies):
        bars = bars_of(melody.symbols, steps_per_bar, pickup)
        seed_bars = bars_before(len(melody.seed), steps_per_bar, pickup)
        row: list[FormPanel | None] = [FormPanel(
            f"Variation {k + 1}: which bars repeat", self_similarity(bars),
            marks=repeat_marks(bars), seed_bars=seed_bars)]
        attention = melody_attention(loaded.net, loaded.vocab, melody.symbols, steps_per_bar,
                                     pickup)
        if attention is not None:
            row.append(FormPanel(f"Variation {k + 1}: attention per bar", attention,
                                 attention=True, seed_bars=seed_bars))
        if whole is not None:
            song_bars = bars_of(whole.symbols, steps_per_bar, pickup)
            row.append(FormPanel(f"The seed's song, {whole.name}", self_similarity(song_bars),
                                 marks=repeat_marks(song_bars)) if k == 0 else None)
        rows.append(row)
    return form_figure(rows)


def chances_picture(model: str, symbols: list[str], seed_length: int, time_signature: str,
                    pickup: int, temperature: float, step: int, repeats: bool = False
                    ) -> Figure:
    """The next symbol's chances at `step` (1: the first after the seed, clipped to the
    melody) of a melody `symbols` (seed first, in the model's key), with the model's
    bar-repeat head mixed in if `repeats` (the temperature then sharpens the model's chances
    before the mixture, as generation does)."""
    loaded = shipped.get_model(model, repeats)
    step = int(np.clip(int(step or 1), 1, max(len(symbols) - seed_length, 1)))
    song = Song("melody", symbols, time_signature, "C major", pickup)
    ids = loaded.vocab.encode([END, *symbols])
    p = loaded.without_repeats().distributions(ids, song)
    at = seed_length + step - 1  # row t predicts symbol t
    drawn_from = None
    if loaded.repeats is not None:  # the model's own chances mixed, at T = 1 and at T
        tempered = np.array([tempered_chances(row, temperature) for row in p])
        mix = [mixed_distributions(loaded.repeats, ids[1:], chances, song.steps_per_bar,
                                   pickup, loaded.vocab.index[END]) for chances in (p, tempered)]
        p, drawn_from = mix[0], mix[1][at]
    drawn = symbols[at] if at < len(symbols) else END
    return chances_figure(p[at], loaded.vocab.to_list(), temperature, drawn,
                          f"Step {step} after the seed: the chances of the next symbol "
                          f"(drawn: {symbol_label(drawn)})", drawn_from)


def roll_picture(melodies: list[Melody], tempo: float, durations: list[float],
                 gap: float) -> Figure:
    """The piano roll of the player that plays `melodies` one after another, each taking
    its `durations` seconds and `gap` seconds of silence between them."""
    parts, start = [], 0.0
    for k, melody in enumerate(melodies):
        notes = to_midi(melody.symbols, tempo).instruments[0].notes
        seed_end = start + len(melody.seed) * STEP * 60 / float(tempo)
        parts.append(RollPart(f"variation {k + 1}", [(n.pitch, start + n.start, start + n.end)
                                                     for n in notes], start, seed_end))
        start += durations[k] + gap
    return piano_roll_figure(parts, start - gap)
