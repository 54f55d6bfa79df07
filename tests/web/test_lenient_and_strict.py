"""The same parameters on the search page and /api/search/: one parser, two modes.

The page ignores what it cannot understand and says so; the API answers 400 naming the
parameter. What is only too big (a query, a page size) is cut and said by both.
"""

import pytest
from django.test import Client
from django.utils.html import escape

pytestmark = pytest.mark.django_db

REFUSED = [
    # (page query, API query, words the page and the API both say)
    ("month=2018-13", "month=2018-13", "'2018-13' is not a month; write it as YYYY-MM."),
    ("from=2018-02-30", "date_from=2018-02-30", "'2018-02-30' is not a date"),
    ("page=0", "page=0", "0 is out of range; use 1 to 10000."),
    ("sort=loudest", "sort=loudest", "unknown value 'loudest'; use one of relevance"),
]


@pytest.mark.parametrize(("page_query", "api_query", "words"), REFUSED)
def test_a_bad_value_is_ignored_on_the_page_and_refused_by_the_api(
    seeded, page_query, api_query, words
):
    page = Client().get(f"/?{page_query}")
    answer = Client().get(f"/api/search/?{api_query}")

    assert page.status_code == 200
    assert "<strong>5</strong> articles" in page.text  # searched without it
    assert escape(words) in page.text
    assert answer.status_code == 400
    name = api_query.partition("=")[0]
    assert answer.json()["detail"].startswith(f"{name}: ")
    assert words in answer.json()["errors"][name][0]


def test_an_unknown_facet_is_refused_by_the_api_and_means_nothing_to_a_page(seeded):
    # Pages count every facet and take no ``facets`` parameter: an unknown one is dropped
    # like any unknown parameter.
    assert Client().get("/?facets=colour").status_code == 200
    answer = Client().get("/api/search/?facets=colour")
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("facets: unknown value 'colour'")


@pytest.mark.parametrize(
    ("page_query", "api_query", "page_says", "api_says"),
    [
        (
            "q=" + "summit+" * 200,
            "q=" + "summit+" * 200,
            "The query is longer than 500 characters: only the first 500 were searched.",
            "q: longer than 500 characters: only the first 500 were searched.",
        ),
        (
            "size=5000",
            "page_size=5000",
            "The page size 5000 is more than 100: 100 results are shown.",
            "page_size: 5000 is more than 100: 100 results are shown.",
        ),
    ],
)
def test_what_is_too_big_is_cut_and_said_by_both(
    seeded, page_query, api_query, page_says, api_says
):
    page = Client().get(f"/?{page_query}")
    answer = Client().get(f"/api/search/?{api_query}")

    assert page.status_code == 200 and page_says in page.text
    assert answer.status_code == 200 and api_says in answer.json()["notices"]
