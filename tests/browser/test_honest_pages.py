"""The search pages tell the truth and keep a person oriented (issue 17): a page past the
end, a query with no words, a corrected search, the feed, dates, labels, compression,
keyboard paths and tag kinds that do not rely on colour."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def summary(page):
    return page.locator(".summary")


def test_a_page_past_the_end_says_so_and_links_only_to_pages_that_exist(page, site):
    response = page.goto(site + "/?size=2&page=99")
    assert response.status == 404
    expect(summary(page)).to_have_text(re.compile(r"^\s*5 articles\s"))
    expect(summary(page)).not_to_contain_text("page 99")
    expect(page.locator(".notice")).to_contain_text("There is no page 99")
    pager = page.get_by_role("navigation", name="Pages of results")
    expect(pager.get_by_role("link", name="← Previous")).to_have_count(0)
    hrefs = pager.get_by_role("link").evaluate_all("links => links.map(a => a.href)")
    assert all("page=98" not in h and "page=99" not in h for h in hrefs), hrefs
    page.get_by_role("link", name="Go to the last page").click()
    expect(summary(page)).to_contain_text("page 3 of 3")


def test_a_lone_bracket_searches_nothing_and_says_so(page, site):
    page.goto(site + "/?q=(")
    expect(page.locator(".notice")).to_have_text(
        re.compile(r"^There is nothing to search for in “\(”")
    )
    expect(page.get_by_text("searched literally")).to_have_count(0)
    expect(page.locator(".hit")).to_have_count(0)
    expect(summary(page)).to_contain_text("No articles")


def test_a_misspelling_with_no_results_shows_the_corrected_results_once(page, site):
    page.goto(site + "/")
    page.get_by_label("Search the archive").fill("Pyongyng")
    page.keyboard.press("Enter")
    correction = page.locator(".didyoumean")
    expect(correction).to_have_count(1)
    expect(correction).to_have_text("Showing results for Pyongyang. Search instead for Pyongyng")
    expect(page.locator(".hit").first).to_be_visible()
    expect(summary(page)).to_contain_text("for “Pyongyang”")
    expect(page.get_by_text("Did you mean")).to_have_count(0)

    page.get_by_role("link", name="Pyongyng").click()
    expect(page).to_have_url(re.compile(r"q=Pyongyng&autocorrect=off"))
    expect(page.locator(".hit")).to_have_count(0)
    expect(page.locator(".empty")).to_contain_text("No articles match “Pyongyng”")
    expect(page.get_by_text("Did you mean")).to_have_count(1)
    expect(page.locator(".didyoumean a")).to_have_text("Pyongyang")


def test_follow_this_search_leads_a_person_to_a_page_about_the_feed(page, site):
    page.goto(site + "/?q=summit&outlet=bloomberg")
    alternate = page.locator('head link[rel=alternate][type="application/atom+xml"]')
    feed_href = alternate.get_attribute("href")
    assert feed_href == "/feed/?q=summit&outlet=bloomberg"
    page.get_by_role("link", name=re.compile("Follow this search")).click()
    expect(page).to_have_url(re.compile(r"/feed/about/\?q=summit&outlet=bloomberg$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Follow this search")
    expect(page.locator("main")).to_contain_text("feed reader")
    link = page.get_by_label("Feed address")
    expect(link).to_have_value(site + "/feed/?q=summit&outlet=bloomberg")
    expect(page.locator('head link[rel=alternate][type="application/atom+xml"]')).to_have_count(1)

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy the address").click()
    expect(page.get_by_role("status")).to_contain_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == link.input_value()

    feed = page.request.get(site + feed_href)
    assert feed.headers["content-type"].startswith("application/atom+xml")
    self_link = re.search(r'<link[^>]*rel="self"[^>]*>', feed.text()).group(0)
    assert 'href="http://' in self_link and "/feed/?q=summit&amp;outlet=bloomberg" in self_link


def test_dates_read_the_same_in_chips_inputs_and_hits(page, site):
    page.goto(site + "/?from=2018-05-01&to=2018-06-30")
    expect(page.get_by_role("link", name="Remove filter From: 1 May 2018")).to_be_visible()
    expect(page.get_by_role("link", name="Remove filter Until: 30 Jun 2018")).to_be_visible()
    expect(page.get_by_role("textbox", name="From")).to_have_value("2018-05-01")
    assert page.get_by_role("textbox", name="From").get_attribute("type") == "text"
    for shown in page.locator(".hit time").all_inner_texts():
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", shown), shown


def test_organisations_are_spelled_one_way_on_a_tag_page(page, site):
    page.goto(site + "/tags/organization/united-nations/")
    text = page.locator("body").inner_text()
    assert "Organisation" in text
    assert "ORGANIZATION" not in text.upper().replace("ORGANISATION", "")
    page.get_by_label("Search within United Nations").press_sequentially("Unite", delay=30)
    option = page.get_by_role("option", name=re.compile("United Nations"))
    expect(option).to_contain_text("Organisation")


def test_pages_are_sent_compressed(page, site):
    response = page.goto(site + "/?q=kim")
    assert response.headers.get("content-encoding") == "gzip"


def test_a_keyboard_reaches_the_first_filter_in_a_few_presses(page, site):
    page.goto(site + "/?q=kim")
    for _ in range(2):
        page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to filters")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#filters input[type=checkbox]").first).to_be_focused()


def test_facet_groups_are_headings_inside_the_filters(page, site):
    page.goto(site + "/?q=kim")
    filters = page.get_by_role("complementary", name="Filters")
    expect(filters.get_by_role("heading", name="Outlets", level=3)).to_be_visible()
    expect(filters.get_by_role("heading", name="Organisations", level=3)).to_be_visible()


def test_tag_kinds_are_written_not_only_coloured(page, site):
    page.goto(site + "/?q=Pompeo")
    tag = page.locator(".hit .tag").filter(has_text="Mike Pompeo").first
    expect(tag).to_have_text(re.compile(r"^\s*Person\W+Mike Pompeo\s*$"))
    expect(tag.locator(".tag-kind")).to_be_visible()


def test_the_colours_follow_a_dark_system_setting(browser, site):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site + "/?q=kim")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [int(n) for n in re.findall(r"\d+", background)[:3]]
    context.close()
    assert max(channels) < 80, background
