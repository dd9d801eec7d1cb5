"""The live spectrogram of the Spectrogram tab: the microphone or the tab's sound, drawn as
it sounds, under the tab's own frame, hop, window, scale, dB range and colours.

Why in the browser (issue 17, item 1): a live picture needs a column every hop, 20 or more
pictures a second, for each of 30 students. Streaming the microphone to the server and
pictures back (Gradio's `stream`) puts every column through the queue, the network and a
Python call: thousands of requests a second from a class, on two cores. Here the page's own
Web Audio graph hands the samples to `live.js`, which takes the FFTs (`live_analysis.js`)
and draws; the server only computes, once per change of a setting, what a column means
(`audiodemo.live.plan`, the same filterbanks as the static picture). Measured in
`benchmarks/live.py`.

The component's value is the tab's settings as JSON, with the path of the tab's sound (for
"play the sound live"); `live.js` watches it and asks the server for a new plan.
"""

from __future__ import annotations

import json
from pathlib import Path

import gradio as gr

from audiodemo import live

# the analysis (FFT, rows, colours, pitch) first, then the audio graph and the drawing
JS = "\n".join(Path(__file__).with_name(name).read_text()
               for name in ("live_analysis.js", "live.js"))

TEMPLATE = """
<div class="live">
  <div class="live-controls">
    <button class="live-mic" type="button">Listen to the microphone</button>
    <button class="live-file" type="button">Play the sound above, live</button>
    <button class="live-stop" type="button">Stop listening</button>
    <button class="live-measure" type="button" title="Five short beeps go into the picture
      (not the speakers): the time from each to its column on screen">Measure the delay</button>
    <span class="live-note-box">Note: <b class="live-note">—</b></span>
  </div>
  <div class="live-picture">
    <div class="live-axis"></div>
    <canvas class="live-canvas" width="640" height="257"></canvas>
  </div>
  <div class="live-stats">Press a button: the picture scrolls from the right as the sound
  arrives, newest on the right (levels in dB re full scale; cyan: the note's pitch).</div>
  <div class="live-measured"></div>
</div>
"""

CSS = (Path(__file__).with_name("live.css")).read_text()


def settings_json(audio, n_fft, hop_length, window, scale, in_db, db_range, cmap) -> str:
    """The component's value: the tab's settings, checked, and its sound's path."""
    # a new frame size arrives a moment before the hop fitted to it: shorten the hop till then
    hop_length = min(int(hop_length), int(n_fft))
    settings = live.check_settings(dict(sample_rate=live.RATES[0], n_fft=n_fft, hop=hop_length,
                                        window=window, scale=scale, in_db=in_db,
                                        db_range=db_range, cmap=cmap))
    del settings["sample_rate"]  # the browser's own
    # the tab's sound (an upload in Gradio's cache, or an example): live.js asks Gradio's
    # file route for it, relative to the page, as sound_picture.js does
    settings["sound"] = str(audio) if audio else None
    return json.dumps(settings)


def plan(settings) -> str:
    """The server function the page calls for a plan (JSON text); a bad setting is a clear
    message."""
    try:
        return live.plan_json(settings)
    except ValueError as err:
        raise gr.Error(str(err), print_exception=False) from None


def build_live_view(value: str) -> gr.HTML:
    """The live view's component, with `value` from `settings_json`."""
    return gr.HTML(value, html_template=TEMPLATE, css_template=CSS, js_on_load=JS,
                   server_functions=[plan], elem_id="live-spectrogram",
                   label="Live spectrogram")
