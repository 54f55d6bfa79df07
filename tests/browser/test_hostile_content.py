"""Hostile data in a real Chromium: the payloads show as text, no script runs, no dialog opens
and no element of theirs reaches the DOM — on the search page, an article and the admin."""

import re

import pytest

from search.outbox import outbox_drain
from tests.hostile import SCRIPT, hostile_archive

pytestmark = pytest.mark.browser

# Markup the payloads would add if they were not escaped.
INJECTED = "[data-xss], [onerror], [onload], iframe, a[href^='javascript:' i]"
PASSWORD = "a-long-passphrase"


@pytest.fixture
def hostile_site(live_server, transactional_db, django_user_model):
    data = hostile_archive()
    outbox_drain()
    django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    return live_server.url, data


@pytest.fixture
def dialogs(page) -> list[str]:
    """Every alert/confirm/prompt the page opens (dismissed, so the test goes on)."""
    opened = []

    def record(dialog):
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def assert_inert(page, dialogs):
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # let any onload/onerror handler of a late image run
    assert dialogs == []
    assert page.locator(INJECTED).count() == 0
    assert page.evaluate("() => window.__xss === undefined")


def test_search_page_and_autocomplete_show_payloads_as_text(page, hostile_site, dialogs):
    from playwright.sync_api import expect

    site, _ = hostile_site
    page.goto(f"{site}/?q=hostile")

    expect(page.locator(".hit")).to_have_count(2)  # the copy is folded into its original
    expect(page.locator(".hit .outlet").first).to_contain_text(SCRIPT)
    page.locator(".copies summary").first.click()  # the folded copy's title and outlet
    expect(page.locator(".copies li").first).to_be_visible()
    assert_inert(page, dialogs)

    page.get_by_label("Search the archive").fill("")
    page.get_by_label("Search the archive").press_sequentially("Host", delay=30)
    expect(page.get_by_role("option").first).to_be_visible()
    expect(page.get_by_role("option", name=re.compile("<script data-xss>")).first).to_be_visible()
    assert_inert(page, dialogs)


def test_article_page_shows_payloads_as_text(page, hostile_site, dialogs):
    from playwright.sync_api import expect

    site, data = hostile_site
    page.goto(site + data["article"].get_absolute_url() + "?q=hostile")

    expect(page.locator("#article-title")).to_contain_text(SCRIPT)
    page.get_by_text("Show the raw text as received").click()
    expect(page.locator("details.raw pre")).to_contain_text("<html><body>hostile")
    expect(page.get_by_text("Read the original")).to_have_count(0)  # a javascript: url
    assert_inert(page, dialogs)


def test_admin_changelists_and_forms_show_payloads_as_text(page, hostile_site, dialogs):
    from playwright.sync_api import expect

    site, data = hostile_site
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()

    for path in ("article", "tag", "outlet", "importbatch"):
        page.goto(f"{site}/admin/archive/{path}/")
        expect(page.locator("#result_list")).to_contain_text("<script data-xss>")
        assert_inert(page, dialogs)
    page.goto(f"{site}/admin/archive/article/{data['article'].pk}/change/")
    expect(page.locator("textarea[name=body]")).to_have_value(re.compile("<script data-xss>"))
    assert_inert(page, dialogs)
