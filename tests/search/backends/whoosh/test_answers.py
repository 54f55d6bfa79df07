"""Kept answers (search/backends/whoosh/answers.py): a repeated search is answered from
memory until the index changes, whoever changed it."""

from dataclasses import replace

import pytest

from search.backends.whoosh.backend import WhooshBackend
from search.budget import Budget
from search.service import backend_query, get_backend, search
from search.types import SearchRequest
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def titles(q: str) -> list[str]:
    return [hit.article.title for hit in search(SearchRequest(q=q)).hits]


def test_a_repeated_search_is_answered_from_memory(seeded):
    first = search(SearchRequest(q="kim"))
    backend = get_backend()
    assert len(backend.answers._answers) == 1
    again = search(SearchRequest(q="kim"))
    assert [h.id for h in again.hits] == [h.id for h in first.hits]
    assert again.facets == first.facets and again.total == first.total


def test_an_article_indexed_here_is_found_by_the_next_search(seeded):
    before = titles("zanzibar")
    get_backend().index([make_article("Zanzibar cloves", body="Cloves from Zanzibar.")])
    assert before == [] and titles("zanzibar") == ["Zanzibar cloves"]


def test_an_article_indexed_by_another_process_is_found_by_the_next_search(seeded, settings):
    assert titles("zanzibar") == []
    other = WhooshBackend(settings.SEARCH_INDEX_DIR)  # another web process or node's writer
    other.index([make_article("Zanzibar cloves", body="Cloves from Zanzibar.")])
    other.close()
    assert titles("zanzibar") == ["Zanzibar cloves"]


def test_a_deleted_article_leaves_the_next_search(seeded):
    found = search(SearchRequest(q="kim"))
    gone = found.hits[0].id
    get_backend().delete([gone])
    assert gone not in [h.id for h in search(SearchRequest(q="kim")).hits]


def test_an_answer_the_budget_cut_is_not_kept(seeded):
    query = replace(backend_query(SearchRequest(q='"kim jong"')), budget=Budget(1, 30.0))
    answer = get_backend().search(query)
    assert answer.notices and len(get_backend().answers._answers) == 0


def test_no_answers_are_kept_when_the_setting_is_zero(seeded, settings):
    from search.service import reset_backends

    settings.SEARCH_ANSWERS_KEPT = 0
    reset_backends()
    titles("kim")
    assert len(get_backend().answers._answers) == 0
