"""Matching saved searches runs under budgets of its own (``search.service.matches_among``):
each statement's clock starts when it is sent, a batch that fails is asked again one
search at a time, each under a fresh budget, and a search that still fails is answered
by its error, in its place, while the others' matches are kept."""

import time
from contextlib import contextmanager
from dataclasses import replace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from archive.alerts.models import AlertMatch, SavedSearch
from search import service
from search.alerts import alerts_match
from search.backends.pg.backend import AMONG_BATCH
from search.budget import Budget
from search.documents import articles_for_index
from search.service import backend_query, matches_among
from search.types import SearchRequest, SearchTooCostly
from tests.factories import make_article, make_outlet

pytestmark = pytest.mark.django_db


def indexed(backend, *articles):
    backend.index(
        articles_for_index(type(articles[0]).objects.filter(pk__in=[a.pk for a in articles]))
    )
    return articles


def follow(name, **params):
    user, _ = get_user_model().objects.get_or_create(username="reader")
    return SavedSearch.objects.create(user=user, name=name, params=params)


def matched(saved) -> set[int]:
    return set(AlertMatch.objects.filter(saved_search=saved).values_list("article_id", flat=True))


def stale_budget() -> Budget:
    """A minute's budget whose clock was started an hour ago, as when a batch waited."""
    return Budget(units=10**15, seconds=60, started=time.monotonic() - 3600)


@contextmanager
def word_table_locked():
    """The indexed words' table locked by another session (a VACUUM FULL, a migration):
    prefixes and fuzzy words, which read it, wait; plain words do not."""
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SET LOCAL lock_timeout = '5s'")  # never wait on the test itself
            cursor.execute("LOCK TABLE search_pgword IN ACCESS EXCLUSIVE MODE")
            yield
            cursor.execute("ROLLBACK")
    finally:
        other.close()


def test_every_batch_of_saved_searches_starts_its_own_clock(search_backend):
    reactor, other = indexed(
        search_backend, make_article("Reactor talks resume"), make_article("Fishing quotas")
    )
    ids = frozenset({reactor.pk, other.pk})
    queries = []
    for number in range(AMONG_BATCH + 1):  # two statements on PostgreSQL
        query = backend_query(SearchRequest(q="reactor" if number % 2 else "quotas"))
        restricted = replace(query.filters, ids=ids)
        queries.append(replace(query, filters=restricted, budget=stale_budget()))

    found = search_backend.matches_among(queries)

    assert found == [{reactor.pk} if n % 2 else {other.pk} for n in range(AMONG_BATCH + 1)]


def test_with_no_time_each_search_is_answered_by_its_error(search_backend, monkeypatch):
    (article,) = indexed(search_backend, make_article("Reactor talks resume"))
    monkeypatch.setattr(service, "MATCHING_SECONDS", 0)  # no time, at every try

    found = matches_among([SearchRequest(q="reactor"), SearchRequest(q="talks")], [article.pk])

    assert [type(answer) for answer in found] == [SearchTooCostly, SearchTooCostly]


def test_a_saved_search_out_of_time_stops_none_of_the_others_on_whoosh(search_backend, monkeypatch):
    if search_backend.name != "whoosh":
        pytest.skip("PostgreSQL times every statement: none runs on no time")
    yonhap = make_outlet("Yonhap")
    (article,) = indexed(search_backend, make_article("Reactor talks resume", outlet=yonhap))
    worded = follow("worded", q=["reactor"])
    by_outlet = follow("outlet", outlet=[yonhap.slug])
    # No time: the search with words stops at its first posting list, together and again
    # alone; the filter alone reads none and is matched.
    monkeypatch.setattr(service, "MATCHING_SECONDS", 0)

    alerts_match(article_ids=[article.pk])

    assert matched(worded) == set()
    assert matched(by_outlet) == {article.pk}


@pytest.mark.django_db(transaction=True)  # the articles committed: another session may lock
def test_a_saved_search_out_of_time_stops_none_of_the_others_on_postgresql(
    search_backend, monkeypatch
):
    if search_backend.name != "postgres":
        pytest.skip("a table lock is PostgreSQL's")
    reactor, other = indexed(
        search_backend, make_article("Reactor talks resume"), make_article("Fishing quotas")
    )
    prefix = follow("prefix", q=["reac*"])
    plain = follow("plain", q=["reactor"])
    quotas = follow("quotas", q=["quotas"])
    monkeypatch.setattr(service, "MATCHING_SECONDS", 1.0)

    with word_table_locked():
        started = time.monotonic()
        alerts_match(article_ids=[reactor.pk, other.pk])
        took = time.monotonic() - started

    assert matched(prefix) == set()
    assert matched(plain) == {reactor.pk}
    assert matched(quotas) == {other.pk}
    # The batch waited its second, then each search alone had a second of its own.
    assert 2.0 <= took < 10
