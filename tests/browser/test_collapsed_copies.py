"""A person expanding a folded group of copies in place, with and without JavaScript,
and switching to every copy with the toggle."""

import re

import pytest
from playwright.sync_api import expect

from tests.search.conftest import wire_articles

pytestmark = pytest.mark.browser


@pytest.fixture
def wire_site(live_server, transactional_db) -> str:
    wire_articles()
    return live_server.url


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_expanding_a_folded_group_shows_its_copies_in_place(request, wire_site, js):
    page = request.getfixturevalue("page" if js else "page_without_js")
    page.goto(wire_site + "/?q=Dalian&sort=oldest")
    expect(page.locator(".summary")).to_contain_text(
        "4 articles for “Dalian”, 2 after folding copies"
    )
    group = page.locator(".hit").first
    more = group.locator("details.copies")
    expect(more.locator("summary")).to_have_text("2 more copies: JoongAng, Herald")
    copy = more.get_by_role("link", name="Kim visits Dalian (Herald)")
    expect(copy).to_be_hidden()

    more.locator("summary").click()
    expect(copy).to_be_visible()
    expect(more).to_contain_text("10 May 2018")
    expect(page).to_have_url(re.compile(r"q=Dalian&sort=oldest$"))  # in place: no new page

    copy.click()
    expect(page).to_have_url(re.compile(r"/articles/\d+/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kim visits Dalian (Herald)")


def test_the_toggle_shows_every_copy_and_keeps_it_across_pages(page, wire_site):
    page.goto(wire_site + "/?q=Dalian&sort=oldest")
    page.get_by_role("link", name="Show every copy").click()
    expect(page).to_have_url(re.compile(r"collapse=none"))
    expect(page.locator(".hit")).to_have_count(4)
    expect(page.locator("details.copies")).to_have_count(0)
    expect(page.locator('.collapse [aria-current="true"]')).to_have_text("Show every copy")
    page.get_by_role("link", name="One per story").click()
    expect(page.locator(".hit")).to_have_count(1)
    expect(page.locator(".hit details.copies summary")).to_have_text(
        re.compile(r"^3 more articles of this story: ")
    )
