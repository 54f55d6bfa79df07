"""Strings a database cannot store (a lone surrogate escape such as "\\ud800") and
articles over the per-article caps, sent to the article endpoints and the bulk ingest:
a 400 naming the field or the cap, or the text cleaned; never a 500, never a lost batch."""

import json

import pytest

from archive.models import Article, Author, Tag

pytestmark = pytest.mark.django_db

MAX_AUTHORS, MAX_TAGS = 100, 200  # the documented caps (archive/ingest/articletext.py)

SURROGATE = "\\ud800"  # as JSON writes it: a lone surrogate once decoded
NEW = {
    "title": "Harbour cranes return",
    "body": "The harbour cranes came back into service on Tuesday after repairs.",
    "authors": ["Ana Silva"],
    "tags": ["Shipping"],
    "summary": "Cranes back.",
}
FIELDS = {
    "title": '"Harbour \\ud800 cranes"',
    "body": '"The harbour \\ud800 cranes came back into service."',
    "summary": '"Cranes \\ud800 back."',
    "raw_text": '"<p>raw \\ud800</p>"',
    "language": '"e\\ud800"',
    "url": '"https://example.org/\\ud800"',
    "authors": '["Zoe \\ud800 Quist"]',
    "tags": '["Ship\\ud800ping"]',
    "tags_object": '[{"name": "Ship\\ud800ping", "kind": "topic"}]',
    "outlet": '"harbour-\\ud800"',
}


def _with(field: str) -> str:
    """The NEW article as JSON text, with ``field`` carrying a lone surrogate escape."""
    text = json.dumps({k: v for k, v in NEW.items() if k != field.removesuffix("_object")})
    return text[:-1] + f', "{field.removesuffix("_object")}": {FIELDS[field]}}}'


def _stored_strings() -> list[str]:
    article_texts = Article.objects.values_list("title", "summary", "body", "raw_text", "language")
    names = [
        *Author.objects.values_list("name", flat=True),
        *Tag.objects.values_list("name", flat=True),
    ]
    return [text for row in article_texts for text in row] + names


@pytest.mark.parametrize("field", FIELDS)
def test_a_surrogate_in_a_new_article_is_a_400_or_cleaned(as_editor, field):
    response = as_editor.post("/api/articles/", _with(field), content_type="application/json")
    assert response.status_code in (201, 400), response.content[:300]
    if response.status_code == 400:
        assert response.json()["errors"], response.json()
    assert all("\ud800" not in text for text in _stored_strings())


@pytest.mark.parametrize("field", FIELDS)
def test_a_surrogate_in_a_patch_is_a_400_or_cleaned(as_editor, field):
    created = as_editor.post("/api/articles/", NEW, format="json").json()
    response = as_editor.patch(
        f"/api/articles/{created['id']}/", _with(field), content_type="application/json"
    )
    assert response.status_code in (200, 400), response.content[:300]
    assert all("\ud800" not in text for text in _stored_strings())


def test_a_surrogate_in_a_bulk_ingest_item_is_cleaned_and_the_rest_goes_in(as_editor):
    good = [
        json.dumps({**NEW, "title": f"Story {n}", "body": f"Story number {n} of the day."})
        for n in range(300)
    ]
    other = _with("authors").replace("came back", "were back")  # another story
    lines = [*good[:5], _with("title"), other, *good[5:]]
    response = as_editor.post(
        "/api/ingest/", "\n".join(lines) + "\n", content_type="application/x-ndjson"
    )
    assert response.status_code == 200, response.content[:300]
    report = response.json()
    assert (report["created"], report["failed"]) == (302, 0), report["errors"]
    assert Article.objects.filter(title="Harbour \ufffd cranes").exists()
    assert Author.objects.filter(name="Zoe \ufffd Quist").exists()


def test_too_many_authors_is_a_400_naming_the_limit(as_editor):
    many = {**NEW, "authors": [f"Author {n}" for n in range(MAX_AUTHORS + 1)]}
    response = as_editor.post("/api/articles/", many, format="json")
    assert response.status_code == 400
    assert str(MAX_AUTHORS) in json.dumps(response.json()["errors"]["authors"])
    assert not Article.objects.exists() and not Author.objects.exists()


def test_too_many_tags_in_a_patch_is_a_400(as_editor):
    created = as_editor.post("/api/articles/", NEW, format="json").json()
    many = {"tags": [f"Tag {n}" for n in range(MAX_TAGS + 1)]}
    response = as_editor.patch(f"/api/articles/{created['id']}/", many, format="json")
    assert response.status_code == 400
    assert str(MAX_TAGS) in json.dumps(response.json()["errors"]["tags"])
    assert Tag.objects.count() == 1


def test_too_many_authors_in_a_bulk_item_fails_that_item_only(as_editor):
    many = {**NEW, "url": "https://example.org/many", "authors": [f"A {n}" for n in range(1000)]}
    body = json.dumps(many) + "\n" + json.dumps(NEW) + "\n"
    report = as_editor.post("/api/ingest/", body, content_type="application/x-ndjson").json()
    assert (report["created"], report["failed"]) == (1, 1)
    [error] = report["errors"]
    assert error["item"] == "line 1"
    assert error["url"] == "https://example.org/many"
    assert error["reason"] == "1,000 authors, over the limit of 100 per article"
    assert Author.objects.count() == 1


@pytest.mark.parametrize("field", ["external_id", "url"])
def test_a_nul_in_a_bulk_items_id_or_url_fails_that_item_and_reports_it(as_editor, field):
    """The report names the failed item by its id or url, with the NUL shown as U+FFFD
    (quoted as it came, a NUL would fail the report's own save on PostgreSQL)."""
    bad = {**NEW, field: "https://example.org/a\u0000b" if field == "url" else "e\u0000x"}
    good = {**NEW, "title": "Another story", "body": "Another story of the day, in full."}
    body = json.dumps(bad) + "\n" + json.dumps(good) + "\n"

    response = as_editor.post("/api/ingest/", body, content_type="application/x-ndjson")

    assert response.status_code == 200, response.content[:300]
    report = response.json()
    assert (report["created"], report["failed"]) == (1, 1)
    [error] = report["errors"]
    assert "NUL" in error["reason"]
    assert error[field] == bad[field].replace("\u0000", "\ufffd")
    assert list(Article.objects.values_list("title", flat=True)) == ["Another story"]
