"""/api/articles/: list with filters, retrieve, create, change and delete."""

import pytest

from archive.models import Article

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    return [a["id"] for a in response.json()["results"]]


def test_list_is_paginated_newest_first(anon, archive):
    response = anon.get("/api/articles/", {"page_size": 2})

    data = response.json()
    assert response.status_code == 200
    assert data["count"] == 3
    assert ids(response) == [archive["summit"].pk, archive["kim"].pk]
    assert data["next"].endswith("page=2&page_size=2") or "page=2" in data["next"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"outlet": "reuters"}, ["summit", "oil"]),
        ({"outlet": ["reuters", "korea-herald"]}, ["summit", "kim", "oil"]),
        ({"outlet": "nowhere"}, []),
        ({"tag": "person:kim-jong-un"}, ["kim"]),
        ({"tag": "north-korea"}, ["summit", "kim"]),
        ({"author": "jane-doe"}, ["kim"]),
        ({"date_from": "2018-05-05"}, ["summit"]),
        ({"date_to": "2000-01-01"}, ["oil"]),
        ({"ordering": "title"}, ["oil", "summit", "kim"]),
        ({"ordering": "published"}, ["oil", "kim", "summit"]),
    ],
)
def test_list_filters_and_ordering(anon, archive, params, expected):
    response = anon.get("/api/articles/", params)

    assert ids(response) == [archive[name].pk for name in expected]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"ordering": "loudness"}, "ordering: unknown value 'loudness'"),
        ({"date_from": "yesterday"}, "date_from: Date has wrong format"),
        ({"date_from": "2019-01-01", "date_to": "2018-01-01"}, "date_to: is before date_from"),
        ({"include": "everything"}, "include"),
        # The filters read by the search's rules, as /api/search/ reads them:
        ({"tag": "nosuch:x"}, "tag: unknown tag kind 'nosuch'"),
        ({"outlet": "a b"}, "outlet: 'a b' is not a slug"),
        ({"author": "a\u0000b"}, "author.0: Null characters are not allowed"),
        ({"language": "english!"}, "language: 'english!' is not a language code"),
    ],
)
def test_list_refuses_bad_parameters_with_a_message(anon, archive, params, words):
    response = anon.get("/api/articles/", params)

    assert response.status_code == 400
    assert words in response.json()["detail"]


def test_a_page_past_the_end_is_a_404_naming_the_page_count(anon, archive):
    response = anon.get("/api/articles/", {"page": 9})

    assert response.status_code == 404
    assert "there are 1 pages" in response.json()["detail"]


@pytest.mark.parametrize("page", ["", " 1 "])
def test_a_blank_page_is_the_first_as_in_a_search(anon, archive, page):
    assert anon.get("/api/articles/", {"page": page}).status_code == 200


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5"])
@pytest.mark.parametrize("path", ["/api/articles/", "/api/stories/", "/api/outlets/"])
def test_a_page_that_is_not_a_page_number_is_a_400_as_in_a_search(anon, archive, path, page):
    response = anon.get(path, {"page": page})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("page: ")


def test_retrieve_has_the_body_and_raw_text_only_on_request(anon, archive):
    pk = archive["kim"].pk
    Article.objects.filter(pk=pk).update(raw_text="RAW as received")

    plain = anon.get(f"/api/articles/{pk}/").json()
    raw = anon.get(f"/api/articles/{pk}/", {"include": "raw"}).json()

    assert plain["body"].startswith("Kim Jong-un met envoys")
    assert "raw_text" not in plain
    assert raw["raw_text"] == "RAW as received"


def test_list_includes_raw_text_on_request(anon, archive):
    data = anon.get("/api/articles/", {"include": "raw"}).json()

    assert all("raw_text" in a for a in data["results"])


def test_missing_article_is_a_json_404(anon, db):
    response = anon.get("/api/articles/424242/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No Article matches the given query.", "code": "not_found"}


