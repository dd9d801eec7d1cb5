"""The page on a phone (390 x 844, an iPhone 14's viewport) in a real browser (issue 13, item 9).

At that width Gradio hid three of the five tabs under "More tabs", drew each latent plane
about 130 px wide and broke table cells one letter per line; `audiodemo/ui/style.py` is
the fix. Each test saves what it saw in `test-results/<test>/` (pytest-playwright's
`output_path`), one full-page screenshot per tab.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]
TIMEOUT = 30_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TABS = ["Spectrogram", "Denoise", "Latent space", "Melody", "Experiments"]

LINE_HEIGHTS = """cells => cells.map(c => {
  const s = getComputedStyle(c);
  const line = parseFloat(s.lineHeight) || 1.5 * parseFloat(s.fontSize);  // "normal"
  return [c.textContent.trim(), c.getBoundingClientRect().height / line];
})"""


ISOLATED = """points => {
  const at = points.map(p => { const r = p.getBoundingClientRect();
                               return [r.x + r.width / 2, r.y + r.height / 2, r.width / 2]; });
  const near = at.map(([x, y], i) => at.reduce((best, [u, v], j) => {
    const d = Math.hypot(u - x, v - y);
    return j !== i && d < best[0] ? [d, u, v] : best; }, [Infinity, 0, 0]));
  const i = near.reduce((best, n, j) => n[0] > near[best][0] ? j : best, 0);
  const [gap, u, v] = near[i], [x, y, r] = at[i];
  return {index: i, gap: gap, radius: r, away: [(x - u) / gap, (y - v) / gap]};
}"""


def open_on(page: Page, url: str, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    page.goto(url)
    expect(page.get_by_role("tab", name=TABS[0])).to_be_visible(timeout=TIMEOUT)


def go_to(page: Page, tab: str) -> None:
    """Open a tab from the bar, or from the "More tabs" menu where Gradio hid it there (so
    that each test below checks its own thing, also on a page whose tab bar is broken)."""
    button = page.get_by_role("tab", name=tab)
    if not button.is_visible():
        page.get_by_label("More tabs").click()
        page.locator(".overflow-dropdown button", has_text=tab).click()
    else:
        button.click()
    expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")


def settled(page: Page, locator, seconds: float = 10.0) -> None:
    """Wait until `locator` stays where it is for 300 ms (the page has stopped moving)."""
    last, deadline = None, time.monotonic() + seconds
    while time.monotonic() < deadline:
        box = locator.bounding_box()
        if box is not None and box == last:
            return
        last = box
        page.wait_for_timeout(300)
    raise AssertionError(f"{locator} kept moving for {seconds} s")


def shoot(page: Page, folder: str, name: str) -> None:
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_every_tab_is_in_the_tab_bar_on_a_phone(page: Page, app_url, output_path):
    open_on(page, app_url, PHONE)
    expect(page.get_by_label("More tabs")).not_to_be_visible()
    for i, tab in enumerate(TABS):
        button = page.get_by_role("tab", name=tab)
        expect(button).to_be_visible()
        # measured together: a tab's pictures may scroll the page, bar and buttons with it
        bar = page.get_by_role("tablist").bounding_box()
        box = button.bounding_box()  # inside the screen, full height: a finger-sized target
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (tab, box)
        assert box["y"] >= bar["y"] - 1 and box["height"] >= 30, (tab, box, bar)
        button.click(timeout=5_000)
        expect(button).to_have_attribute("aria-selected", "true")
        page.wait_for_timeout(1_000)  # the tab's pictures
        shoot(page, output_path, f"phone-{i + 1}-{tab.split()[0].lower()}")


def test_the_latent_planes_stack_each_the_width_of_a_phone(page: Page, app_url):
    open_on(page, app_url, PHONE)
    go_to(page, "Latent space")
    left, right = (page.locator(f"#plane-{side} svg") for side in ("left", "right"))
    expect(left).to_be_visible(timeout=TIMEOUT)
    a, b = left.bounding_box(), right.bounding_box()
    assert a["width"] >= 300 and b["width"] >= 300, (a, b)
    assert b["y"] >= a["y"] + a["height"] - 1, ("not one above the other", a, b)
    assert a["x"] >= 0 and a["x"] + a["width"] <= PHONE["width"], a
    # a click on a point still decodes it
    point = page.locator("#plane-right circle[data-file]").last
    name = point.get_attribute("data-file")
    point.click()
    expect(page.locator("#latent-caption")).to_contain_text(name, timeout=TIMEOUT)


@pytest.mark.parametrize(("tab", "cells"), [
    ("Experiments", "#experiments-tables th, #experiments-tables td"),
    ("Latent space", "table:has(th:has-text('±2σ')) th, table:has(th:has-text('±2σ')) td"),
], ids=["experiments", "latent-stats"])
def test_table_cells_stay_a_line_or_two_high_on_a_phone(page: Page, app_url, tab, cells):
    open_on(page, app_url, PHONE)
    go_to(page, tab)
    expect(page.locator(cells).first).to_be_visible(timeout=TIMEOUT)
    heights = page.locator(cells).evaluate_all(LINE_HEIGHTS)
    assert len(heights) > 10
    tall = [(text, round(lines, 1)) for text, lines in heights if lines >= 3]
    assert not tall, f"cells {len(tall)} of {len(heights)} wrap to 3 lines or more: {tall[:5]}"
    # the page itself does not scroll sideways: a wide table scrolls in its own box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_desktop_keeps_one_row_of_tabs_and_the_planes_side_by_side(page: Page, app_url,
                                                                       output_path):
    open_on(page, app_url, DESKTOP)
    tops = {round(page.get_by_role("tab", name=tab).bounding_box()["y"]) for tab in TABS}
    assert len(tops) == 1, tops
    go_to(page, "Latent space")
    expect(page.locator("#plane-left svg")).to_be_visible(timeout=TIMEOUT)
    a, b = (page.locator(f"#plane-{side}").bounding_box() for side in ("left", "right"))
    assert abs(a["y"] - b["y"]) < 1 and b["x"] > a["x"] + a["width"] - 1, (a, b)
    shoot(page, output_path, "desktop-latent")


def test_a_tap_beside_a_point_on_a_phone_picks_that_point(browser, app_url):
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    try:
        open_on(page, app_url, PHONE)
        go_to(page, "Latent space")
        points = page.locator("#plane-left circle[data-file]")
        expect(points.first).to_be_visible(timeout=TIMEOUT)
        # beside the point farthest from its neighbours, away from the nearest: off the
        # point, yet nearer it than any other
        points.first.scroll_into_view_if_needed()
        settled(page, points.first)  # not "networkidle": a page with state holds a heartbeat
        lonely = points.evaluate_all(ISOLATED)
        step = min(6.0, lonely["gap"] / 2 - 0.5)
        assert step > lonely["radius"] + 1, lonely
        point = points.nth(lonely["index"])
        point.scroll_into_view_if_needed()
        name, box = point.get_attribute("data-file"), point.bounding_box()
        (dx, dy) = lonely["away"]
        page.touchscreen.tap(box["x"] + box["width"] / 2 + step * dx,
                             box["y"] + box["height"] / 2 + step * dy)
        expect(page.locator("#latent-caption")).to_contain_text(name, timeout=TIMEOUT)
    finally:
        context.close()
