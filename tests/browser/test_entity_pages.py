"""A person on a tag page in Chromium: the subject introduced, facets that narrow it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def facet_choice(page, facet: str, label: str):
    return page.locator(f"#facet-{facet} li.choice").filter(has_text=label)


def test_a_tag_page_introduces_its_person_and_narrows_within_it(page, site):
    page.goto(site + "/tags/person/moon-jae-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moon Jae-in")
    expect(page.locator(".entity-about")).to_contain_text(
        "Moon Jae-in is a person in the archive, with 2 articles from 9 May 2018 to 10 Jan 2019"
    )
    companions = page.get_by_role("region", name="Appears most with")
    expect(companions.get_by_role("link", name="Mike Pompeo")).to_be_visible()
    # Pompeo is on 2 articles of the archive; the page counts the 1 he shares with Moon.
    expect(facet_choice(page, "person", "Mike Pompeo").locator(".count")).to_have_text("1")
    facet_choice(page, "person", "Mike Pompeo").locator("label").click()
    expect(page).to_have_url(re.compile(r"/tags/person/moon-jae-in/\?tag=person%3Amike-pompeo"))
    expect(page.locator(".summary")).to_contain_text("1 article")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moon Jae-in")

    page.locator(".entity-facts dd a").first.click()  # the first article
    expect(page).to_have_url(re.compile(r"/articles/\d+/"))


def test_a_companion_leads_to_its_own_page(page, site):
    page.goto(site + "/tags/person/moon-jae-in/")
    region = page.get_by_role("region", name="Appears most with")
    region.get_by_role("link", name="Al Jazeera").click()
    expect(page).to_have_url(re.compile(r"/outlets/al-jazeera/$"))
    expect(page.locator(".entity-about")).to_contain_text("Al Jazeera is an outlet")
