"""Every hit of a search, in its order, uncapped: the query service's matching_ids."""

import pytest

from search.service import matching_ids, search
from search.types import SearchRequest

pytestmark = pytest.mark.django_db

SEARCHES = [
    SearchRequest(q="harvest", sort="relevance"),
    SearchRequest(q="harvest", sort="newest"),
    SearchRequest(q="harvest", sort="oldest"),
    SearchRequest(q="harvest OR parliament", sort="relevance", outlets=("city-paper",)),
    SearchRequest(q="", sort="newest", tags=("topic:coffee",)),
    SearchRequest(q='"harvest came"', sort="relevance", years=(2001, 2003)),
]


def all_pages(request: SearchRequest) -> tuple[int, list[int]]:
    """The search's total and its hits' ids, page after page."""
    ids, page = [], 1
    while True:
        result = search(SearchRequest(**{**request.__dict__, "page": page, "page_size": 7}))
        ids += [hit.id for hit in result.hits]
        if page >= result.pages:
            return result.total, ids
        page += 1


@pytest.mark.parametrize("request_", SEARCHES, ids=lambda r: f"{r.q or 'all'}-{r.sort}")
def test_the_ids_are_the_searchs_hits_in_the_order_of_its_pages(harvest, request_):
    total, paged = all_pages(request_)

    found = matching_ids(request_, batch=4)
    ids = [i for batch in found.batches for i in batch]

    assert found.total == total == len(ids) > 0
    assert ids == paged


def test_the_total_is_known_before_the_first_batch_and_batches_are_bounded(harvest):
    found = matching_ids(SearchRequest(q="harvest"), batch=8)

    assert found.total == 30
    sizes = [len(batch) for batch in found.batches]
    assert sizes == [8, 8, 8, 6]


def test_no_page_cap(harvest, settings, monkeypatch):
    monkeypatch.setattr("search.types.MAX_PAGE_SIZE", 5)  # the pages' cap plays no part

    found = matching_ids(SearchRequest(q="harvest", page_size=5), batch=100)

    assert len(next(found.batches)) == 30


def test_a_search_for_nothing_has_no_ids(harvest):
    found = matching_ids(SearchRequest(q="zebra"))

    assert found.total == 0
    assert list(found.batches) == []


def held_cursors() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors WHERE name LIKE 'export%%'")
        return cursor.fetchone()[0]


def test_postgres_keeps_the_ids_on_the_server_until_closed(harvest, search_backend):
    if search_backend.name != "postgres":
        pytest.skip("Whoosh holds the ids in memory: nothing to close")
    found = matching_ids(SearchRequest(q="harvest"), batch=5)
    next(found.batches)
    assert held_cursors() == 1

    found.close()
    found.close()  # twice is harmless

    assert held_cursors() == 0
    assert list(found.batches) == []


def test_postgres_frees_the_ids_once_all_are_read(harvest, search_backend):
    if search_backend.name != "postgres":
        pytest.skip("Whoosh holds the ids in memory: nothing to close")
    found = matching_ids(SearchRequest(q="harvest"), batch=7)

    assert sum(len(batch) for batch in found.batches) == 30
    assert held_cursors() == 0


@pytest.mark.parametrize("collapse", ["copies", "none", "stories"])
@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_an_export_folds_copies_as_the_search_does(search_backend, collapse, sort):
    from tests.search.conftest import wire_articles

    wire_articles(search_backend)
    request_ = SearchRequest(q="summit OR dalian", sort=sort, collapse=collapse)
    total, paged = all_pages(request_)

    found = matching_ids(request_, batch=2)
    ids = [i for batch in found.batches for i in batch]

    assert found.total == total == len(ids)
    assert ids == paged
    assert total == {"copies": 3, "none": 5, "stories": 2}[collapse]
