"""The outbox: every change is queued in its own transaction and applied after commit."""

import contextlib
import logging
import threading
import time

import pytest
from django.conf import settings
from django.db import transaction

from archive.models import Article, ArticleAuthor
from search import maintenance, outbox
from search.backends import backend_class
from search.locks import IndexBusy, file_lock, lock_path, rebuild_lock_path
from search.maintenance import index_rebuild as real_rebuild
from search.maintenance import index_sync, outbox_deferred
from search.models import IndexChange
from search.outbox import outbox_backlog, outbox_drain, outbox_record
from search.service import search
from search.ticker import outbox_tick, outbox_ticker_start
from search.types import SearchRequest, SearchUnavailable
from tests.factories import make_article, make_author, make_outlet, make_tag

pytestmark = pytest.mark.django_db


def queued() -> list[tuple[int, str]]:
    return list(IndexChange.objects.order_by("id").values_list("article_id", "action"))


def indexed() -> set[int]:
    """What a fresh reader of the index sees."""
    backend = backend_class(settings.SEARCH_BACKEND)()
    try:
        return set(backend.versions())
    finally:
        backend.close()


def found(words: str) -> list[int]:
    return [hit.id for hit in search(SearchRequest(q=words, facets=())).hits]


def test_an_article_stored_with_byline_and_tags_queues_one_change():
    with transaction.atomic():
        article = make_article("Summit in Singapore", outlet=make_outlet())
        ArticleAuthor.objects.create(article=article, author=make_author())
        article.tags.add(make_tag("diplomacy"), make_tag("Singapore", kind="place"))
        article.title = "Summit in Singapore ends"
        article.save()
    assert queued() == [(article.pk, "upsert")]


def test_a_rolled_back_transaction_queues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        make_article()
        raise RuntimeError
    assert queued() == []


def test_a_change_after_a_rolled_back_savepoint_is_queued_again():
    article = make_article()
    IndexChange.objects.all().delete()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            article.tags.add(make_tag())
            raise RuntimeError
        assert queued() == []
        article.tags.add(make_tag())
    assert queued() == [(article.pk, "upsert")]


def test_tags_changed_from_either_side_queue_their_articles():
    first, second = make_article(), make_article()
    tag = make_tag("trade")
    for change in (
        lambda: tag.articles.add(first, second),
        lambda: first.tags.remove(tag),
        lambda: tag.articles.clear(),
        lambda: second.tags.set([make_tag()]),
        lambda: second.tags.clear(),
    ):
        IndexChange.objects.all().delete()
        outbox._forget_recorded()
        change()
        assert queued(), change
    tag.articles.add(first)
    IndexChange.objects.all().delete()
    outbox._forget_recorded()
    tag.articles.clear()
    assert queued() == [(first.pk, "upsert")]


def test_renaming_an_outlet_author_or_tag_queues_their_articles_and_nothing_else_does():
    outlet, author, tag = make_outlet("Reuters"), make_author("Jane Doe"), make_tag("trade")
    article = make_article(outlet=outlet)
    ArticleAuthor.objects.create(article=article, author=author)
    article.tags.add(tag)
    make_article()  # not theirs
    for thing, field, value in ((outlet, "name", "Reuters News"), (author, "name", "Jane Roe")):
        IndexChange.objects.all().delete()
        outbox._forget_recorded()
        thing.save()  # unchanged: nothing to do
        assert queued() == []
        setattr(thing, field, value)
        thing.save()
        assert queued() == [(article.pk, "upsert")]
    IndexChange.objects.all().delete()
    outbox._forget_recorded()
    tag.aliases = ["commerce"]
    tag.save(update_fields=["aliases"])
    assert queued() == [(article.pk, "upsert")]


def test_deleting_a_tag_or_author_queues_their_articles():
    article = make_article()
    tag, author = make_tag(), make_author()
    article.tags.add(tag)
    ArticleAuthor.objects.create(article=article, author=author)
    for thing in (tag, author):
        IndexChange.objects.all().delete()
        outbox._forget_recorded()
        thing.delete()
        assert queued() == [(article.pk, "upsert")]


def test_deleting_an_article_queues_its_removal_and_its_near_duplicates():
    original = make_article()
    twin = make_article(duplicate_of=original)
    IndexChange.objects.all().delete()
    outbox._forget_recorded()
    original_pk = original.pk
    original.delete()
    assert set(queued()) == {(twin.pk, "upsert"), (original_pk, "delete")}


def test_changes_that_send_no_signal_can_be_queued_by_hand():
    article = make_article()
    IndexChange.objects.all().delete()
    outbox._forget_recorded()
    Article.objects.filter(pk=article.pk).update(title="Bulk edit")
    assert queued() == []
    outbox_record([article.pk])
    assert queued() == [(article.pk, "upsert")]


