"""GET /api/export/ of a full search, and /api/export/manifest/."""

import csv
import hashlib
import io
import json

import pytest

from search.export.columns import COLUMNS
from tests.search.export.conftest import harvest  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_an_export_has_the_searchs_total_in_a_header_and_as_many_rows(anon, harvest):  # noqa: F811
    searched = anon.get("/api/search/", {"q": "harvest", "tag": "topic:coffee"}).json()

    response = anon.get(
        "/api/export/",
        {"q": "harvest", "tag": "topic:coffee", "format": "csv", "columns": "id,title"},
    )

    assert response.status_code == 200
    assert response.streaming  # the header came before any row was read
    assert response["X-Total-Count"] == str(searched["count"]) == "15"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="export-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    assert rows[0] == ["id", "title"]
    assert [int(r[0]) for r in rows[1:21]] == [r["id"] for r in searched["results"]]
    assert len(rows) - 1 == 15


def test_the_manifest_url_hashes_the_same_rows(anon, harvest):  # noqa: F811
    response = anon.get("/api/export/", {"q": "harvest", "format": "csv", "bom": "1"})
    data = b"".join(response.streaming_content)
    link = response["Link"]
    assert link.endswith('>; rel="describedby"; type="application/json"')
    url = link[1 : link.index(">")]

    manifest = anon.get(url).json()

    assert manifest["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["count"] == 30 and manifest["query"] == "harvest"
    assert manifest["format"] == "csv" and manifest["bom"] is True


def test_json_lines_carry_their_manifest_as_the_last_line(anon, harvest):  # noqa: F811
    response = anon.get("/api/export/", {"q": "harvest", "sort": "newest", "format": "jsonl"})

    *rows, last = b"".join(response.streaming_content).splitlines(keepends=True)
    manifest = json.loads(last)["manifest"]
    assert manifest["sha256"] == hashlib.sha256(b"".join(rows)).hexdigest()
    assert manifest["count"] == len(rows) == int(response["X-Total-Count"]) == 30
    assert manifest["sort"] == "newest"


def test_a_client_may_ask_for_csv_by_accept_header(anon, harvest):  # noqa: F811
    response = anon.get("/api/export/", {"q": "harvest", "format": "csv"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 200


def test_an_unknown_format_is_named_alone_and_a_bom_turned_off_is_no_problem(anon, harvest):  # noqa: F811
    unknown = anon.get("/api/export/", {"format": "xml", "columns": "id"})
    quiet = anon.get("/api/export/", {"format": "jsonl", "bom": "0"})

    assert unknown.status_code == 400 and set(unknown.json()["errors"]) == {"format"}
    assert quiet.status_code == 200


@pytest.mark.parametrize(
    ("params", "named", "says"),
    [
        ({"format": "csv", "columns": "id,colour"}, "columns", "use any of id, published,"),
        ({"format": "xml"}, "format", "use one of csv, jsonl"),
        ({"bom": "maybe"}, "bom", "neither true nor false"),
        ({"sort": "best"}, "sort", "best"),
        ({"date_from": "soon"}, "date_from", "soon"),
        ({"q": "harvest AND (field"}, "q", "could not be understood"),
        ({"format": "jsonl", "columns": "id"}, "columns", "applies to format=csv only"),
        ({"bom": "1"}, "bom", "applies to format=csv only"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(anon, harvest, params, named, says):  # noqa: F811
    response = anon.get("/api/export/", params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert named in body["detail"] and says in body["detail"]


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_an_export_by_meaning_is_a_400_naming_mode(anon, harvest, settings, mode):  # noqa: F811
    settings.SEARCH_SEMANTIC = True
    for path in ("/api/export/", "/api/export/manifest/"):
        response = anon.get(path, {"q": "harvest", "mode": mode})

        assert response.status_code == 400
        assert response.json()["detail"].startswith("mode: an export matches by keywords")
    assert anon.get("/api/export/", {"q": "harvest", "mode": "keyword"}).status_code == 200


def test_the_export_and_its_manifest_are_in_the_schema(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    export = schema["paths"]["/api/export/"]["get"]
    documented = {p["name"]: p for p in export["parameters"]}
    assert {"q", "outlet", "tag", "sort", "date_from", "format", "columns", "bom"} <= set(
        documented
    )
    assert not {"page", "page_size", "facets"} & set(documented)
    assert documented["columns"]["schema"]["items"]["enum"] == list(COLUMNS)
    assert {"text/csv", "application/x-ndjson"} <= set(export["responses"]["200"]["content"])
    assert "/api/export/manifest/" in schema["paths"]


def test_a_client_that_leaves_mid_export_frees_the_held_cursor(anon, harvest, search_backend):  # noqa: F811
    """The server closes the response when a client goes away (WSGI ``close()``): the
    export's rows held on the database server go with it."""
    from tests.search.export.test_matching_ids import held_cursors

    if search_backend.name != "postgres":
        pytest.skip("Whoosh holds the ids in memory: nothing to close")
    response = anon.get("/api/export/", {"q": "harvest", "format": "csv"})
    chunks = iter(response.streaming_content)
    next(chunks)  # the header row went out, then the client left
    assert held_cursors() == 1

    # What the server does: it closes the response, unread. Its closers are run here
    # without the request_finished signal, which would close the test's connection.
    for closer in response._resource_closers:
        closer()

    assert held_cursors() == 0


def test_an_export_has_every_copy_unless_asked_to_fold(anon, search_backend):
    from tests.search.conftest import wire_articles

    wire_articles(search_backend)
    every = anon.get("/api/export/", {"q": "dalian", "format": "csv", "columns": "id"})
    folded = anon.get(
        "/api/export/", {"q": "dalian", "format": "csv", "columns": "id", "collapse": "copies"}
    )
    searched = anon.get("/api/search/", {"q": "dalian"}).json()

    assert every["X-Total-Count"] == str(searched["count_articles"]) == "4"
    assert folded["X-Total-Count"] == str(searched["count"]) == "2"
    manifest = b"".join(folded.streaming_content)  # read to the end: the cursor is freed
    assert manifest
    assert "collapse=copies" in folded["Link"]
