"""The search-index page: stats, backlog, last check; sync, check and rebuild."""

from django.contrib.messages import get_messages
from django.urls import reverse

from search.models import IndexChange
from search.service import get_backend
from tests.factories import make_article

URL = "admin:archive_search_index"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_page_shows_stats_backlog_and_that_no_check_ran_yet(editor_client):
    make_article()
    make_article()
    page = editor_client.get(reverse(URL)).text
    assert "articles in the database" in page
    assert '<td id="outbox-backlog">2 pending changes</td>' in page
    assert "The index has not been checked yet." in page


def test_sync_applies_the_pending_changes(editor_client):
    make_article(title="Pending")
    response = editor_client.post(reverse(URL), {"op": "sync"}, follow=True)
    assert "Applied 1 pending index changes." in _messages(response)
    assert not IndexChange.objects.exists()
    assert '<td id="outbox-backlog">0 pending changes</td>' in response.text


def test_check_reports_missing_articles_and_the_page_keeps_the_result(editor_client):
    article = make_article()
    IndexChange.objects.all().delete()  # as if a change had been lost

    response = editor_client.post(reverse(URL), {"op": "check"}, follow=True)

    assert "Check done: 1 missing, 0 stale, 0 orphans." in _messages(response)
    assert f"<td>1: {article.pk}</td>" in response.text


def test_check_and_fix_repairs_the_index(editor_client):
    article = make_article()
    IndexChange.objects.all().delete()
    response = editor_client.post(reverse(URL), {"op": "fix"}, follow=True)
    assert "Check done: 1 missing, 0 stale, 0 orphans (repaired)." in _messages(response)
    assert article.pk in get_backend().versions()


def test_superuser_starts_a_rebuild_without_waiting_for_it(super_client, monkeypatch):
    started = []
    monkeypatch.setattr(
        "archive.admin.index_page.index_rebuild_in_background", lambda: started.append(1)
    )
    page = super_client.get(reverse(URL)).text
    assert "Rebuild in the background" in page
    response = super_client.post(reverse(URL), {"op": "rebuild"}, follow=True)
    assert started == [1]
    assert any("Rebuild started" in m for m in _messages(response))


def test_index_page_is_linked_from_the_admin_home_and_the_article_list(editor_client):
    link = f'href="{reverse(URL)}"'
    assert link in editor_client.get(reverse("admin:index")).text
    assert link in editor_client.get(reverse("admin:archive_article_changelist")).text


def test_page_still_offers_the_buttons_when_the_index_cannot_be_read(super_client, monkeypatch):
    def broken():
        raise RuntimeError("segment file missing")

    monkeypatch.setattr("archive.admin.index_page.index_stats", broken)
    page = super_client.get(reverse(URL))
    assert page.status_code == 200
    assert "could not be read: RuntimeError: segment file missing" in page.text
    assert "Rebuild in the background" in page.text
