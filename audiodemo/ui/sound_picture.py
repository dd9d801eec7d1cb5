"""A picture of a sound that plays it: a playhead over every time axis while its sound
plays, and a stretch selected by dragging, to hear alone or to zoom into (issue 17, item 2).

A handler returns a `Picture`: a matplotlib figure, the sounds it shows (label and WAV
path) and which axes run in seconds of those sounds. `SoundPicture`, a `gr.HTML`, turns it
into what `sound_picture.js` needs: the figure as a PNG, where each time axis lies in the
image (fractions of its width and height) and which seconds its ends are, and each sound
moved into Gradio's cache, whose route serves it to the page (as `gr.Audio` outputs are, and
swept with them). Every picture of a page plays through one player, so the waveform and the
spectrogram of one sound both show its playhead, and starting one sound stops the other.

A drag over a time axis selects a stretch: "Play the selection" plays only it, and where the
tab offers zoom, "Zoom in" sends it as a `select` event (`index`: [start, end] in seconds;
"Whole sound" sends `index` null) for the tab to draw that stretch alone. Where the tab offers
harmonics, a button turns a click on a frequency axis (linear, log or mel) into a `select`
event with `value` "harmonics" and `index` the frequency clicked, in Hz, for the tab to draw
that frequency's harmonic series; the page reads the frequency from a table of each axis's
Hz at evenly spaced heights (`frequency_boxes`).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import numpy as np
from matplotlib.figure import Figure

HERE = Path(__file__).parent
JS = (HERE / "sound_picture.js").read_text()
CSS = (HERE / "buttons.css").read_text() + (HERE / "sound_picture.css").read_text()  # the
# buttons as the A/B player's (`ab_player`)
DPI = 100
TEMPLATE = '<div class="sp" data-zoom="${zoom}" data-harmonics="${harmonics}"></div>'
HZ_LABELS = ("frequency (Hz)", "note (C of each octave)")  # axes whose y runs in Hz
HZ_ROWS = 201  # heights of a frequency axis whose Hz the page is given


@dataclass
class Picture:
    """What a handler hands a `SoundPicture`. `time_axes`: the indices in `figure.axes` of
    the axes whose x runs in seconds of the sounds (None: those labelled "time")."""

    figure: Figure
    sounds: list[tuple[str, str]]  # (label, WAV path)
    time_axes: list[int] | None = None


def time_boxes(figure: Figure, time_axes: list[int] | None) -> list[list[float]]:
    """`[left, top, right, bottom, t0, t1]` of each time axis: image fractions (from the top
    left) of its drawing area, and the seconds at its left and right edges. The figure must
    have been drawn (its layout done) at the size it is shown."""
    width, height = figure.get_size_inches() * figure.dpi  # the extents' own pixels
    boxes = []
    for k, ax in enumerate(figure.axes):
        chosen = k in time_axes if time_axes is not None else "time" in ax.get_xlabel()
        if not chosen:
            continue
        box = ax.get_window_extent()
        t0, t1 = ax.get_xlim()
        boxes.append([float(v) for v in (box.x0 / width, 1 - box.y1 / height, box.x1 / width,
                                         1 - box.y0 / height, t0, t1)])  # JSON numbers
    return boxes


def frequency_boxes(figure: Figure) -> list[list]:
    """`[left, top, right, bottom, hz]` of each axis whose y runs in Hz, on any scale:
    image fractions as `time_boxes`, and `hz` the frequencies at `HZ_ROWS` evenly spaced
    heights from its top to its bottom, for the page to interpolate. Drawn figures only."""
    width, height = figure.get_size_inches() * figure.dpi
    boxes = []
    for ax in figure.axes:
        if ax.get_ylabel() not in HZ_LABELS:
            continue
        box = ax.get_window_extent()
        heights = np.linspace(box.y1, box.y0, HZ_ROWS)
        points = np.column_stack([np.full(HZ_ROWS, box.x0), heights])
        hz = ax.transData.inverted().transform(points)[:, 1]
        boxes.append([float(box.x0 / width), float(1 - box.y1 / height),
                      float(box.x1 / width), float(1 - box.y0 / height),
                      [round(float(f), 2) for f in hz]])
    return boxes


def render(picture: Picture, cache, frequencies: bool = False) -> dict:
    """The component's value: PNG, time boxes, sounds as cached paths (`cache` moves a file
    into Gradio's cache and returns its new path), and with `frequencies` the frequency
    boxes (for a picture whose clicks can name a frequency; empty otherwise)."""
    buffer = io.BytesIO()
    picture.figure.savefig(buffer, format="png", dpi=DPI)  # draws: the layout is final
    return {
        "image": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(),
        "axes": time_boxes(picture.figure, picture.time_axes),
        "freqs": frequency_boxes(picture.figure) if frequencies else [],
        "sounds": [[label, cache(path)] for label, path in picture.sounds],
    }


class SoundPicture(gr.HTML):
    """A `gr.HTML` that shows a `Picture` and plays its sounds (see the module)."""

    def __init__(self, value=None, *, zoom: bool = False, harmonics: bool = False, **kwargs):
        shown = "yes" if zoom else "no"
        clicked = "yes" if harmonics else "no"
        super().__init__(value, html_template=TEMPLATE, css_template=CSS, js_on_load=JS,
                         zoom=shown, harmonics=clicked, **kwargs)
        # a real attribute: Gradio reads each argument of __init__ back by name for the
        # page's config, and `gr.HTML` answers a missing one with an event listener (which
        # the config then deep-copied, the whole app with it, on every page load: 1.4 s)
        self.zoom, self.harmonics = shown, clicked

    def postprocess(self, value):
        if isinstance(value, Picture):
            return render(value, self.move_resource_to_block_cache, self.harmonics == "yes")
        return value

    def api_info(self):
        return {"type": "object", "description": "a picture (PNG data URL), its time axes "
                "and the sounds it plays"}
