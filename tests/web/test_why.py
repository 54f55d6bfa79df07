"""'Why this result?' on the article page reached from a search."""

import pytest

from tests.factories import make_article
from tests.web.conftest import index_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def oil(db):
    article = make_article("Oil prices rise", body="Crude oil prices rose as OPEC cut output.")
    make_article("Cartel meeting", body="OPEC ministers met in Vienna.")
    index_all()
    return article


def test_the_article_page_from_a_search_offers_the_explanation(client, oil):
    page = client.get(oil.get_absolute_url(), {"q": "crude oil prices"}).content.decode()
    assert "Why this result?" in page
    assert 'id="why"' not in page  # computed on request only


def test_asked_for_it_shows_each_term_its_words_fields_and_share(client, oil):
    response = client.get(oil.get_absolute_url(), {"q": "crude oil prices zebra", "why": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="why"' in page
    assert "Share of the score" in page
    assert "title, body" in page  # "prices" stands in both
    assert "Not in this article: zebra" in page


def test_an_article_outside_the_results_says_so(client, oil):
    other = make_article("Weather", body="Rain along the coast, and OPEC.")
    index_all()
    page = client.get(other.get_absolute_url(), {"q": "crude oil prices", "why": "1"})
    assert "not among the results of this search" in page.content.decode()


def test_without_a_query_there_is_nothing_to_explain(client, oil):
    page = client.get(oil.get_absolute_url(), {"why": "1"}).content.decode()
    assert "Why this result" not in page
