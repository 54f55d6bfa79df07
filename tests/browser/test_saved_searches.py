"""A reader saves a search on the page, an editor imports an article through the API,
the task queue runs (the database backend, worked to completion in this process by
django-tasks-db's own ``Worker``), and the reader sees it in "My searches" and in the
private feed (parsed as Atom)."""

import importlib
import json
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.browser

groups_migration = importlib.import_module("archive.migrations.0050_editor_reader_groups")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def users(site, django_user_model, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    groups_migration.create_groups(apps, None)  # a flushed database lost the migration's rows
    Group = apps.get_model("auth", "Group")
    reader = django_user_model.objects.create_user("reader", password="a-long-passphrase")
    reader.groups.add(Group.objects.get(name="Readers"))
    editor = django_user_model.objects.create_user("editor", password="a-long-passphrase")
    editor.groups.add(Group.objects.get(name="Editors"))
    return reader, Token.objects.create(user=editor).key


def api_import(site: str, token: str, article: dict) -> int:
    request = urllib.request.Request(
        f"{site}/api/articles/",
        data=json.dumps(article).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["id"]


def run_the_queue() -> None:
    Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="browser-test",
    ).run()  # fmt: skip


def test_save_a_search_import_an_article_and_see_it_in_my_searches_and_the_feed(page, site, users):
    from playwright.sync_api import expect

    _, token = users
    page.goto(f"{site}/?q=aquaculture")
    page.get_by_role("link", name="Sign in to save this search").click()
    page.get_by_label("User name").fill("reader")
    page.get_by_label("Password").fill("a-long-passphrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Save this search as")).to_have_value("aquaculture")
    page.get_by_label("Save this search as").fill("Fish farms")
    page.get_by_role("button", name="Save this search").click()
    expect(page.locator("h1")).to_have_text("My searches")
    expect(page.locator(".saved-search")).to_contain_text("no new articles")

    api_import(site, token, {"title": "Aquaculture quotas raised", "body": "Aquaculture grows."})
    assert DBTaskResult.objects.count() == 1  # queued, not yet run: a worker does it
    run_the_queue()

    page.reload()
    expect(page.locator(".saved-search .badge")).to_have_text("1 new")
    feed = page.get_by_label("Private feed address").input_value()
    with urllib.request.urlopen(feed, timeout=30) as response:
        entries = ET.fromstring(response.read()).findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Aquaculture quotas raised"]
    page.get_by_role("link", name="Show results").click()
    expect(page.locator(".hits")).to_contain_text("Aquaculture quotas raised")
    page.goto(f"{site}/searches/")
    expect(page.locator(".saved-search")).to_contain_text("no new articles")
