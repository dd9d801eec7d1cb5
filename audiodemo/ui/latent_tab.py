"""The Latent space tab: spoken digits as points of a 2-D AE and a 2-D VAE, to click and hear.

Events in the API: `/latent` draws both planes (colour, filters) with the statistics behind
the paper's claim; `/decode` decodes one point (a recording's code, or any place of the
plane) to a spectrogram and, through Griffin-Lim, to sound; `/interpolate` walks between two
recordings; `/grid` decodes a grid over each plane. A click on a plane runs the same decode.
The handlers adapt `audiodemo.latent.explore` to the page: its sounds become players.
"""

from __future__ import annotations

import gradio as gr

from audiodemo.latent import explore
from audiodemo.latent.explore import ALL, CHOICES, COLOURS, GRID_N, SPLITS, TWO_D, VIEWS
from audiodemo.plots.scatter_svg import CLICK_JS, WALK_JS
from audiodemo.ui.common import cleared_on_error, user_errors
from audiodemo.ui.outputs import LOUDNESS_NOTE, player, players
from audiodemo.ui.sound_picture import Picture, SoundPicture

INTRO = """
An autoencoder squeezes each spoken digit's spectrogram through a **bottleneck of two
numbers**, its code, and learns to rebuild the spectrogram from them. Here every recording of
the Free Spoken Digit Dataset is a point of that plane, for a plain **AE** and a **VAE** of the
paper's design trained on the same clean digits. Hover a point to see who says which digit;
**click a point** to hear the recording and its reconstruction; **click an empty place** to
hear what the decoder makes of a code no recording has. The paper's claim (its Fig. 2): AE
codes spread out unevenly and leave holes, while the VAE packs them around the origin, so
points between codes still decode to something speech-like. The statistics and the grid of
decodes below test that claim.
"""


@user_errors
def picture(colour_by: str, digit, speaker, split: str, shared_axes: bool, view: str = TWO_D):
    """Both planes of a view as clickable SVG, and the latent statistics."""
    return *explore.planes(colour_by, digit, speaker, split, shared_axes, view), \
        explore.stats_table(view)


@user_errors
def decode_point(model: str, x, y, file: str | None = None):
    """A recording's code (`file`) or any point (x, y): players, spectrograms and a caption."""
    decoded = explore.decode_point(model, x, y, file)
    paths = players(decoded.sounds)  # one gain for the recording and its decode
    original, sound = (None, *paths) if len(paths) == 1 else paths
    heard = [("recording", original)] if original else []
    picture = Picture(decoded.figure, [*heard, ("decoded", sound)])
    return original, sound, picture, decoded.caption


def click(model: str, evt: gr.SelectData):
    """A click on a plane: the place, the file under the pointer if any, and its decode."""
    x, y = (float(v) for v in evt.index)
    file = evt.value or ""
    return (model, round(x, 3), round(y, 3), file, *decode_point(model, x, y, file))


def _clicker(side: int):
    """The select handler of the left (0) or right (1) plane, for whichever view is shown
    (Gradio reads the `gr.SelectData` hint from it)."""

    def on_click(view: str, evt: gr.SelectData):
        if view not in VIEWS:
            raise gr.Error(f"Unknown view {view!r}.")
        return click(list(VIEWS[view])[side], evt)

    return on_click


@user_errors
def interpolate(model: str, file_a: str, file_b: str, steps, progress=gr.Progress()):
    """Decodes of `steps` points from one recording's code to another's, and their sound."""
    figure, sound, rate = explore.walk_between(model, file_a, file_b, steps,
                                               lambda done, desc: progress(done, desc=desc))
    return figure, player(sound, rate, "walk.wav")


@user_errors
def grid(n=GRID_N, progress=gr.Progress()):
    """Decodes of an n×n grid over each plane (the extent of its test codes)."""
    return explore.decode_grid(n, lambda done, desc: progress(done, desc=desc))


