"""Browsing the whole archive on PostgreSQL: the answer a process keeps is never older
than the last commit (``search.backends.pg.browsing``)."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from search.backends.pg import browsing
from tests.factories import make_article, make_tag
from tests.search.conftest import raw_search

pytestmark = pytest.mark.django_db(transaction=True)
FACETS = ("topic", "year")


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend needs a PostgreSQL database")
    from search.backends.pg.backend import PostgresBackend

    browsing.forget()
    yield PostgresBackend()
    browsing.forget()


def browse(pg):
    return raw_search(pg, q="", facets=FACETS)


def counted(pg) -> bool:
    """Whether browsing counts the archive again (rather than answering as before)."""
    with CaptureQueriesContext(connection) as queries:
        browse(pg)
    return any("fold_page" in q["sql"] for q in queries)


def test_browsing_twice_counts_the_archive_once(pg):
    make_article("Harbour strike")
    assert counted(pg)
    assert not counted(pg)
    assert browse(pg).total == 1


def test_a_committed_article_or_tag_change_is_in_the_next_browse(pg):
    first = make_article("Harbour strike")
    assert browse(pg).total == 1
    make_article("Harbour reopens")
    assert browse(pg).total == 2
    tag = make_tag("Labour", kind="topic")
    first.tags.add(tag)
    assert browse(pg).counts["topic"] == {tag.pk: 1}
    tag.kind = "place"
    tag.save()
    assert browse(pg).counts["topic"] == {}


def test_a_transaction_that_wrote_sees_its_own_articles(pg):
    make_article("Harbour strike")
    browse(pg)
    with transaction.atomic():
        make_article("Harbour reopens")
        assert browse(pg).total == 2
        transaction.set_rollback(True)
    assert browse(pg).total == 1


def test_an_answer_counted_before_another_commit_is_not_kept_after_it(pg):
    make_article("Harbour strike")
    written, counted_before = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                make_article("Harbour reopens")
                written.set()
                counted_before.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    written.wait(10)
    assert browse(pg).total == 1  # the other transaction has not committed
    counted_before.set()
    thread.join(10)

    assert browse(pg).total == 2
