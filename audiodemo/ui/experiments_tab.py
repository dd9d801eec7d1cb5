"""The Experiments tab: the paper's Tables 1-3 rerun on Optuna, and the shipped models' logs.

One event in the API, `/experiments`: the three tables (ours beside the paper's), a plot of
one search's trials and the loss curves of one shipped checkpoint, all read from files.
"""

from __future__ import annotations

import gradio as gr

from audiodemo.search.experiments import loss_figure, search_figure, search_table, shipped_logs
from audiodemo.search.spaces import SEARCHES
from audiodemo.ui.common import user_errors

INTRO = """
The paper chose its VAE and LSTM by hand-run random searches (Table 1: depth and latent size;
Table 2: learning rate, batch size, epochs; Table 3: the LSTM's units and training). We rerun
them on [Optuna](https://optuna.org) with `python -m audiodemo.search`, score every trial by
the paper's measure **and** by one that means more (SI-SDR of denoised speech; NLL of test
songs split by song), and show the results here. On a CPU the epoch counts were scaled down;
each table says by how much. Nothing trains in this tab.
"""


@user_errors
def experiments(search: str, model: str):
    """All three tables, the plot of `search`'s trials, and the loss curves of `model`."""
    if search not in SEARCHES:
        raise ValueError(f"Choose a search from {sorted(SEARCHES)}, got {search!r}.")
    tables = "\n\n".join(search_table(name) for name in SEARCHES)
    return tables, search_figure(search), loss_figure(model)


def build_experiments_tab() -> None:
    """Add the Experiments tab to the current `gr.Blocks`."""
    with gr.Tab("Experiments", id="experiments"):
        gr.Markdown(INTRO)
        logs = shipped_logs()
        with gr.Row():
            search = gr.Dropdown(list(SEARCHES), value="vae-architecture",
                                 label="Search to plot")
            model = gr.Dropdown(logs, value="ours" if "ours" in logs else logs[0],
                                label="Shipped model's training log")
            show = gr.Button("Show", variant="primary")
        tables_md, plot, curves = experiments(search.value, model.value)
        trials = gr.Plot(plot, label="Trials", elem_id="experiments-trials")
        curve = gr.Plot(curves, label="Loss curves", elem_id="experiments-curves")
        tables = gr.Markdown(tables_md, elem_id="experiments-tables", label="Tables",
                             show_label=False)
        show.click(experiments, inputs=[search, model], outputs=[tables, trials, curve],
                   api_name="experiments")
        for control in (search, model):
            control.change(experiments, inputs=[search, model], outputs=[tables, trials, curve],
                           api_visibility="private")
