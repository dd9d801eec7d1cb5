"""An interactive spectrogram (plotly): hover for time, Hz and level; zoom; save as PNG.

Plotly draws in the browser, offline (its JavaScript ships with Gradio). A view is pooled to
a few hundred thousand cells first, so the page stays responsive on long recordings.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from audiodemo.view import SpectrogramView, pool

_PLOTLY_CMAPS = {"magma": "Magma", "viridis": "Viridis", "inferno": "Inferno",
                 "gray_r": "Greys", "coolwarm": "RdBu_r"}


def spectrogram_plotly(view: SpectrogramView, cmap: str = "magma") -> go.Figure:
    """Heatmap of a view, y in Hz on a linear or log axis, or mel-spaced with Hz ticks."""
    view = pool(view, max_frames=600, max_rows=256)
    unit = "dB" if view.in_db else ""
    hz = view.freqs
    heat = dict(
        z=view.values, x=view.times, colorscale=_PLOTLY_CMAPS.get(cmap, "Magma"),
        colorbar=dict(title=dict(text=view.label, side="right")),
    )
    if view.in_db:
        heat.update(zmin=-view.db_range, zmax=0.0)
    if view.scale == "mel":
        # rows evenly spaced (mel), hover and ticks in Hz
        rows = np.arange(len(hz))
        heat.update(
            y=rows, customdata=np.repeat(hz[:, None], view.values.shape[1], axis=1),
            hovertemplate="%{x:.3f} s<br>%{customdata:.0f} Hz<br>%{z:.1f} " + unit
            + "<extra></extra>",
        )
        ticks = np.linspace(0, len(hz) - 1, 7).round().astype(int)
        yaxis = dict(title="frequency (Hz, mel-spaced)", tickvals=ticks,
                     ticktext=[f"{hz[i]:.0f}" for i in ticks])
    else:
        keep = hz > 0 if view.scale == "log" else slice(None)
        heat.update(
            y=hz[keep], z=view.values[keep],
            hovertemplate="%{x:.3f} s<br>%{y:.0f} Hz<br>%{z:.1f} " + unit + "<extra></extra>",
        )
        yaxis = dict(title="frequency (Hz)", type="log" if view.scale == "log" else "linear")
    fig = go.Figure(go.Heatmap(**heat))
    fig.update_layout(
        xaxis=dict(title="time (s)"), yaxis=yaxis, height=360,
        margin=dict(l=60, r=20, t=30, b=50),
        title=dict(text="Hover for time, frequency and level; drag to zoom", font=dict(size=12)),
    )
    return fig