def test_after_commit_the_article_is_searchable(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article("Denuclearisation talks resume")
    assert found("talks") == [article.pk]
    assert outbox_backlog() == 0


@pytest.mark.django_db(transaction=True)
def test_a_save_outside_any_transaction_is_applied_at_once():
    article = make_article("Autocommit headline")
    article.title = "Autocommit headline, edited"
    article.save()
    assert outbox_backlog() == 0
    assert found("edited") == [article.pk]
    article.delete()
    assert indexed() == set()


def test_drain_applies_the_oldest_changes_in_batches_and_removes_only_those(monkeypatch):
    monkeypatch.setattr(outbox, "BATCH_SIZE", 2)
    articles = [make_article() for _ in range(5)]
    assert outbox_drain(limit=3) == 3
    assert [pk for pk, _ in queued()] == [a.pk for a in articles[3:]]
    assert indexed() == {a.pk for a in articles[:3]}
    assert outbox_drain() == 2
    assert indexed() == {a.pk for a in articles}


def test_a_queued_article_that_is_gone_is_removed_from_the_index():
    article = make_article()
    outbox_drain()
    Article.objects.filter(pk=article.pk).delete()  # its own delete is queued too
    IndexChange.objects.create(article_id=article.pk)  # and an older upsert
    outbox_drain()
    assert indexed() == set() and outbox_backlog() == 0


def test_an_index_that_cannot_be_written_keeps_the_changes_queued(
    django_capture_on_commit_callbacks, caplog
):
    (settings.SEARCH_INDEX_DIR / "CURRENT").write_text("not-an-index")
    (settings.SEARCH_INDEX_DIR / "not-an-index").mkdir()
    first = make_article()
    with pytest.raises(SearchUnavailable):
        outbox_drain()
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        second = make_article()  # the save itself succeeds
    assert "left queued" in caplog.text
    assert queued() == [(first.pk, "upsert"), (second.pk, "upsert")]


@contextlib.contextmanager
def held_elsewhere(*paths):
    """Hold these locks in another thread while the block runs."""
    held, release = threading.Event(), threading.Event()

    def hold():
        with contextlib.ExitStack() as stack:
            for path in paths:
                stack.enter_context(file_lock(path, wait=1))
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        held.wait(5)
        yield
    finally:
        release.set()
        holder.join()


def test_a_busy_index_leaves_changes_queued_without_an_error(django_capture_on_commit_callbacks):
    with held_elsewhere(lock_path()):
        make_article()
        with pytest.raises(IndexBusy):
            outbox_drain(wait=0.1)
        with django_capture_on_commit_callbacks(execute=True):
            make_article()  # waits a little, then leaves it queued
        assert outbox_backlog() == 2
    assert outbox_drain(wait=1) == 2


def test_a_save_during_a_rebuild_does_not_wait_for_it(django_capture_on_commit_callbacks):
    with held_elsewhere(rebuild_lock_path(), lock_path()):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            make_article()
        assert time.monotonic() - started < outbox.AFTER_COMMIT_WAIT
        assert outbox_backlog() == 1


def test_a_bulk_import_applies_its_changes_once_at_the_end(django_capture_on_commit_callbacks):
    with outbox_deferred():
        for n in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                make_article(f"Bulk story {n}")
        assert outbox_backlog() == 3 and indexed() == set()
    assert outbox_backlog() == 0 and len(indexed()) == 3


def test_the_background_retry_applies_what_was_left_queued(settings):
    article = make_article()
    assert outbox_tick() == 1
    assert indexed() == {article.pk}
    settings.SEARCH_OUTBOX_INTERVAL = 0
    assert outbox_ticker_start() is False


def test_a_chunk_of_articles_in_savepoints_is_applied_by_one_drain(
    django_capture_on_commit_callbacks, monkeypatch
):
    calls = []
    real_drain = outbox.outbox_drain
    monkeypatch.setattr(outbox, "outbox_drain", lambda **kw: calls.append(kw) or real_drain(**kw))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        chunk = []
        for n in range(3):
            with transaction.atomic():  # one savepoint per article, as an import does
                chunk.append(make_article(f"Chunk story {n}"))
                chunk[-1].tags.add(make_tag())
    assert len(calls) == 1
    assert indexed() == {a.pk for a in chunk} and outbox_backlog() == 0


def test_a_commit_of_many_articles_is_left_to_a_drain(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for _ in range(outbox.PROMPT_LIMIT + 1):
            make_article()
    assert indexed() == set() and outbox_backlog() == outbox.PROMPT_LIMIT + 1
    assert outbox_drain() == outbox.PROMPT_LIMIT + 1


def test_a_sync_of_most_of_the_archive_rebuilds_instead(monkeypatch):
    monkeypatch.setattr(maintenance, "REBUILD_ABOVE", 3)
    rebuilt = []
    monkeypatch.setattr(
        "search.maintenance.index_rebuild", lambda **kw: rebuilt.append(kw) or real_rebuild(**kw)
    )
    articles = [make_article() for _ in range(4)]
    assert index_sync() == 4
    assert len(rebuilt) == 1
    assert indexed() == {a.pk for a in articles} and outbox_backlog() == 0


def test_changes_of_a_rolled_back_transaction_do_not_delay_the_next_commit(
    django_capture_on_commit_callbacks,
):
    with contextlib.suppress(RuntimeError), transaction.atomic():
        outbox.outbox_record(range(1, outbox.PROMPT_LIMIT + 50))
        raise RuntimeError("rolled back")
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article("Talks resume after the rollback")
    assert found("rollback") == [article.pk]
    assert outbox_backlog() == 0
