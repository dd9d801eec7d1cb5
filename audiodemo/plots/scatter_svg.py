"""A clickable scatter plot as plain SVG, for `gr.HTML`: hover names a point, a click sends it.

Gradio's plot components cannot report a clicked point (`gr.Plot` fires only `change`), so the
latent plane is drawn here: each code is a `<circle>` whose `<title>` the browser shows on
hover, and `CLICK_JS` (the `js_on_load` of the `gr.HTML`) turns a click into a `select` event
whose `index` is the clicked place in data coordinates and whose `value` is the file name of
the point clicked, or null for an empty place, and rings the place clicked. A tap (a touch
screen) means the nearest point within 12 px, as a fingertip covers several 8 px points.
`WALK_JS` keeps a walk for the planes to draw its path between two recordings' points, again
after each redraw. No script or network access beyond the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np

# matplotlib's tab10, then tab20's lighter half: 10 digits or up to 20 speakers
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896",
           "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"]

CLICK_JS = """
element.addEventListener('click', (event) => {
  const svg = element.querySelector('svg[data-x0]');
  if (!svg || !svg.contains(event.target)) return;
  const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(
    svg.getScreenCTM().inverse());
  const d = svg.dataset;
  if (p.x < +d.left || p.x > +d.left + +d.width || p.y < +d.top || p.y > +d.top + +d.height) {
    return;  // the legend or the margins
  }
  const x = +d.x0 + (p.x - +d.left) / +d.width * (+d.x1 - +d.x0);
  const y = +d.y1 - (p.y - +d.top) / +d.height * (+d.y1 - +d.y0);
  let file = event.target.dataset ? (event.target.dataset.file || null) : null;
  if (!file && event.pointerType === 'touch') {  // a fingertip is wider than a point
    let nearest = TAP_PX;
    for (const point of svg.querySelectorAll('circle[data-file]')) {
      const r = point.getBoundingClientRect();
      const away = Math.hypot(r.x + r.width / 2 - event.clientX,
                              r.y + r.height / 2 - event.clientY);
      if (away < nearest) { nearest = away; file = point.dataset.file; }
    }
  }
  // the place clicked, ringed: on this plane alone (a ring on the other plane would name
  // a place that this click did not decode)
  document.querySelectorAll('svg #clicked-mark').forEach((old) => old.remove());
  const ring = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
  Object.entries({id: 'clicked-mark', cx: p.x, cy: p.y, r: 8, fill: 'none', stroke: '#000',
                  'stroke-width': 2.5, 'pointer-events': 'none'}).forEach(
    ([k, v]) => ring.setAttribute(k, v));
  svg.appendChild(ring);
  trigger('select', {index: [x, y], value: file});
});
// the last walk's path (`WALK_JS` keeps the walk in the page), a straight line from one
// recording's code to the other's, on this plane if it is the walking model's and shows
// both ends; drawn again whenever the plane is (a new split or filter)
function drawWalk() {
  const svg = element.querySelector('svg[data-x0]'), walk = window.audiodemoWalk;
  if (!svg) return;
  svg.querySelectorAll('#walk-path').forEach((old) => old.remove());
  if (!walk || !(svg.getAttribute('aria-label') || '').startsWith(`${walk.model}:`)) return;
  const a = svg.querySelector(`circle[data-file="${CSS.escape(walk.fileA)}"]`);
  const b = svg.querySelector(`circle[data-file="${CSS.escape(walk.fileB)}"]`);
  if (!a || !b) return;
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
  Object.entries({id: 'walk-path', x1: a.getAttribute('cx'), y1: a.getAttribute('cy'),
                  x2: b.getAttribute('cx'), y2: b.getAttribute('cy'), stroke: '#000',
                  'stroke-width': 2.5, 'stroke-dasharray': '6 3',
                  'pointer-events': 'none'}).forEach(([k, v]) => line.setAttribute(k, v));
  svg.appendChild(line);
}
window.addEventListener('audiodemo-walk', drawWalk);
watch('value', () => requestAnimationFrame(drawWalk));  // after the new plane is in place
""".replace("TAP_PX", "12")  # CSS px from a tap's centre to the point it means

# the Walk button's `js`: keeps the walk in the page for the planes to draw (`CLICK_JS`);
# the inputs pass on unchanged to the server
WALK_JS = """
(model, fileA, fileB, steps) => {
  window.audiodemoWalk = {model, fileA, fileB};
  window.dispatchEvent(new Event('audiodemo-walk'));
  return [model, fileA, fileB, steps];
}
"""


@dataclass(frozen=True)
class Frame:
    """Where the data rectangle (x0..x1, y0..y1) sits in the SVG's own units."""

    x0: float
    x1: float
    y0: float
    y1: float
    size: int = 420
    margin: int = 40

    @property
    def side(self) -> int:
        return self.size - 2 * self.margin

    def to_svg(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sx = self.margin + (np.asarray(x) - self.x0) / (self.x1 - self.x0) * self.side
        sy = self.margin + (self.y1 - np.asarray(y)) / (self.y1 - self.y0) * self.side
        return sx, sy


def square_extent(z: np.ndarray, pad: float = 0.08) -> tuple[float, float, float, float]:
    """A square (x0, x1, y0, y1) around every point, so both axes share one scale."""
    if len(z) == 0:
        return (-1.0, 1.0, -1.0, 1.0)
    lo, hi = z.min(0), z.max(0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2, 1e-3) * (1 + pad)
    return (float(centre[0] - half), float(centre[0] + half),
            float(centre[1] - half), float(centre[1] + half))


def _ticks(lo: float, hi: float) -> np.ndarray:
    step = 10 ** np.floor(np.log10((hi - lo) / 4))
    for factor in (1, 2, 5, 10):
        if (hi - lo) / (step * factor) <= 6:
            step *= factor
            break
    return np.arange(np.ceil(lo / step) * step, hi, step).round(12) + 0.0  # no "-0"


def scatter_svg(z: np.ndarray, groups: np.ndarray, titles: list[str], files: list[str],
                extent: tuple[float, float, float, float], title: str,
                legend: dict[str, int], marker: tuple[float, float] | None = None) -> str:
    """The SVG of a scatter of `z` `(n, 2)`, coloured by integer `groups` into `PALETTE`.

    `legend` maps a label to its group; `marker` is a point to ring (the last click).
    """
    frame = Frame(*extent)
    m, side, size = frame.margin, frame.side, frame.size
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size + 90} {size}" '
        f'width="100%" style="max-width:{size + 90}px;cursor:crosshair" role="img" '
        f'aria-label="{escape(title)}" data-x0="{frame.x0}" data-x1="{frame.x1}" '
        f'data-y0="{frame.y0}" data-y1="{frame.y1}" data-left="{m}" data-top="{m}" '
        f'data-width="{side}" data-height="{side}">',
        f'<rect x="{m}" y="{m}" width="{side}" height="{side}" fill="#fafafa" stroke="#999"/>',
        f'<text x="{m + side / 2}" y="{m - 14}" text-anchor="middle" font-size="15" '
        f'font-weight="bold">{escape(title)}</text>',
    ]
    for value in _ticks(frame.x0, frame.x1):
        sx, _ = frame.to_svg(value, 0)
        parts.append(f'<line x1="{sx:.1f}" y1="{m}" x2="{sx:.1f}" y2="{m + side}" '
                     f'stroke="#e4e4e4"/><text x="{sx:.1f}" y="{m + side + 15}" font-size="11" '
                     f'text-anchor="middle">{value:g}</text>')
    for value in _ticks(frame.y0, frame.y1):
        _, sy = frame.to_svg(0, value)
        parts.append(f'<line x1="{m}" y1="{sy:.1f}" x2="{m + side}" y2="{sy:.1f}" '
                     f'stroke="#e4e4e4"/><text x="{m - 5}" y="{sy + 4:.1f}" font-size="11" '
                     f'text-anchor="end">{value:g}</text>')
    parts.append(f'<text x="{m + side / 2}" y="{size - 6}" text-anchor="middle" '
                 f'font-size="12">z₁</text>'
                 f'<text x="12" y="{m + side / 2}" font-size="12">z₂</text>')
    sx, sy = frame.to_svg(z[:, 0], z[:, 1]) if len(z) else (np.zeros(0), np.zeros(0))
    inside = (sx >= m) & (sx <= m + side) & (sy >= m) & (sy <= m + side)
    for i in np.flatnonzero(inside):
        colour = PALETTE[int(groups[i]) % len(PALETTE)]
        parts.append(f'<circle cx="{sx[i]:.1f}" cy="{sy[i]:.1f}" r="4" fill="{colour}" '
                     f'fill-opacity="0.8" stroke="#fff" stroke-width="0.6" '
                     f'data-file="{escape(files[i])}"><title>{escape(titles[i])}</title>'
                     f'</circle>')
    if marker is not None:
        mx, my = frame.to_svg(marker[0], marker[1])
        parts.append(f'<circle cx="{float(mx):.1f}" cy="{float(my):.1f}" r="9" fill="none" '
                     f'stroke="#000" stroke-width="2" pointer-events="none"/>')
    for row, (label, group) in enumerate(legend.items()):
        y = m + 8 + 18 * row
        parts.append(f'<circle cx="{size + 8}" cy="{y}" r="5" '
                     f'fill="{PALETTE[group % len(PALETTE)]}"/><text x="{size + 18}" '
                     f'y="{y + 4}" font-size="12">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
