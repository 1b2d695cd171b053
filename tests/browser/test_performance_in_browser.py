"""A commune's figures on a 360×640 phone, in Arabic and in French: reached by tapping from the
home page, no sideways scrolling, the charts drawn, their tables there, and no accessibility
violation found by axe-core (injected through DevTools: the page's CSP rightly refuses scripts
it did not serve)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.performance.conftest import clock, rolled_up  # noqa: F401  (the spring, rolled up)
from tests.performance.scenario import CHEFCHAOUEN

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """axe.run(document, {resultTypes: ["violations"]}).then(result => result.violations.map(
            v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))})))"""
    )


@pytest.mark.parametrize(("locale", "language", "direction"), [("ar-MA", "ar", "rtl"), ("fr-MA", "fr", "ltr")])
def test_a_communes_figures_on_a_phone(phone, rolled_up, locale, language, direction):  # noqa: F811
    tab = phone(locale)
    page = tab.page
    tab.goto("/")
    page.locator(".foot a[href='/performance']").click()
    page.wait_for_url("**/performance")
    expect(page.locator("main table")).to_be_visible()
    assert tab.fits_the_screen()
    tab.screenshot(f"performance-communes-{language}-360")
    page.locator(f"main a[href='/communes/{CHEFCHAOUEN}/performance']").click()
    page.wait_for_url(f"**/communes/{CHEFCHAOUEN}/performance")
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(page.locator("h1")).to_be_visible()

    charts = page.locator("svg.chart-svg")
    expect(charts).to_have_count(2)
    for index in range(2):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] > 280 and box["height"] > 100  # drawn at the phone's width, not squeezed
    # A bar where a month has 5 cases or more (permits decided in time never do in this spring).
    expect(charts.nth(1).locator("path.chart-bars")).to_be_visible()
    expect(page.locator("table.chart-table")).to_have_count(2)
    expect(page.locator("main table")).to_have_count(3 + 2)  # the three sections, the charts' tables
    assert tab.fits_the_screen()
    page.evaluate("window.scrollTo(0, 0)")
    tab.screenshot(f"performance-{language}-360")
    tab.screenshot(f"performance-{language}-360-full", full_page=True)

    assert axe_violations(page) == []

    page.locator(f"main a[href='/communes/{CHEFCHAOUEN}/performance/details']").click()
    page.wait_for_url("**/details")
    expect(page.locator("main table").first).to_be_visible()
    assert tab.fits_the_screen()
    tab.screenshot(f"performance-details-{language}-360", full_page=True)
    assert axe_violations(page) == []
    assert tab.errors == []


def test_the_open_data_page_on_a_phone(phone, rolled_up):  # noqa: F811
    tab = phone("ar-MA")
    tab.goto("/performance")
    tab.page.locator(".main a[href='/open-data']").click()
    tab.page.wait_for_url("**/open-data")
    assert tab.fits_the_screen()
    tab.screenshot("open-data-ar-360")
    assert axe_violations(tab.page) == []
