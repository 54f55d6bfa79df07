"""The compare page in a browser: from the search page, add a search, change its colour,
switch the period, download the series as CSV."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_compare_two_searches_and_download_the_series(page, site):
    page.goto(site + "/?q=kim")
    page.get_by_role("link", name="Compare with another search").click()
    expect(page).to_have_url(re.compile(r"/compare/\?s1\.q=kim"))
    page.fill("#new-q", "pompeo")
    page.fill("#new-label", "Pompeo")
    page.get_by_role("button", name="Compare").click()
    legend = page.locator(".legend li")
    expect(legend).to_have_text(["kim", "Pompeo"])
    expect(page.locator(".compare-chart polyline")).to_have_count(2)

    page.fill("#s2-color", "#aa0000")
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"s2\.color=%23aa0000"))
    expect(page.locator(".compare-chart polyline").nth(1)).to_have_attribute("stroke", "#aa0000")

    bins = page.locator(".compare-switches .bins a:not([aria-current])")
    other = bins.first.inner_text()
    bins.first.click()
    expect(page.locator(".compare-switches .bins [aria-current]")).to_have_text(other)
    expect(page.locator(".compare-table caption")).to_contain_text(f"per {other}")

    with page.expect_download() as info:
        page.get_by_role("link", name="series CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][4:] == ["kim count", "kim share", "Pompeo count", "Pompeo share"]
    assert sum(int(r[4]) for r in rows[1:]) == 5  # every seed mentions Kim
    assert f"bin={other}" in info.value.url


def test_the_page_works_without_javascript(page_without_js, site):
    page = page_without_js
    page.goto(site + "/compare/?s1.q=kim&s2.q=pompeo&measure=share")
    expect(page.locator(".compare-chart circle").first).to_be_attached()
    page.get_by_role("link", name="Remove search 1").click()
    expect(page.locator(".legend li")).to_have_text(["pompeo"])
    page.get_by_text("The numbers behind the chart").click()
    expect(page.locator(".compare-table tbody tr").first).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_compare_page_has_no_axe_violations(page, site, width, scheme):
    from tests.browser.test_accessibility import violations

    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(site + "/compare/?s1.q=kim&s2.q=pompeo&s3.tag=place:pyongyang&measure=share")
    page.get_by_text("The numbers behind the chart").click()
    assert violations(page) == []


def test_the_searches_fields_are_the_same_height_in_every_box(page, site):
    # The boxes of a row are as tall as the tallest (the others add a remove link and
    # their filters): the spare height stays below the fields, never stretching them.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/compare/?s1.q=kim&s2.q=pompeo&s2.tag=place:pyongyang")
    heights = page.locator(".compare-search input[type=search]").evaluate_all(
        "inputs => inputs.map(input => input.getBoundingClientRect().height)"
    )
    assert len(heights) == 3 and len(set(heights)) == 1, heights
