"""A guided lesson across the tabs (issue 17): eight short steps, one idea each, a question
to answer by trying, and a button that opens the tab with its controls set.

`STEPS` is the lesson; `settings(step)` what a step's button sets (a tab to open and values
for named controls, `"tab.control"` as `build_*_tab` name them); `build_lesson` adds the
lesson to the top of the page and wires each button once the tabs exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import gradio as gr

from audiodemo.ui.common import example


@dataclass(frozen=True)
class Step:
    title: str
    idea: str
    question: str
    tab: str  # the tab's id
    controls: dict = field(default_factory=dict)  # "tab.control" -> value
    then: str = ""  # what to press after the button


STEPS = (
    Step("Sound as a picture",
         "A spectrogram is time left to right, frequency up, loudness as colour. A piano note "
         "is not one frequency but a stack: the note and its harmonics.",
         "How many bright lines does middle C make below 2 kHz, and how far apart are they?",
         "spectrogram", {"spectrogram.audio": example("piano_middle_c.wav"),
                         "spectrogram.n_fft": "2048", "spectrogram.hop": 256,
                         "spectrogram.scale": "linear",
                         "spectrogram.compare": "none", "spectrogram.pitch": False,
                         "spectrogram.harmonics": 0}),
    Step("The frame-size trade-off",
         "A long frame tells frequencies apart but smears time; a short one the reverse. "
         "The same chirp, under a 128-sample and a 4096-sample frame, side by side.",
         "In which picture is the chirp's line thin, and in which does its start look sharp?",
         "spectrogram", {"spectrogram.audio": example("chirp.wav"),
                         "spectrogram.n_fft": "128", "spectrogram.hop": 32,
                         "spectrogram.compare": "4096",
                         "spectrogram.scale": "linear", "spectrogram.pitch": False,
                         "spectrogram.harmonics": 0}),
    Step("Pitch and harmonics",
         "The pitch we hear is the fundamental; the harmonics sit at whole multiples of it. "
         "pYIN tracks the pitch and names the note; the dashed lines are 261.6 Hz times 1, "
         "2, 3 ...",
         "Do the dashed lines fall on the bright lines? Which note does the track name?",
         "spectrogram", {"spectrogram.audio": example("piano_middle_c.wav"),
                         "spectrogram.n_fft": "2048", "spectrogram.hop": 256,
                         "spectrogram.scale": "log",
                         "spectrogram.compare": "none", "spectrogram.pitch": True,
                         "spectrogram.harmonics": 261.63},
         then="Then, under **Live**, press **Listen to the microphone** and hum: which note "
              "are you?"),
    Step("Phase: what the picture leaves out",
         "The picture keeps each cell's magnitude and drops its phase. Griffin-Lim guesses a "
         "phase that fits the magnitude.",
         "Rebuild with 0 iterations, then 100: how does each sound beside the original?",
         "spectrogram", {"spectrogram.audio": example("digit_7_jackson.wav"),
                         "spectrogram.n_fft": "512", "spectrogram.hop": 128,
                         "spectrogram.compare": "none",
                         "spectrogram.pitch": False, "spectrogram.harmonics": 0,
                         "spectrogram.n_iter": 0, "spectrogram.method": "fast"},
         then="Press **Rebuild from magnitude** below the spectrogram."),
    Step("A denoising autoencoder",
         "A network trained on pairs of noisy and clean speech learns a mask: how much of "
         "each cell to keep.",
         "Play what the model removed: is there speech in it? Switch A/B at equal loudness: "
         "which would you rather hear?",
         "denoise", {"denoise.audio": example("digits_31415_theo.wav"),
                     "denoise.noise": "white", "denoise.snr": 5,
                     "denoise.model": "Ours: 16 kHz complex mask",
                     "denoise.recon": "Noisy phase"},
         then="Press **Denoise**."),
    Step("The paper's model, and its phase",
         "The paper's DCAE predicts magnitudes and rebuilds sound by Griffin-Lim from "
         "random phase.",
         "Compare its SI-SDR and PESQ with the previous step's: how much did the phase cost?",
         "denoise", {"denoise.audio": example("digits_31415_theo.wav"),
                     "denoise.noise": "white", "denoise.snr": 5, "denoise.model": "Paper DCAE",
                     "denoise.recon": "Griffin-Lim from random phase (the paper)"},
         then="Press **Denoise**."),
    Step("Latent spaces",
         "An autoencoder squeezes each recording into two numbers; a VAE is made to keep "
         "those codes near the origin, so any point in between decodes to something.",
         "Which digits overlap in the AE's plane, and in the VAE's? Click an empty place in "
         "each: which decodes to a sound more like speech?",
         "latent", {"latent.colour": "digit", "latent.split": "test"}),
    Step("A melody model and its temperature",
         "A melody model predicts the next sixteenth note; temperature sharpens or flattens "
         "its prediction before drawing.",
         "Generate at temperature 0.5 and at 1.5 (the form picture marks repeated bars): in "
         "which do bars repeat, and in which do notes leave the key?",
         "melody", {"melody.temperature": 0.5, "melody.bars": 8, "melody.variations": 1},
         then="Press **Generate**, then set the temperature to 1.5 and press it again."),
)

INTRO = (f"New here? A path of {len(STEPS)} steps, one idea each: press a step's button and "
         f"it opens the tab with its controls set; answer its question by trying.")


def settings(step: Step, controls: dict[str, gr.Component], sliders: bool | None = None
             ) -> list:
    """What step's button returns: the tab to open, then a value for each of `controls`
    ("tab.control" -> component; `gr.skip()` for those it leaves alone); with `sliders`
    True the sliders' values alone, False all but theirs. A slider gets its own range back
    with its value: a range narrowed since (the hop's, to the frame size an earlier step
    chose) would refuse the value, and the page would show an error in place of the slider
    until reloaded."""
    def value(name: str, component: gr.Component):
        if name not in step.controls or sliders is not None and sliders != isinstance(
                component, gr.Slider):
            return gr.skip()
        if isinstance(component, gr.Slider):
            return gr.Slider(minimum=component.minimum, maximum=component.maximum,
                             value=step.controls[name])
        return step.controls[name]

    return [gr.Tabs(selected=step.tab), *[value(n, c) for n, c in controls.items()]]


def build_lesson() -> list[tuple[Step, gr.Button]]:
    """The lesson as an accordion at the current place of the page; its buttons, to wire
    with `wire_lesson` once the tabs exist."""
    buttons = []
    with gr.Accordion(f"A guided lesson: {len(STEPS)} steps", open=False, elem_id="lesson"):
        gr.Markdown(INTRO)
        for k, step in enumerate(STEPS, start=1):
            with gr.Row(equal_height=True):
                gr.Markdown(f"**{k}. {step.title}.** {step.idea} *{step.question}* "
                            f"{step.then}")
                buttons.append((step, gr.Button(f"Set up step {k}", scale=0, min_width=150,
                                                elem_id=f"lesson-step-{k}")))
    return buttons


def problems(step: Step, controls: dict[str, gr.Component]) -> list[str]:
    """What is wrong with a step's settings: controls that do not exist, values that are
    not among a control's choices or outside a slider's range."""
    found = []
    for name, value in step.controls.items():
        component = controls.get(name)
        if component is None:
            found.append(f"{name}: no such control")
            continue
        choices = getattr(component, "choices", None)
        if choices and value not in [c[1] if isinstance(c, tuple) else c for c in choices]:
            found.append(f"{name}: {value!r} is not one of its choices")
        if isinstance(component, gr.Slider) and not (
                component.minimum <= value <= component.maximum):
            found.append(f"{name}: {value!r} is outside {component.minimum}-{component.maximum}")
    return found


def wire_lesson(buttons: list[tuple[Step, gr.Button]], tabs: gr.Tabs,
                controls: dict[str, gr.Component]) -> None:
    """Each step's button opens its tab and sets its controls (`controls`: "tab.control" ->
    component, every control a step may set); `ValueError` for a step that `problems`
    finds fault with, so a wrong lesson stops the app from building."""
    for step, button in buttons:
        if problems(step, controls):
            raise ValueError(f"Lesson step {step.title!r}: {'; '.join(problems(step, controls))}")
        # the sliders first, the rest a round trip later: the changes of the rest fire
        # events that read the sliders (a new frame size fits the hop to it), and a slider
        # set in the same answer was still read at its old value (found in chromium: after
        # step 1's hop of 256, step 2's frame of 128 was drawn and fitted with hop 256)
        outputs = [tabs, *controls.values()]
        first = button.click(lambda s=step: settings(s, controls, sliders=True),
                             outputs=outputs, queue=False, api_visibility="private")
        first.then(lambda s=step: settings(s, controls, sliders=False), outputs=outputs,
                   queue=False, api_visibility="private")
