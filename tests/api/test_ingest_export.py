"""POST /api/ingest/ (bodies and files, size and type limits) and GET /api/export/."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archive.models import Article
from search.models import IndexChange
from search.service import search
from search.types import SearchRequest

pytestmark = pytest.mark.django_db

GOOD = {"title": "Wheat harvest up", "body": "The wheat harvest rose ten percent.", "outlet": "AP"}
BAD = {"title": "No body here"}


def exported(response) -> list[dict]:
    """The records of a JSON Lines export, without its last line, the manifest."""
    *records, last = [
        json.loads(line) for line in b"".join(response.streaming_content).splitlines()
    ]
    assert list(last) == ["manifest"]
    return records


def jsonl(*items) -> str:
    return "".join(json.dumps(item) + "\n" for item in items)


def test_ingest_a_json_lines_body_reports_each_outcome(as_editor, db):
    response = as_editor.post(
        "/api/ingest/", jsonl(GOOD, BAD, GOOD), content_type="application/x-ndjson"
    )

    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["created"] == 1
    assert report["failed"] == 1
    assert report["duplicates"] + report["updated"] == 1
    assert report["errors"][0]["item"] == "line 2"
    assert "body" in report["errors"][0]["reason"]
    assert Article.objects.get().outlet.name == "AP"


def test_an_ingested_body_is_searchable_when_the_answer_comes(as_editor, db):
    as_editor.post("/api/ingest/", jsonl(GOOD), content_type="application/x-ndjson")

    assert IndexChange.objects.count() == 0
    assert search(SearchRequest(q="wheat harvest")).total == 1


def test_ingest_a_json_array_body(as_editor, db):
    response = as_editor.post("/api/ingest/", json.dumps([GOOD]), content_type="application/json")

    assert response.json()["created"] == 1


def test_ingest_an_uploaded_file_uses_its_extension(as_editor, db):
    upload = SimpleUploadedFile("../../etc/batch.jsonl", jsonl(GOOD).encode())

    response = as_editor.post("/api/ingest/", {"file": upload}, format="multipart")

    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 1
    assert ".." not in response.json()["source"]


def test_dry_run_stores_nothing(as_editor, db):
    response = as_editor.post(
        "/api/ingest/?dry_run=1", jsonl(GOOD), content_type="application/x-ndjson"
    )

    assert response.json()["dry_run"] is True
    assert not Article.objects.exists()


def test_a_body_over_the_limit_is_a_413_before_it_is_read(as_editor, settings):
    settings.API_MAX_UPLOAD_BYTES = 100

    response = as_editor.post(
        "/api/ingest/", jsonl(GOOD, GOOD, GOOD), content_type="application/x-ndjson"
    )

    assert response.status_code == 413
    assert "larger than the 100 bytes allowed" in response.json()["detail"]
    assert not Article.objects.exists()


def test_an_uploaded_file_over_the_limit_is_a_413(as_editor, settings):
    settings.API_MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("big.jsonl", b"x" * 500)

    response = as_editor.post("/api/ingest/", {"file": upload}, format="multipart")

    assert response.status_code == 413


def test_ingest_refuses_other_content_types_with_415(as_editor, db):
    response = as_editor.post("/api/ingest/", "title: x", content_type="text/yaml")

    assert response.status_code == 415
    assert "text/yaml" in response.json()["detail"]


def test_ingest_of_an_empty_body_is_a_400(as_editor, db):
    response = as_editor.post("/api/ingest/", "", content_type="application/x-ndjson")

    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is empty."


def test_multipart_without_a_file_is_a_400(as_editor, db):
    response = as_editor.post("/api/ingest/", {"other": "x"}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["detail"]


def test_export_streams_json_lines_of_the_filtered_articles(anon, archive):
    response = anon.get("/api/export/", {"outlet": "reuters"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    titles = {record["title"] for record in exported(response)}
    assert titles == {"Denuclearization summit planned", "Crude oil prices rise"}


def test_an_unfiltered_export_carries_outlets_no_article_uses(anon, archive):
    from tests.factories import make_outlet

    make_outlet("Quiet Gazette")
    response = anon.get("/api/export/")
    assert {"outlet": "Quiet Gazette"} in exported(response)
    filtered = anon.get("/api/export/", {"outlet": "reuters"})
    assert all("title" in record for record in exported(filtered))


def test_export_accepts_a_json_lines_accept_header(anon, archive):
    response = anon.get("/api/export/", HTTP_ACCEPT="application/x-ndjson")

    assert response.status_code == 200


def test_export_with_a_bad_date_is_a_400(anon, archive):
    response = anon.get("/api/export/", {"date_to": "soon"})

    assert response.status_code == 400
    assert "date_to" in response.json()["detail"]


def test_exported_lines_ingest_again(as_editor, archive):
    exported = b"".join(as_editor.get("/api/export/").streaming_content)
    Article.objects.all().delete()

    report = as_editor.post("/api/ingest/", exported, content_type="application/x-ndjson").json()

    assert report["created"] == 3
