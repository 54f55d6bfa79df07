"""The contract every search backend keeps (run against each backend name)."""

import datetime as dt

import pytest

from tests.factories import make_article, make_outlet, make_tag
from tests.search.conftest import raw_search

pytestmark = pytest.mark.django_db


def test_indexed_articles_are_found_and_deleted_ones_are_not(search_backend):
    kept = make_article("Summit in Pyongyang", body="Leaders met at the summit.")
    gone = make_article("Another summit", body="A second summit story.")
    assert search_backend.index([kept, gone]) == 2
    search_backend.delete([gone.pk, 999_999])
    result = raw_search(search_backend, q="summit")
    assert [h.id for h in result.hits] == [kept.pk]


def test_versions_list_every_indexed_article_with_its_stamp(search_backend):
    from search.documents import article_version

    article = make_article()
    search_backend.index([article])
    assert search_backend.versions() == {article.pk: article_version(article)}


def test_reindexing_an_article_replaces_it(search_backend):
    article = make_article("Old title")
    search_backend.index([article])
    article.title = "Fresh headline"
    article.save()
    search_backend.index([article])
    assert raw_search(search_backend, q="fresh").total == 1
    assert raw_search(search_backend, q="old").total == 0
    assert search_backend.stats()["documents"] == 1


def test_rebuild_replaces_the_whole_index(search_backend):
    first, second = make_article("First"), make_article("Second")
    search_backend.index([first])
    assert search_backend.rebuild([second], total=1) == 1
    assert set(search_backend.versions()) == {second.pk}


def test_empty_query_lists_newest_first_with_counts_by_id(search_backend):
    outlet = make_outlet("Bloomberg")
    older = make_article(outlet=outlet, published=dt.date(2018, 5, 9))
    newer = make_article(outlet=outlet, published=dt.date(2019, 6, 21))
    tag = make_tag("Sanctions", kind="topic")
    newer.tags.add(tag)
    search_backend.index([older, newer])
    result = raw_search(search_backend)
    assert [h.id for h in result.hits] == [newer.pk, older.pk]
    assert result.counts["outlet"] == {outlet.pk: 2}
    assert result.counts["topic"] == {tag.pk: 1}
    assert result.counts["year"] == {2018: 1, 2019: 1}
    assert result.days == {older.published.toordinal(): 1, newer.published.toordinal(): 1}


def test_stats_describe_the_index(search_backend):
    search_backend.index([make_article()])
    stats = search_backend.stats()
    assert stats["documents"] == 1
    assert stats["backend"] == search_backend.name


def test_every_test_gets_its_own_empty_index(search_backend, settings):
    from pathlib import Path

    assert Path(settings.BASE_DIR) not in Path(settings.SEARCH_INDEX_DIR).parents
    assert raw_search(search_backend).total == 0


def test_an_undated_article_is_counted_in_the_total_in_no_day_and_listed_last(search_backend):
    dated = make_article("Harbour strike", published=dt.date(2019, 6, 21))
    undated = make_article("Harbour talks", published=None)
    search_backend.index([dated, undated])
    for q in ("", "harbour"):
        result = raw_search(search_backend, q=q, sort="newest")
        assert result.total == 2
        assert [h.id for h in result.hits] == [dated.pk, undated.pk]
        assert result.days == {dated.published.toordinal(): 1}


def test_a_searcher_that_has_searched_sees_later_deletes_and_updates(search_backend):
    kept = make_article("Summit in Pyongyang", body="Leaders met at the summit.")
    gone = make_article("Another summit", body="A second summit story.")
    search_backend.index([kept, gone])
    assert raw_search(search_backend, q="summit").total == 2

    search_backend.delete([gone.pk])
    kept.title = "Talks in Pyongyang"
    kept.body = "Leaders met for talks."
    kept.save()
    search_backend.index([kept])

    assert raw_search(search_backend, q="summit").total == 0
    assert [h.id for h in raw_search(search_backend, q="talks").hits] == [kept.pk]


def test_a_scope_is_anded_and_kept_in_every_facet_count(search_backend):
    kim, reagan, moon = (make_tag(n, kind="person") for n in ("Kim", "Reagan", "Moon"))
    together = make_article("Kim and Moon")
    together.tags.add(kim, moon)
    alone = make_article("Kim alone")
    alone.tags.add(kim)
    elsewhere = make_article("Reagan speaks")
    elsewhere.tags.add(reagan)
    search_backend.index([together, alone, elsewhere])
    scope = ("tag", f"person:{kim.slug}")
    result = raw_search(search_backend, scope=scope)
    assert result.total == 2
    assert result.counts["person"] == {kim.pk: 2, moon.pk: 1}  # no Reagan: not on Kim's page
    ticked = raw_search(search_backend, scope=scope, tags=(f"person:{reagan.slug}",))
    assert ticked.total == 0  # Reagan's stories are not Kim's
    assert raw_search(search_backend, scope=scope, tags=(f"person:{moon.slug}",)).total == 1


def _among(backend, ids, **fields):
    """``SearchBackend.matches_among`` asked as the query service asks it."""
    from dataclasses import replace

    from search.service import backend_query
    from search.types import SearchRequest

    query = backend_query(SearchRequest(**fields))
    restricted = replace(query, filters=replace(query.filters, ids=frozenset(ids)))
    return backend.matches_among([restricted])[0]


def test_matches_among_finds_only_the_given_ids_that_match(search_backend):
    outlet = make_outlet("Yonhap")
    old = make_article("Reactor talks stall", outlet=outlet)
    new = make_article("Reactor talks resume", outlet=outlet)
    elsewhere = make_article("Reactor talks elsewhere")
    other = make_article("Fishing quotas agreed", outlet=outlet)
    search_backend.index([old, new, elsewhere, other])
    given = [new.pk, elsewhere.pk, other.pk]

    assert _among(search_backend, given, q="reactor") == {new.pk, elsewhere.pk}
    assert _among(search_backend, given, q="reactor", outlets=("yonhap",)) == {new.pk}
    assert _among(search_backend, given, outlets=("yonhap",)) == {new.pk, other.pk}
    assert _among(search_backend, given, q='"talks resume"') == {new.pk}
    assert _among(search_backend, [old.pk], q="fishing") == set()


def test_matches_among_answers_many_queries_at_once(search_backend):
    from dataclasses import replace

    from search.service import backend_query
    from search.types import SearchRequest

    reactor, quotas = make_article("Reactor talks"), make_article("Fishing quotas")
    search_backend.index([reactor, quotas])
    given = frozenset({reactor.pk, quotas.pk})
    queries = [
        backend_query(SearchRequest(q=q)) for q in ("reactor", "quotas OR reactor", "whales")
    ]
    restricted = [replace(q, filters=replace(q.filters, ids=given)) for q in queries]

    assert search_backend.matches_among(restricted) == [
        {reactor.pk},
        {reactor.pk, quotas.pk},
        set(),
    ]


def test_matches_among_settles_a_question_on_the_given_ids(search_backend):
    most = make_article("Central bank raises interest rates", body="The central bank acted.")
    some = make_article("Interest in coffee", body="Coffee growers meet.")
    none = make_article("Fishing quotas agreed", body="Boats stay in port.")
    search_backend.index([most, some, none])
    question = "why did the central bank raise interest rates"

    assert _among(search_backend, [most.pk, some.pk, none.pk], q=question) == {most.pk}
    # None of these has the words the question needs: those with the most of them.
    assert _among(search_backend, [some.pk, none.pk], q=question) == {some.pk}
