"""/api/stories/ and /api/stories/{id}/: read-only, filtered, in the schema."""

import datetime as dt

import pytest

from archive.models import Story
from tests.stories_fixtures import flood_story

pytestmark = pytest.mark.django_db


def test_the_story_list_is_newest_first_and_paginated(client):
    story, *_ = flood_story()
    older = Story.objects.create(title="Old", first_published=dt.date(2000, 1, 1), size=2)
    body = client.get("/api/stories/").json()
    assert [s["id"] for s in body["results"]] == [story.pk, older.pk]
    assert body["results"][0]["title"] == "Danube floods Passau"
    assert body["results"][0]["size"] == 3
    assert body["results"][0]["web_url"].endswith(f"/stories/{story.pk}/")
    assert client.get("/api/stories/?page_size=1").json()["next"]


def test_the_story_list_filters_by_outlet_tag_and_dates(client):
    story, *_ = flood_story()
    Story.objects.create(title="Old", first_published=dt.date(2000, 1, 1), size=2)

    def ids(query):
        return [s["id"] for s in client.get(f"/api/stories/?{query}").json()["results"]]

    assert ids("outlet=herald") == [story.pk]
    assert ids("outlet=nobody") == []
    assert ids("tag=place:passau") == [story.pk]
    assert ids("date_from=2024-03-05&date_to=2024-03-06") == [story.pk]
    assert ids("date_to=2024-03-03") != [story.pk]


def test_bad_filters_are_a_clear_400(client):
    response = client.get("/api/stories/?date_from=2024-03-05&date_to=2024-03-01")
    assert response.status_code == 400
    assert "date_to" in response.json()["errors"]
    assert client.get("/api/stories/?date_from=soon").status_code == 400


def test_a_story_gives_its_articles_with_copy_groups_first_report_and_additions(client):
    story, first, second, copy = flood_story()
    body = client.get(f"/api/stories/{story.pk}/").json()
    articles = {a["id"]: a for a in body["articles"]}
    assert [a["id"] for a in body["articles"]] == [first.pk, second.pk, copy.pk]
    assert articles[first.pk]["first_report"] is True
    assert articles[second.pk]["first_report"] is False
    assert articles[copy.pk]["copy_group"] == first.pk == articles[first.pk]["copy_group"]
    assert articles[second.pk]["outlet"]["name"] == "Herald"
    assert articles[second.pk]["adds"] == [
        "Residents spent the night in school gyms, and more rain is forecast for Tuesday."
    ]
    assert [t["name"] for t in body["shared_tags"]] == ["Passau"]


def test_an_article_carries_its_story_id(client):
    story, first, *_ = flood_story()
    assert client.get(f"/api/articles/{first.pk}/").json()["story"] == story.pk


def test_stories_are_read_only(client):
    story, *_ = flood_story()
    assert client.post("/api/stories/", {}).status_code in (401, 403, 405)
    assert client.delete(f"/api/stories/{story.pk}/").status_code in (401, 403, 405)
    assert client.get("/api/stories/999999/").status_code == 404


def test_the_schema_documents_the_story_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/stories/" in schema["paths"] and "/api/stories/{id}/" in schema["paths"]
    detail = schema["components"]["schemas"]["StoryDetail"]["properties"]
    assert {"articles", "shared_tags"} <= set(detail)
    assert "story" in schema["components"]["schemas"]["Article"]["properties"]