def test_editor_creates_an_article_through_the_pipeline(as_editor, archive):
    response = as_editor.post(
        "/api/articles/",
        {
            "title": "Gold hits record",
            "body": "Gold rose to a record on Tuesday as investors sought safety.",
            "outlet": "reuters",
            "published": "2020-08-04",
            "authors": ["Ann Lee", "Bo Kim"],
            "tags": ["Gold", {"name": "London", "kind": "place"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["outlet"]["slug"] == "reuters"
    assert [a["name"] for a in data["authors"]] == ["Ann Lee", "Bo Kim"]
    assert {(t["name"], t["kind"]) for t in data["tags"]} == {
        ("Gold", "topic"),
        ("London", "place"),
    }
    assert Article.objects.get(pk=data["id"]).word_count > 0


def test_posting_the_same_text_again_updates_instead_of_duplicating(as_editor, archive):
    body = {"title": "Kim again", "body": archive["kim"].body}

    response = as_editor.post("/api/articles/", body, format="json")

    assert response.status_code == 200
    assert response.json()["id"] == archive["kim"].pk
    assert Article.objects.count() == 3


def test_create_names_missing_and_unknown_fields(as_editor, archive):
    response = as_editor.post("/api/articles/", {"title": "", "outlet": "nowhere"}, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"title", "body", "outlet"}
    assert "body: This field is required." in response.json()["detail"]


def test_patch_changes_only_the_given_fields(as_editor, archive):
    pk = archive["oil"].pk

    response = as_editor.patch(
        f"/api/articles/{pk}/",
        {"title": "Oil jumps", "tags": [{"name": "Energy", "kind": "topic"}]},
        format="json",
    )

    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Oil jumps"
    assert data["body"].startswith("Crude oil prices rose")
    assert [t["name"] for t in data["tags"]] == ["Energy"]


def test_put_replaces_the_body_and_its_hash(as_editor, archive):
    article = archive["oil"]
    old_hash = article.content_hash

    response = as_editor.put(
        f"/api/articles/{article.pk}/",
        {"title": "Oil", "body": "Entirely new text about oil.", "outlet": None},
        format="json",
    )

    article.refresh_from_db()
    assert response.status_code == 200
    assert article.content_hash != old_hash
    assert article.outlet is None


def test_changing_a_body_to_another_articles_text_is_a_400(as_editor, archive):
    response = as_editor.patch(
        f"/api/articles/{archive['oil'].pk}/", {"body": archive["kim"].body}, format="json"
    )

    assert response.status_code == 400
    assert "the same as another article's" in response.json()["detail"]


def test_delete_removes_the_article(as_editor, archive):
    response = as_editor.delete(f"/api/articles/{archive['oil'].pk}/")

    assert response.status_code == 204
    assert not Article.objects.filter(pk=archive["oil"].pk).exists()


def test_wrong_content_type_is_a_415(as_editor, archive):
    response = as_editor.post("/api/articles/", "title=x", content_type="text/plain")

    assert response.status_code == 415
    assert 'Unsupported media type "text/plain"' in response.json()["detail"]


def test_malformed_json_is_a_400(as_editor, archive):
    response = as_editor.post("/api/articles/", "{nope", content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_patch_saves_title_and_summary_in_their_normal_form(as_editor, archive):
    pk = archive["oil"].pk

    response = as_editor.patch(
        f"/api/articles/{pk}/",
        {"title": "Oil\u200b  jumps  Cafe\u0301", "summary": "Dek\x07 here."},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["summary"]) == ("Oil jumps Café", "Dek here.")


def test_patch_refuses_a_url_that_is_not_a_web_address_as_create_does(as_editor, archive):
    url = "ftp://example.org/oil"
    created = as_editor.post(
        "/api/articles/", {"title": "T", "body": "B b.", "url": url}, format="json"
    )
    changed = as_editor.patch(f"/api/articles/{archive['oil'].pk}/", {"url": url}, format="json")

    assert (created.status_code, changed.status_code) == (400, 400)
    assert "is not an http(s) address" in changed.json()["detail"]
    assert not Article.objects.filter(url=url).exists()
