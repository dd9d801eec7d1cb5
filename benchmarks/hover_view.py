"""How long the Spectrogram tab holds the page still after a draw, with and without the
Plotly hover view, in one run: the page's long tasks (over 50 ms of main thread), summed
and the longest, for the first draw of the piano example and for redraws on a new scale.

    python -m benchmarks.hover_view [--rounds 3]

While a long task runs the page answers nothing: no playhead moves, no click lands.
"""

from __future__ import annotations

import argparse
import shutil
import statistics

from playwright.sync_api import expect, sync_playwright

from benchmarks.load import free_port, start_app

TIMEOUT = 60_000
WATCH = """() => { window.longTasks = []; new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.longTasks.push(e.duration); })
    .observe({type: 'longtask', buffered: false}); }"""


def held(page, act, seconds: float = 6.0) -> list[float]:
    """The long tasks (ms) in the `seconds` after `act()`."""
    page.evaluate("() => window.longTasks.splice(0)")
    act()
    page.wait_for_timeout(1000 * seconds)
    return page.evaluate("() => window.longTasks.splice(0)")


def one_page(browser, url: str, hover: bool) -> dict[str, list[float]]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url)
    page.evaluate(WATCH)
    if hover:
        page.get_by_label("Hover view: time, Hz and level under the pointer").check()
    page.wait_for_timeout(2000)

    def first():
        page.get_by_text("piano_middle_c.wav").click()
        expect(page.locator("#spectrogram-picture .sp-image")).to_be_visible(timeout=TIMEOUT)

    tasks = {"first draw": held(page, first)}
    for scale in ("mel", "log", "linear"):
        tasks.setdefault("redraw", []).append(
            held(page, lambda s=scale: page.get_by_role("radio", name=s).click()))
    page.close()
    return tasks


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="pages opened per setting")
    args = parser.parse_args(argv)
    port = free_port()
    server = start_app(port)
    url = f"http://127.0.0.1:{port}/"
    rows = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"))
            for _ in range(args.rounds):  # the settings alternate, so both meet the same load
                for hover in (False, True):
                    got = one_page(browser, url, hover)
                    row = rows.setdefault(hover, {"first draw": [], "redraw": []})
                    row["first draw"].append(got["first draw"])
                    row["redraw"].extend(got["redraw"])
            browser.close()
    finally:
        server.kill()
    print("| hover view | draw | page held still, summed (median ms) | longest task (median ms) |"
          " draws |")
    print("|---|---|---|---|---|")
    for hover, row in rows.items():
        for draw, runs in row.items():
            summed = statistics.median(sum(r) for r in runs)
            longest = statistics.median(max(r, default=0) for r in runs)
            print(f"| {'on' if hover else 'off'} | {draw} | {summed:.0f} | {longest:.0f} |"
                  f" {len(runs)} |")


if __name__ == "__main__":
    main()
