"""The date chart tells the truth and never dead-ends; a person keeps their place between
results and articles, and on a phone the filters are a drawer near the top."""

import datetime as dt
import itertools
import re

import pytest
from playwright.sync_api import expect

from archive.models import Article
from search.outbox import outbox_drain
from tests.factories import make_article

pytestmark = pytest.mark.browser


def bar(page, name: str):
    return page.locator(".histogram").get_by_role("link", name=name)


@pytest.fixture
def outlier(site):
    """Six more articles on 10 May 2018 (May now spans two days) and one in 2031."""
    for n in range(6):
        make_article(f"Spring story {n}", published=dt.date(2018, 5, 10))
    make_article("A story from far ahead", published=dt.date(2031, 3, 4))
    outbox_drain()
    return site


def test_one_far_article_does_not_flatten_the_chart(page, outlier):
    page.goto(outlier + "/")
    expect(page.locator(".histogram figcaption")).to_contain_text("by month")
    expect(bar(page, "May 2018: 8 articles")).to_be_visible()
    expect(page.locator(".histogram svg")).not_to_contain_text("2031")
    far = page.locator(".histogram").get_by_role("link", name="+1 in 2031 →")
    far.click()
    expect(page).to_have_url(re.compile(r"from=2031-03-04&to=2031-03-04"))
    expect(page.locator(".hit-title")).to_have_text(["A story from far ahead"])


def test_a_month_opens_into_days_and_a_two_day_range_shows_two_bars(page, outlier):
    page.goto(outlier + "/")
    bar(page, "May 2018: 8 articles").click()
    expect(page).to_have_url(re.compile(r"from=2018-05-01&to=2018-05-31"))
    expect(page.locator(".histogram figcaption")).to_contain_text("by day")
    expect(bar(page, "9 May 2018: 2 articles")).to_be_visible()
    expect(bar(page, "10 May 2018: 6 articles")).to_be_visible()
    bar(page, "9 May 2018: 2 articles").click()
    expect(page).to_have_url(re.compile(r"from=2018-05-09&to=2018-05-09"))
    expect(page.locator(".summary")).to_contain_text("2 articles")


def test_the_bins_can_be_switched(page, site):
    page.goto(site + "/")
    page.locator(".histogram .bins").get_by_role("link", name="week").click()
    expect(page).to_have_url(re.compile(r"bin=week"))
    expect(page.locator(".histogram figcaption")).to_contain_text("by week")
    expect(bar(page, "Week of 7 May 2018: 2 articles")).to_be_visible()


def test_only_bins_with_articles_are_links_and_tab_stops(page, site):
    page.goto(site + "/")
    links = page.locator(".histogram svg a")
    expect(links).to_have_count(4)  # May 2018, July 2018, January 2019, June 2019
    assert page.locator(".histogram svg .bin").count() == 14
    for label in links.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))"):
        assert not label.endswith(": 0 articles")


def test_a_bars_count_shows_on_focus(page, site):
    page.goto(site + "/?bin=week")
    link = bar(page, "Week of 7 May 2018: 2 articles")
    count = link.locator("text.count")
    expect(count).to_be_hidden()
    link.focus()
    expect(count).to_be_visible()
    expect(count).to_have_text("2")


def test_dragging_across_bars_searches_that_range(page, site):
    page.goto(site + "/")
    start = bar(page, "May 2018: 2 articles").bounding_box()
    end = bar(page, "July 2018: 1 article").bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] - 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] - 2, steps=5)
    expect(page.locator(".histogram .range-status")).to_contain_text("3 articles")
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"from=2018-05-01&to=2018-07-31"))
    expect(page.locator(".summary")).to_contain_text("3 articles")


def test_space_on_one_bar_and_enter_on_another_searches_that_range(page, site):
    page.goto(site + "/")
    bar(page, "July 2018: 1 article").focus()
    page.keyboard.press("Space")
    expect(page.locator(".histogram .range-status")).to_contain_text("From 2018-07-01")
    page.keyboard.press("Tab")
    expect(bar(page, "January 2019: 1 article")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"from=2018-07-01&to=2019-01-31"))
    expect(page.locator(".summary")).to_contain_text("2 articles")


