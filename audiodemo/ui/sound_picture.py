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
"Whole sound" sends `index` null) for the tab to draw that stretch alone.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
from matplotlib.figure import Figure

JS = Path(__file__).with_name("sound_picture.js").read_text()
CSS = Path(__file__).with_name("sound_picture.css").read_text()
DPI = 100
TEMPLATE = '<div class="sp" data-zoom="${zoom}"></div>'


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


def render(picture: Picture, cache) -> dict:
    """The component's value: PNG, time boxes, sounds as cached paths (`cache` moves a file
    into Gradio's cache and returns its new path)."""
    buffer = io.BytesIO()
    picture.figure.savefig(buffer, format="png", dpi=DPI)  # draws: the layout is final
    return {
        "image": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(),
        "axes": time_boxes(picture.figure, picture.time_axes),
        "sounds": [[label, cache(path)] for label, path in picture.sounds],
    }


class SoundPicture(gr.HTML):
    """A `gr.HTML` that shows a `Picture` and plays its sounds (see the module)."""

    def __init__(self, value=None, *, zoom: bool = False, **kwargs):
        shown = "yes" if zoom else "no"
        super().__init__(value, html_template=TEMPLATE, css_template=CSS, js_on_load=JS,
                         zoom=shown, **kwargs)
        # a real attribute: Gradio reads each argument of __init__ back by name for the
        # page's config, and `gr.HTML` answers a missing one with an event listener (which
        # the config then deep-copied, the whole app with it, on every page load: 1.4 s)
        self.zoom = shown

    def postprocess(self, value):
        if isinstance(value, Picture):
            return render(value, self.move_resource_to_block_cache)
        return value

    def api_info(self):
        return {"type": "object", "description": "a picture (PNG data URL), its time axes "
                "and the sounds it plays"}
