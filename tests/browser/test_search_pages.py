"""A person using the search and article pages in Chromium, over the five seed articles."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def summary(page):
    return page.locator(".summary")


def facet_choice(page, facet: str, label: str):
    return page.locator(f"#facet-{facet} li.choice").filter(has_text=label)


def test_typing_a_query_shows_highlighted_results(page, site):
    page.goto(site + "/")
    page.get_by_label("Search the archive").fill("Dalian")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=Dalian"))
    expect(summary(page)).to_contain_text("2 articles for “Dalian”")
    expect(page.locator(".hit .fragments mark").first).to_have_text(re.compile("Dalian", re.I))
    expect(page.locator(".hit")).to_have_count(2)


def test_autocomplete_suggests_an_outlet_and_goes_there(page, site):
    page.goto(site + "/")
    page.get_by_label("Search the archive").press_sequentially("Bloo", delay=30)
    option = page.get_by_role("option", name=re.compile("Bloomberg"))
    expect(option).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/outlets/bloomberg/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bloomberg")


def test_ticking_two_outlets_and_a_year_changes_counts_and_results(page, site):
    page.goto(site + "/")
    expect(summary(page)).to_contain_text("5 articles")
    expect(facet_choice(page, "year", "2018").locator(".count")).to_have_text("3")

    facet_choice(page, "outlet", "Bloomberg").locator("label").click()
    expect(page).to_have_url(re.compile(r"outlet=bloomberg"))
    facet_choice(page, "outlet", "The Korea Herald").locator("label").click()
    expect(page).to_have_url(re.compile(r"outlet=bloomberg&outlet=the-korea-herald"))
    expect(summary(page)).to_contain_text("2 articles")
    expect(facet_choice(page, "year", "2018").locator(".count")).to_have_text("1")

    facet_choice(page, "year", "2018").locator("label").click()
    expect(page).to_have_url(re.compile(r"year=2018"))
    expect(summary(page)).to_contain_text("1 article")
    expect(page.locator(".hit .outlet")).to_have_text(["The Korea Herald"])


def test_removing_a_chip_drops_that_filter(page, site):
    page.goto(site + "/?outlet=bloomberg&year=2019")
    expect(summary(page)).to_contain_text("1 article")
    page.get_by_role("link", name="Remove filter Outlet: Bloomberg").click()
    expect(page).to_have_url(site + "/?year=2019")
    expect(summary(page)).to_contain_text("2 articles")
    expect(page.get_by_role("link", name="Remove filter Year: 2019")).to_be_visible()


def test_paginating_with_a_small_page_size_and_going_back(page, site):
    page.goto(site + "/?size=2")
    expect(summary(page)).to_contain_text("page 1 of 3")
    page.get_by_role("link", name="Next →").click()
    expect(summary(page)).to_contain_text("page 2 of 3")
    page.get_by_role("link", name="Page 3").click()
    expect(page.locator(".hit")).to_have_count(1)
    page.go_back()
    expect(summary(page)).to_contain_text("page 2 of 3")
    expect(page.locator(".hit")).to_have_count(2)


def test_a_histogram_bar_narrows_the_dates(page, site):
    page.goto(site + "/")
    page.get_by_role("link", name="May 2018: 2 articles").click()
    expect(page).to_have_url(re.compile(r"from=2018-05-01&to=2018-05-31"))
    expect(summary(page)).to_contain_text("2 articles")
    expect(page.get_by_role("link", name="Remove filter From: 1 May 2018")).to_be_visible()


def test_opening_an_article_and_one_more_like_it(page, site):
    page.goto(site + "/?q=Dalian")
    page.locator(".hit-title a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".body mark").first).to_have_text(re.compile("Dalian"))
    first_title = page.get_by_role("heading", level=1).inner_text()
    similar = page.locator(".more-like-this a").first
    similar_title = similar.inner_text()
    assert similar_title != first_title
    similar.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(similar_title)


def test_following_a_tag_link_lists_that_tags_articles(page, site):
    page.goto(site + "/?q=Pompeo")
    page.locator(".hit-title a").first.click()
    page.locator(".article-tags").get_by_role("link", name="Person: Mike Pompeo").click()
    expect(page).to_have_url(re.compile(r"/tags/person/mike-pompeo/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mike Pompeo")
    expect(summary(page)).to_contain_text("2 articles")


def test_a_misspelled_query_shows_the_corrected_results(page, site):
    page.goto(site + "/")
    page.get_by_label("Search the archive").fill("sanctoins")
    page.keyboard.press("Enter")
    expect(page.locator(".didyoumean")).to_have_text(
        "Showing results for sanctions. Search instead for sanctoins"
    )
    expect(summary(page)).to_contain_text("5 articles for “sanctions”")
    expect(page.get_by_label("Search the archive")).to_have_value("sanctions")


def test_everything_works_without_javascript(page_without_js, site):
    page = page_without_js
    page.goto(site + "/")
    page.locator("#facet-place summary").click()  # "Show 1 more" is a <details>
    expect(page.locator("#facet-place details li").first).to_be_visible()
    facet_choice(page, "outlet", "Bloomberg").locator("input").check()
    facet_choice(page, "outlet", "Al Jazeera").locator("input").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"outlet=al-jazeera&outlet=bloomberg|outlet=bloomberg"))
    expect(summary(page)).to_contain_text("2 articles")

    page.get_by_label("Sort").select_option("oldest")
    page.get_by_role("button", name="Sort", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=oldest"))
    expect(page.locator(".hit .outlet").first).to_have_text("Al Jazeera")

    page.get_by_role("link", name="Remove filter Outlet: Bloomberg").click()
    expect(summary(page)).to_contain_text("1 article")


def test_keyboard_users_can_skip_to_the_results(page, site):
    page.goto(site + "/?q=kim")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to results")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
