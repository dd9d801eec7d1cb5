"""An A/B switch that keeps its place (issue 17, item 5): two sounds that play together, one
heard at a time, so switching compares the same moment of both, as listening tests do.

A handler returns an `ABPair` (two labelled WAV paths, each already at the loudness it is to
be heard at); `ABPlayer`, a `gr.HTML`, moves them into Gradio's cache and `ab_player.js`
plays both in step, muting the side not chosen: a switch changes only which one is heard,
playing or not, at the moment it was at.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr

HERE = Path(__file__).parent
JS = (HERE / "ab_player.js").read_text()
CSS = (HERE / "buttons.css").read_text() + (HERE / "ab_player.css").read_text()  # buttons as
# the pictures' (`sound_picture`)
TEMPLATE = '<div class="ab"></div>'


@dataclass
class ABPair:
    """Two sounds to compare: (label, WAV path) for A and for B."""

    a: tuple[str, str]
    b: tuple[str, str]


class ABPlayer(gr.HTML):
    """A `gr.HTML` that plays an `ABPair` with a switch between its sides (see the module)."""

    def __init__(self, value=None, **kwargs):
        super().__init__(value, html_template=TEMPLATE, css_template=CSS, js_on_load=JS,
                         **kwargs)

    def postprocess(self, value):
        if isinstance(value, ABPair):
            return {"sounds": [[label, self.move_resource_to_block_cache(path)]
                               for label, path in (value.a, value.b)]}
        return value

    def api_info(self):
        return {"type": "object", "description": "two sounds, A and B: [label, file] each"}
