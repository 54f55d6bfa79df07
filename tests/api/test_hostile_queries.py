"""Hostile queries through HTTP: the API, the search page and both suggest endpoints never
answer a 5xx, the API always answers JSON, and a cut query says why.

Hypothesis runs derandomized with fixed example counts (deterministic in CI).
"""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.query import MAX_DEPTH, MAX_QUERY_CHARS
from tests.search.test_query_fuzz import HOSTILE

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JUNK = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["0", "-1", "99999999999999999999", "1e9", "", "\x00", "2018-02-30", "NaN"]),
)
# What a search URL may carry besides q, each with junk (or nothing).
PARAMS = st.fixed_dictionaries(
    {},
    optional={
        name: JUNK
        for name in (
            "page", "page_size", "size", "sort", "outlet", "tag", "author", "language",
            "year", "month", "date_from", "date_to", "from", "to", "facets", "highlight",
        )
    },
)  # fmt: skip


@pytest.fixture
def indexed(db, search_backend, archive):
    """The API's three-article archive, indexed by each backend in turn."""
    return archive


def _is_json(response) -> bool:
    return response["Content-Type"].startswith("application/json")


@FUZZ
@given(q=HOSTILE, params=PARAMS)
def test_api_search_never_fails_and_always_answers_json(anon, indexed, q, params):
    response = anon.get("/api/search/", {**params, "q": q})
    assert response.status_code in (200, 400, 404), response.content[:300]
    assert _is_json(response)
    if response.status_code != 200:
        assert response.json()["detail"]


@FUZZ
@given(q=HOSTILE)
def test_api_suggest_never_fails(anon, indexed, q):
    response = anon.get("/api/suggest/", {"q": q, "limit": "5"})
    assert response.status_code in (200, 400)
    assert _is_json(response)


@FUZZ
@given(q=HOSTILE, params=PARAMS)
def test_the_search_page_never_fails(indexed, q, params):
    response = Client().get("/", {**params, "q": q})
    assert response.status_code in (200, 400), response.content[:300]


@FUZZ
@given(q=HOSTILE)
def test_the_search_box_suggestions_never_fail(indexed, q):
    response = Client().get("/suggest", {"q": q})
    assert response.status_code == 200
    assert _is_json(response)


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        ("(" * 300 + "kim" + ")" * 300, f"nested more than {MAX_DEPTH} deep"),
        ("NOT " * 200 + "kim", f"nested more than {MAX_DEPTH} deep"),
        ("a*", "too short a prefix"),
    ],
)
def test_api_answers_a_query_it_cannot_understand_with_a_400_saying_why(anon, archive, q, reason):
    response = anon.get("/api/search/", {"q": q})
    assert response.status_code == 400
    assert reason in response.json()["detail"]


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        ("kim " * 2500, f"longer than {MAX_QUERY_CHARS} characters"),
        (" ".join(f"w{i}" for i in range(40)), "the 8 most common were left out"),
    ],
)
def test_api_searches_a_cut_query_and_says_what_was_cut(anon, archive, q, reason):
    response = anon.get("/api/search/", {"q": q})
    assert response.status_code == 200
    body = response.json()
    assert any(reason in notice for notice in body["notices"])


def test_the_search_page_searches_a_cut_query_and_says_so(archive):
    page = Client().get("/", {"q": "denuclearization " + "(" * 300})
    assert page.status_code == 200
    assert "never closed" in page.text or "nested more than" in page.text
    assert "summit planned" in page.text


def test_a_ten_kilobyte_query_is_cut_on_the_page_with_a_notice(archive):
    page = Client().get("/", {"q": "summit " * 1500})
    assert page.status_code == 200
    assert f"longer than {MAX_QUERY_CHARS} characters" in page.text


@pytest.mark.parametrize("q", ["\x00", "ki\x00m", "%", "_%\\", "'", "kim\x00*", "\x1b[0m"])
def test_control_characters_and_wildcards_in_suggestions_are_harmless(anon, indexed, q):
    assert anon.get("/api/suggest/", {"q": q}).status_code in (200, 400)
    assert Client().get("/suggest", {"q": q}).status_code == 200
    assert Client().get("/", {"q": q}).status_code == 200


def test_control_characters_in_filters_are_a_400_not_a_500(anon, archive):
    response = anon.get("/api/search/", {"q": "kim", "outlet": "reu\x00ters"})
    assert response.status_code == 400
    assert "outlet" in response.json()["detail"]