def test_without_javascript_a_bar_is_a_plain_link(page_without_js, site):
    page_without_js.goto(site + "/")
    bar(page_without_js, "January 2019: 1 article").click()
    expect(page_without_js).to_have_url(re.compile(r"from=2019-01-01&to=2019-01-31"))


@pytest.mark.parametrize("path", ["/", "/?bin=week", "/?from=2018-05-01&to=2018-05-31"])
def test_the_chart_labels_fit_on_a_phone(page, site, path):
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(site + path)
    box = page.locator(".histogram svg").bounding_box()
    labels = page.locator(".histogram svg text:not(.count)")
    expect(labels.first).to_be_visible()
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    for b in boxes:
        assert box["x"] <= b["x"] and b["x"] + b["width"] <= box["x"] + box["width"] + 0.5
    for a, b in itertools.pairwise(boxes):
        same_row = abs(a["y"] - b["y"]) < 1
        assert not same_row or a["x"] + a["width"] <= b["x"], "labels overlap"


def test_back_to_results_returns_to_the_same_page_and_hit(page, site):
    results = "/?q=kim&outlet=bloomberg&outlet=the-korea-herald&sort=oldest&size=1&page=2"
    page.goto(site + results)
    title = page.locator(".hit-title a")
    hit_id = page.locator(".hit-title").get_attribute("id")
    title.click()
    page.get_by_role("link", name="Hide highlighting").click()
    expect(page.locator(".body mark")).to_have_count(0)
    page.get_by_role("link", name=re.compile("Back to results")).click()
    expect(page).to_have_url(site + results + f"#{hit_id}")
    expect(page.locator(".summary")).to_contain_text("page 2 of 2")
    expect(page.locator(f"#{hit_id}")).to_be_in_viewport()


def test_an_outlet_pages_results_are_kept_too(page, site):
    page.goto(site + "/outlets/bloomberg/?sort=oldest")
    page.locator(".hit-title a").first.click()
    page.get_by_role("link", name="← Back to results").click()
    expect(page).to_have_url(re.compile(r"/outlets/bloomberg/\?sort=oldest#hit-\d+$"))


def _phone(page):
    page.set_viewport_size({"width": 390, "height": 800})


def test_on_a_phone_the_filters_open_near_the_top_and_apply_together(page, site):
    _phone(page)
    page.goto(site + "/?q=summit")
    opener = page.get_by_role("link", name=re.compile(r"^Filters"))
    expect(opener).to_be_in_viewport()
    opener.click()
    drawer = page.locator("#filters")
    expect(drawer).to_be_in_viewport()
    drawer.locator("#facet-outlet label").filter(has_text="Bloomberg").click()
    drawer.locator("#facet-outlet label").filter(has_text="The Korea Herald").click()
    expect(page).to_have_url(site + "/?q=summit#filters")  # no reload on each tick
    page.get_by_role("button", name="Apply (2)").click()
    expect(page).to_have_url(re.compile(r"outlet=bloomberg&outlet=the-korea-herald#results$"))
    expect(page.locator(".summary")).to_be_in_viewport()
    expect(page.locator("#filters")).to_be_hidden()


def test_on_a_phone_the_drawer_works_without_javascript(page_without_js, site):
    page = page_without_js
    _phone(page)
    page.goto(site + "/?q=summit&year=2018")
    page.get_by_role("link", name=re.compile(r"^Filters")).click()
    page.locator("#facet-outlet label").filter(has_text="The Korea Herald").click()
    page.get_by_role("button", name="Apply (1)").click()  # counted when the page was made
    expect(page).to_have_url(re.compile(r"outlet=the-korea-herald&year=2018&.*#results$"))
    expect(page.locator(".summary")).to_be_in_viewport()
    assert Article.objects.count() == 5


@pytest.mark.parametrize("width", [1280, 390])
def test_the_weekly_chart_and_the_open_drawer_have_no_axe_violations(page, site, width):
    from tests.browser.test_accessibility import violations

    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + "/?q=summit&bin=week#filters")
    assert violations(page) == []
