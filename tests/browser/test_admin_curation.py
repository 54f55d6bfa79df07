"""An editor curates in the admin (real Chromium) and the public search follows."""

import importlib
import re

import pytest
from django.apps import apps

from archive.models import Article, Tag

pytestmark = pytest.mark.browser

groups_migration = importlib.import_module("archive.migrations.0050_editor_reader_groups")


@pytest.fixture
def editor(site, django_user_model):
    groups_migration.create_groups(apps, None)  # a flushed database lost the migration's rows
    user = django_user_model.objects.create_user(
        "editor", password="a-long-passphrase", is_staff=True
    )
    user.groups.add(apps.get_model("auth", "Group").objects.get(name="Editors"))
    return user


def _log_in(page, site):
    from playwright.sync_api import expect

    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()


def test_editor_tags_an_article_and_finds_it_under_the_tag_on_the_search_page(page, site, editor):
    from playwright.sync_api import expect

    article = Article.objects.order_by("pk").first()
    Tag.objects.create(name="Editors' choice", kind="topic")
    _log_in(page, site)

    page.goto(f"{site}/admin/archive/article/{article.pk}/change/")
    page.locator(".field-tags .select2-selection").click()
    page.locator(".select2-search__field").last.fill("editors")
    page.locator(".select2-results__option", has_text="Editors' choice").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{site}/?tag=topic:editors-choice")
    hits = page.locator(".hit-title")
    expect(hits).to_have_count(1)
    expect(hits.first).to_have_text(re.compile(re.escape(article.title[:40])))


def test_the_article_list_fits_a_1280_pixel_screen(page, site, editor):
    """Every column, the last (duplicates) included, is on screen without scrolling sideways;
    long titles are cut short, the whole title in their tooltip."""
    from playwright.sync_api import expect

    long_title = "A very long headline " * 12
    article = Article.objects.order_by("pk").first()
    Article.objects.filter(pk=article.pk).update(title=long_title.strip())
    _log_in(page, site)

    page.goto(f"{site}/admin/archive/article/?o=1")  # by title: the long one is listed
    expect(page.locator("#result_list")).to_be_visible()

    sizes = page.evaluate(
        """() => {
            const root = document.documentElement, results = document.querySelector('.results');
            const last = document.querySelector('#result_list thead th:last-child');
            return {page: [root.scrollWidth, root.clientWidth],
                    results: [results.scrollWidth, results.clientWidth],
                    lastRight: last.getBoundingClientRect().right,
                    resultsRight: results.getBoundingClientRect().right};
        }"""
    )
    assert sizes["page"][0] <= sizes["page"][1], f"the page scrolls sideways: {sizes}"
    # Django's admin scrolls an overwide table inside its box: the page alone proves nothing.
    assert sizes["results"][0] <= sizes["results"][1], f"the table scrolls sideways: {sizes}"
    assert sizes["lastRight"] <= min(sizes["resultsRight"], 1280), sizes
    cut = page.locator(f'#result_list [title="{long_title.strip()}"]')
    expect(cut).to_have_count(1)
    assert len(cut.inner_text()) < len(long_title.strip())


def test_editor_adds_a_new_tag_to_two_articles_from_the_list(page, site, editor):
    from playwright.sync_api import expect

    first, second = Article.objects.order_by("pk")[:2]
    _log_in(page, site)

    page.goto(f"{site}/admin/archive/article/")
    for article in (first, second):
        page.locator(f'input.action-select[value="{article.pk}"]').check()
    page.locator("select[name=action]").select_option("add_tags")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Or a tag by name").fill("Summit diplomacy")
    page.get_by_label("Its kind").select_option("topic")
    page.get_by_role("button", name="Add tags").click()

    message = page.locator(".messagelist .success")
    expect(message).to_contain_text("Created the tag Summit diplomacy (topic).")
    expect(message).to_contain_text("Summit diplomacy (topic): added to 2 articles.")
    page.goto(f"{site}/?tag=topic:summit-diplomacy")
    expect(page.locator(".hit-title")).to_have_count(2)

    page.goto(f"{site}/admin/archive/article/")
    page.locator(f'input.action-select[value="{first.pk}"]').check()
    page.locator("select[name=action]").select_option("add_tags")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Or a tag by name").fill("summit Diplomacy")
    page.get_by_role("button", name="Add tags").click()
    expect(page.locator(".messagelist .warning")).to_have_text(
        "Summit diplomacy (topic): added to 0 articles, 1 already had it."
    )
