"""Waiting, in a browser test, for the page's own work to finish."""

from __future__ import annotations

from playwright.sync_api import Page


def settle(page: Page) -> None:
    """Wait until the page's own work after a draw is done: its timers run on time (no gap
    over 100 ms) for half a second. Measured here (benchmarks/hover_view.py), a draw of the
    Spectrogram tab holds the page's main thread about 0.3 s at a time (1.2-4.6 s with its
    Plotly hover view), and nothing else on the page runs meanwhile."""
    page.evaluate("""async () => {
        const start = performance.now();
        let last = start, calm = start;
        while (performance.now() - calm < 500 && performance.now() - start < 30000) {
            await new Promise((done) => setTimeout(done, 20));
            const now = performance.now();
            if (now - last > 100) calm = now;
            last = now;
        } }""")
