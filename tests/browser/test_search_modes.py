"""Choosing how words find articles (words, meaning, both) on the search page, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from search.semantic import semantic_missing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(semantic_missing()), reason="the semantic extra is not installed"),
]

# None of the seeds has these words; all of them are about it.
PARAPHRASE = "atomic bombs and warheads"


@pytest.fixture
def meaning(site, settings):
    """The seeds embedded and meaning-based search on."""
    from search.semantic import embed_pending
    from search.semantic.vectors import reset_vectors

    settings.SEARCH_SEMANTIC = True
    reset_vectors()
    embed_pending()
    yield site
    reset_vectors()


def test_choosing_meaning_finds_what_the_words_do_not(page, meaning):
    page.goto(meaning + "/?" + f"q={PARAPHRASE}")
    expect(page.locator(".summary")).to_contain_text("No articles")
    page.get_by_label("Meaning", exact=True).check()  # submits the form (JavaScript)
    expect(page).to_have_url(re.compile(r"mode=semantic"))
    expect(page.locator(".hit").first).to_be_visible()
    expect(page.get_by_label("Meaning", exact=True)).to_be_checked()


def test_the_mode_control_works_without_javascript(page_without_js, meaning):
    page = page_without_js
    page.goto(meaning + "/?" + f"q={PARAPHRASE}")
    page.get_by_label("Words and meaning").check()
    page.locator(".modes").get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"mode=hybrid"))
    expect(page.locator(".hit").first).to_be_visible()