def build_latent_tab() -> dict:
    """Add the Latent space tab to the current `gr.Blocks`; its controls by name."""
    with gr.Tab("Latent space", id="latent"):
        gr.Markdown(INTRO)
        test_files = explore.bundled_recordings()
        view = gr.Radio(list(VIEWS), value=TWO_D, label="Planes")
        with gr.Row():
            colour = gr.Radio(list(COLOURS), value="digit", label="Colour by")
            digit = gr.Dropdown([ALL, *map(str, range(10))], value=ALL, label="Digit")
            speaker = gr.Dropdown([ALL, *explore.speakers()], value=ALL, label="Speaker")
            split = gr.Radio(list(SPLITS), value="test", label="Split")
            shared = gr.Checkbox(value=False, label="Same axes for both (compare spreads)")
        *first, table = picture(colour.value, digit.value, speaker.value, split.value,
                                shared.value, view.value)
        with gr.Row():
            planes = [gr.HTML(svg, js_on_load=CLICK_JS, elem_id=f"plane-{side}",
                              label=f"{side} plane", show_label=False)
                      for side, svg in zip(("left", "right"), first, strict=True)]
        stats = gr.Markdown(table, label="Latent statistics", show_label=False)
        with gr.Row():
            model = gr.Dropdown(list(CHOICES), value="VAE", label="Decode with")
            x = gr.Number(0.0, label="z₁")
            y = gr.Number(0.0, label="z₂")
            file = gr.Textbox("", label="Recording (empty: decode the point)")
            go = gr.Button("Decode", variant="primary")
        with gr.Row():
            original = gr.Audio(label="Recording", interactive=False, elem_id="latent-original")
            decoded = gr.Audio(label="Decoded", interactive=False, elem_id="latent-decoded")
        with gr.Row():
            figure = SoundPicture(label="Spectrograms", show_label=False,
                                  elem_id="latent-picture")
            caption = gr.Markdown(elem_id="latent-caption", label="Caption", show_label=False)
        gr.Markdown(LOUDNESS_NOTE, elem_classes="limits")
        with gr.Accordion("Walk between two recordings", open=False):
            with gr.Row():
                walk_model = gr.Radio(list(VIEWS[TWO_D]), value="VAE", label="Model")
                file_a = gr.Dropdown(test_files, value=test_files[0], label="From")
                file_b = gr.Dropdown(test_files, value=test_files[-1], label="To")
                steps = gr.Slider(2, 16, value=8, step=1, label="Steps")
                walk_go = gr.Button("Walk")
            strip = gr.Plot(label="Decoded spectrograms along the walk")
            walk_audio = gr.Audio(label="The walk, step by step", interactive=False)
        with gr.Accordion("Decode a grid over each plane", open=False):
            grid_n = gr.Slider(3, 20, value=GRID_N, step=1, label="Points a side")
            grid_go = gr.Button("Decode the grid")
            grid_plot = gr.Plot(label="Decodes over the plane (AE left, VAE right)")
        controls = [colour, digit, speaker, split, shared, view]
        gr.on([c.change for c in controls], picture, inputs=controls,
              outputs=[*planes, stats], api_name="latent", trigger_mode="always_last")
        decode_outputs = [original, decoded, figure, caption]
        decoding = go.click(decode_point, inputs=[model, x, y, file], outputs=decode_outputs,
                            api_name="decode", concurrency_id="torch")
        cleared_on_error(decoding, decode_outputs)
        for side, plane in enumerate(planes):
            clicked = plane.select(_clicker(side), inputs=[view],
                                   outputs=[model, x, y, file, *decode_outputs],
                                   api_visibility="private", concurrency_id="torch")
            cleared_on_error(clicked, decode_outputs)
        walking = walk_go.click(interpolate, inputs=[walk_model, file_a, file_b, steps],
                                outputs=[strip, walk_audio], api_name="interpolate",
                                concurrency_id="torch", js=WALK_JS)
        cleared_on_error(walking, [strip, walk_audio])
        gridding = grid_go.click(grid, inputs=[grid_n], outputs=[grid_plot], api_name="grid",
                                 concurrency_id="torch")
        cleared_on_error(gridding, [grid_plot])
        return {"colour": colour, "view": view, "model": model, "split": split}
