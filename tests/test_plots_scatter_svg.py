"""The clickable SVG scatter of a latent plane."""

from __future__ import annotations

import numpy as np
import pytest

from audiodemo.plots.scatter_svg import scatter_svg, square_extent


def test_the_scatter_names_every_point_and_escapes_its_labels(rng):
    z = rng.standard_normal((7, 2))
    files = [f"{i}_x.wav" for i in range(7)]
    titles = [f"digit {i} <b>&" for i in range(7)]
    svg = scatter_svg(z, np.arange(7), titles, files, square_extent(z), "AE", {"0": 0})
    assert svg.count('data-file="') == 7 and svg.count("<title>") == 7
    assert "&lt;b&gt;&amp;" in svg and "<b>" not in svg
    assert all(f'data-{k}="' in svg for k in ("x0", "x1", "y0", "y1", "left", "width"))
    x0, x1, y0, y1 = square_extent(z)
    assert x1 - x0 == pytest.approx(y1 - y0)  # one scale on both axes
    assert (z >= [x0, y0]).all() and (z <= [x1, y1]).all()
