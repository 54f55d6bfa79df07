"""/api/compare/, /api/search/series/ and /api/search/terms/ on a hand-built archive."""

import datetime as dt
from urllib.parse import quote

import pytest

from archive.models import Article
from search.documents import articles_for_index
from search.service import get_backend
from tests.factories import make_article, make_tag

pytestmark = pytest.mark.django_db

COFFEE = "Coffee growers in Brazil asked the ICO for export quotas."
OIL = "Oil prices rose as OPEC ministers met in Vienna."


@pytest.fixture
def archive(db):
    coffee = make_tag("coffee", kind="topic")
    for n, month in enumerate((3, 3, 4, 5)):
        day = dt.date(1987, month, 2 + n)
        make_article(f"Coffee {n}", f"{COFFEE} {n}", published=day).tags.add(coffee)
        make_article(f"Oil {n}", f"{OIL} {n}", published=day)
    get_backend().index(articles_for_index())


def test_compare_answers_every_search_on_one_axis(client, archive):
    response = client.get("/api/compare/?s1.q=coffee&s1.label=Beans&s2.q=oil&bin=month")
    assert response.status_code == 200, response.content
    data = response.json()
    assert [p["period"] for p in data["periods"]] == ["1987-03", "1987-04", "1987-05"]
    beans, oil = data["searches"]
    assert beans["label"] == "Beans" and beans["query"] == {"q": ["coffee"]}
    assert sum(beans["counts"]) == beans["total"] == 4
    assert beans["shares"] == [0.5, 0.5, 0.5]
    assert beans["facets"]["topic"][0] == {
        "value": "topic:coffee",
        "label": "coffee",
        "count": 4,
        "share": 1.0,
    }
    assert "coffee" in {t["word"] for t in beans["terms"]["terms"]}
    assert "<mark>" in " ".join(beans["samples"][0]["highlights"]).lower()
    assert oil["color"] == "#d55e00"


def test_series_and_terms_of_one_search(client, archive):
    series = client.get("/api/search/series/?tag=topic:coffee&bin=month").json()
    assert [(p["count"], p["archive"], p["share"]) for p in series["periods"]] == [
        (2, 4, 0.5),
        (1, 2, 0.5),
        (1, 2, 0.5),
    ]
    assert series["total"] == 4 and series["undated"] == 0
    terms = client.get("/api/search/terms/?tag=topic:coffee&limit=3").json()
    assert len(terms["terms"]) == 3 and terms["matched"] == 4 and not terms["sampled"]


@pytest.mark.parametrize(
    "url, named",
    [
        ("/api/compare/?s1.q=coffee&s1.color=blue", "s1.color"),
        ("/api/compare/", "s1.q"),
        ("/api/compare/?s1.q=x&s2.q=x&s3.q=x&s4.q=x&s5.q=x&s6.q=x", "searches"),
        ("/api/search/series/?q=coffee&bin=decade", "bin"),
        ("/api/search/terms/?q=coffee&limit=0", "limit"),
        ("/api/search/terms/?q=coffee&date_from=1987-13-01", "date_from"),
    ],
)
def test_bad_parameters_are_400s_naming_them(client, archive, url, named):
    response = client.get(url)
    assert response.status_code == 400
    assert named in response.content.decode()


def test_endpoints_are_in_the_schema_with_their_parameters(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    compare = schema["paths"]["/api/compare/"]["get"]
    names = {p["name"] for p in compare["parameters"]}
    assert {"s1.q", "s1.tag", "s1.label", "s1.color", "bin"} <= names
    assert "limit" in {
        p["name"] for p in schema["paths"]["/api/search/terms/"]["get"]["parameters"]
    }
    assert "/api/search/series/" in schema["paths"]


def test_a_query_not_understood_is_named_as_the_client_numbered_it(client, archive):
    response = client.get("/api/compare/?s1.q=coffee&s3.q=%22oil")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"s3.q"}


@pytest.mark.parametrize("q", ["((", "oil AND", "t*", '"', "title:(a* OR b*)"])
@pytest.mark.parametrize(
    "path, named",
    [
        ("/api/search/?q=", "q"),
        ("/api/search/series/?q=", "q"),
        ("/api/search/terms/?q=", "q"),
        ("/api/compare/?s1.q=coffee&s2.q=", "s2.q"),
    ],
)
def test_a_query_that_cannot_be_understood_is_a_400_as_in_a_search(client, archive, path, named, q):
    """Never its words read literally, nor nothing: the API says what it could not read."""
    response = client.get(path + quote(q))

    assert response.status_code == 400, response.content
    assert "the query could not be understood" in str(response.json()["errors"][named])


def test_a_group_the_search_filters_by_has_no_shares(client, archive):
    """The coffee tag filters the search: its group counts each tag as if chosen instead."""
    oil = make_tag("oil", kind="topic")
    for article in Article.objects.filter(title__startswith="Oil"):
        article.tags.add(oil)
    get_backend().index(articles_for_index())

    data = client.get("/api/compare/?s1.tag=topic:coffee").json()

    topics = {v["label"]: (v["count"], v["share"]) for v in data["searches"][0]["facets"]["topic"]}
    assert topics == {"coffee": (4, None), "oil": (4, None)}
