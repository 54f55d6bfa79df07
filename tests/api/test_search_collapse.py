"""GET /api/search/ folds copies: `collapse`, `outlet_credit`, the two counts and each
hit's copy group, story and folded copies; articles carry their copy group and story."""

import pytest

from tests.search.conftest import wire_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def wire(db):
    return wire_articles()


def test_hits_fold_copies_by_default_and_say_both_counts(anon, wire):
    data = anon.get("/api/search/", {"sort": "oldest"}).json()

    assert data["count"] == 3 and data["count_articles"] == 5
    assert data["collapse"] == "copies"
    original = wire["original"]
    hit = data["results"][0]
    assert hit["id"] == original.pk and hit["copy_group"] == original.pk
    assert hit["story"] == original.story_id
    assert hit["folded"] == 2
    assert [c["outlet"]["name"] for c in hit["copies"]] == ["JoongAng", "Herald"]
    first = hit["copies"][0]
    assert first["id"] == wire["copies"][0].pk and first["published"] == "2018-05-09"
    assert first["web_url"].startswith(f"http://testserver/articles/{first['id']}/")
    assert data["results"][-1]["copies"] == [] and data["results"][-1]["story"] is None


def test_collapse_none_lists_every_copy_and_stories_one_per_story(anon, wire):
    every = anon.get("/api/search/", {"collapse": "none"}).json()
    stories = anon.get("/api/search/", {"collapse": "stories"}).json()

    assert every["count"] == every["count_articles"] == 5
    assert sum(f["count"] for f in every["facets"]["year"]) == 5
    assert stories["count"] == 2 and sum(h["count"] for h in stories["histogram"]) <= 2
    assert sum(f["count"] for f in stories["facets"]["year"]) == 2


def test_outlet_credit_original_counts_original_reporting_only(anon, wire):
    data = anon.get("/api/search/", {"outlet_credit": "original", "facets": "outlet"}).json()

    assert {f["value"]: f["count"] for f in data["facets"]["outlet"]} == {
        "yonhap": 1,
        "bloomberg": 1,
        "reuters": 1,
    }


@pytest.mark.parametrize(
    ("name", "value", "choices"),
    [("collapse", "all", "copies, none, stories"), ("outlet_credit", "first", "all, original")],
)
def test_an_unknown_value_is_a_400_naming_the_parameter(anon, wire, name, value, choices):
    response = anon.get("/api/search/", {name: value})

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == f"{name}: unknown value {value!r}; use one of {choices}."
    assert name in body["errors"]


def test_an_article_says_its_copy_group_and_story(anon, wire):
    copy, alone = wire["copies"][0], wire["alone"]

    data = anon.get(f"/api/articles/{copy.pk}/").json()
    assert data["copy_group"] == wire["original"].pk and data["story"] == copy.story_id
    data = anon.get(f"/api/articles/{alone.pk}/").json()
    assert data["copy_group"] == alone.pk and data["story"] is None


def test_the_schema_documents_the_parameters_and_fields(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    params = {p["name"]: p for p in schema["paths"]["/api/search/"]["get"]["parameters"]}
    assert params["collapse"]["schema"]["enum"] == ["copies", "none", "stories"]
    assert params["outlet_credit"]["schema"]["enum"] == ["all", "original"]
    assert "original reporting only" in params["outlet_credit"]["description"]
    hit = schema["components"]["schemas"]["Hit"]["properties"]
    assert {"copy_group", "story", "copies", "folded"} <= set(hit)
    assert "count_articles" in schema["components"]["schemas"]["SearchResponse"]["properties"]
    assert {"copy_group", "story"} <= set(schema["components"]["schemas"]["Article"]["properties"])
