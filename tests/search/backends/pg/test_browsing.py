"""Searching on PostgreSQL, browsing the whole archive or not: the answer a process keeps
is never older than the last commit (``search.backends.pg.browsing``)."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from search.backends.pg import browsing
from tests.factories import make_article, make_outlet, make_tag
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


def counted(pg, **fields) -> bool:
    """Whether the search counts again (rather than answering as before); browsing
    unless ``fields`` say otherwise."""
    with CaptureQueriesContext(connection) as queries:
        raw_search(pg, **({"q": "", "facets": FACETS} | fields))
    return any("fold_page" in q["sql"] for q in queries)


def found(pg, q: str) -> list[int]:
    return [hit.id for hit in raw_search(pg, q=q, facets=FACETS).hits]


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


def test_a_word_searched_twice_is_counted_once(pg):
    make_article("Harbour strike")
    assert counted(pg, q="harbour")
    assert not counted(pg, q="harbour")
    assert counted(pg, q="harbour", years=(2020,))  # other filters: another answer


def test_no_answer_is_kept_when_the_setting_keeps_none(pg, settings):
    settings.SEARCH_ANSWERS_KEPT = 0
    make_article("Harbour strike")
    assert counted(pg)
    assert counted(pg)
    assert counted(pg, q="harbour")
    assert counted(pg, q="harbour")


def test_a_committed_text_change_is_in_the_next_word_search(pg):
    article = make_article("Harbour strike", body="Dockers stop work.")
    assert found(pg, "cranes") == []
    article.body = "Dockers stop the cranes."
    article.save()
    assert found(pg, "cranes") == [article.pk]


def test_a_renamed_outlet_is_found_by_its_new_name(pg):
    outlet = make_outlet("Harbour Gazette")
    article = make_article("Harbour strike", outlet=outlet)
    assert found(pg, "outlet:tidings") == []
    outlet.name = "Harbour Tidings"
    outlet.save()
    assert found(pg, "outlet:tidings") == [article.pk]
