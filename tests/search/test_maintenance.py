"""Rebuild, check and stats: keeping the index in step with the database."""

import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from archive.models import Article
from search import maintenance
from search.backends import backend_class
from search.maintenance import (
    index_check,
    index_rebuild,
    index_rebuild_in_background,
    index_stats,
    last_check,
    outbox_deferred,
)
from search.models import IndexChange, IndexCheck
from search.outbox import outbox_backlog, outbox_drain
from search.service import get_backend, search
from search.types import SearchRequest
from tests.factories import make_article, make_tag

pytestmark = pytest.mark.django_db


def indexed() -> dict[int, str]:
    backend = backend_class(settings.SEARCH_BACKEND)()
    try:
        return backend.versions()
    finally:
        backend.close()


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("search_index", *args, stdout=out)
    return out.getvalue()


def test_rebuild_indexes_every_article_and_takes_over_the_queue():
    articles = [make_article(f"Story {n}") for n in range(5)]
    assert outbox_backlog() == 5
    assert index_rebuild() == 5
    assert set(indexed()) == {a.pk for a in articles}
    assert outbox_backlog() == 0


@pytest.mark.django_db(transaction=True)
def test_searches_keep_working_while_a_background_rebuild_runs():
    with outbox_deferred():  # one index commit for all of them
        for n in range(150):
            make_article(f"Harbour story {n}", body=f"The harbour reopened, report number {n}.")
    request = SearchRequest(q="harbour", facets=())
    assert search(request).total == 150
    index_rebuild_in_background()
    totals = []
    while maintenance._background.is_alive():
        totals.append(search(request).total)
        time.sleep(0.01)
    maintenance._background.join()
    assert totals and set(totals) == {150}
    assert search(request).total == 150
    assert len(indexed()) == 150 and not maintenance.index_rebuild_running()


def test_check_finds_missing_stale_and_orphan_documents_and_fix_repairs_them():
    kept, changed, unindexed = make_article(), make_article(), make_article()
    gone = make_article()
    outbox_drain()
    gone_pk = gone.pk
    get_backend().delete([unindexed.pk])
    Article.objects.filter(pk=gone_pk).delete()
    Article.objects.filter(pk=changed.pk).update(title="Edited without signals")
    IndexChange.objects.all().delete()  # as if the signals had been bypassed

    report = index_check()
    assert (report.missing, report.stale, report.orphans) == (
        [unindexed.pk],
        [changed.pk],
        [gone_pk],
    )
    assert not report.ok and not report.fixed

    repaired = index_check(fix=True)
    assert repaired.fixed and repaired.problems == 3
    assert index_check().ok
    assert set(indexed()) == {kept.pk, changed.pk, unindexed.pk}


def test_check_leaves_queued_changes_alone():
    article = make_article()
    report = index_check()
    assert report.ok and report.pending == 1
    assert report.missing == [] and article.pk not in indexed()


def test_the_last_check_is_kept_for_the_admin_page():
    assert last_check() is None
    make_article()
    IndexChange.objects.all().delete()
    index_check()
    kept = last_check()
    assert kept.missing and not kept.ok and kept.articles == 1
    assert IndexCheck.objects.count() == 1


def test_stats_count_articles_documents_and_queued_changes():
    make_article()
    make_article()
    outbox_drain()
    make_tag().articles.add(make_article())
    stats = index_stats()
    assert (stats["articles"], stats["documents"], stats["backlog"]) == (3, 2, 1)
    assert stats["size_bytes"] > 0 and stats["oldest_pending"] is not None
    assert stats["rebuilding"] is False and stats["error"] is None


def test_sync_command_applies_the_queue():
    article = make_article("Queued headline")
    assert "Applied 1 queued change(s)" in run("sync")
    assert set(indexed()) == {article.pk}


def test_sync_command_builds_the_index_when_there_is_none(tmp_path, settings):
    make_article()
    IndexChange.objects.all().delete()
    settings.SEARCH_INDEX_DIR = tmp_path / "fresh"
    assert "No index yet" in run("sync")
    assert len(indexed()) == 1


def test_check_command_fails_on_differences_and_repairs_with_fix():
    make_article()
    IndexChange.objects.all().delete()
    with pytest.raises(CommandError, match="differs from the database in 1"):
        run("check")
    assert "Repaired 1 document(s)" in run("check", "--fix")
    assert "agrees with the database" in run("check")


def test_rebuild_and_stats_commands_report_counts():
    make_article()
    assert "Rebuilt the index: 1 articles" in run("rebuild")
    out = run("stats")
    assert "articles:       1" in out and "documents:      1" in out
    assert "queued changes: 0" in out
