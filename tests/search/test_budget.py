"""Every search runs under a budget of work and time (``search.budget``): past its work it
answers the matches found so far and says so; past its time it is a 503 with Retry-After."""

import pytest
from django.core.cache import cache
from django.db import connection

from archive.models import Article
from search.budget import CUT_NOTICE, Budget
from search.documents import articles_for_index
from search.service import get_backend, search
from search.types import SearchRequest, SearchTooCostly
from tests.factories import make_article, make_outlet

pytestmark = pytest.mark.django_db

PHRASE = '"oil minister"'


@pytest.fixture
def archive(search_backend):
    """120 articles with the phrase, 120 with both words apart."""
    outlet = make_outlet("Reuters")
    for n in range(120):
        make_article(title=f"Report {n}", body=f"The oil minister said {n}.", outlet=outlet)
        make_article(title=f"Other {n}", body=f"The minister sold oil {n}.", outlet=outlet)
    search_backend.index(articles_for_index())
    return search_backend


def test_within_its_budget_a_phrase_search_finds_every_match_and_says_nothing(archive):
    result = search(SearchRequest(q=PHRASE, page_size=100))

    assert result.total == 120
    assert CUT_NOTICE not in result.notices


def test_past_its_work_a_phrase_search_answers_the_matches_found_and_says_so(archive, settings):
    if archive.name != "whoosh":
        pytest.skip("PostgreSQL bounds a search by its time only")
    # Enough to read the postings (480) and check about half of the 240 candidates.
    settings.SEARCH_WORK_LIMIT = 1_000

    result = search(SearchRequest(q=PHRASE, page_size=100))

    assert 0 < result.total < 120
    assert CUT_NOTICE in result.notices
    assert all("oil minister" in hit.article.body for hit in result.hits)  # never a false hit


def test_past_its_time_a_search_stops_with_search_too_costly(archive, settings):
    settings.SEARCH_TIME_LIMIT = 0

    with pytest.raises(SearchTooCostly) as stopped:
        search(SearchRequest(q=PHRASE))
    assert stopped.value.retry_after == 5


def test_the_api_and_the_page_answer_503_with_retry_after_and_say_why(archive, client, settings):
    settings.SEARCH_TIME_LIMIT = 0
    cache.clear()

    api = client.get("/api/search/", {"q": PHRASE})
    page = client.get("/", {"q": PHRASE})

    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert api.json()["code"] == "search_too_costly"
    assert "too long" in api.json()["detail"]
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "This search was too costly" in page.content.decode()


def test_a_cut_search_says_so_in_the_api(archive, client, settings):
    if archive.name != "whoosh":
        pytest.skip("PostgreSQL bounds a search by its time only")
    settings.SEARCH_WORK_LIMIT = 1_000
    cache.clear()

    answer = client.get("/api/search/", {"q": PHRASE}).json()

    assert 0 < answer["count"] < 120
    assert CUT_NOTICE in answer["notices"]


def test_a_statement_past_the_time_is_search_too_costly_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from search.backends.pg.backend import bounded

    with pytest.raises(SearchTooCostly), bounded(Budget(units=1, seconds=0.05)) as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    # The setting was put back: the next statement runs as before.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.1), current_setting('statement_timeout')")
        assert cursor.fetchone()[1] == "0"
    assert Article.objects.count() == 0 or get_backend()


def test_a_did_you_mean_out_of_time_leaves_the_results_found(archive, monkeypatch):
    if archive.name != "whoosh":
        pytest.skip("the suggestion step is Whoosh's own")
    import search.backends.whoosh.searching as searching

    def out_of_time(*args, **kwargs):
        raise SearchTooCostly("late")

    monkeypatch.setattr(searching, "_suggestion", out_of_time)
    result = search(SearchRequest(q='"oil minister" 7'))  # few hits: a correction is tried

    assert result.total == 1
    assert result.suggestion is None
