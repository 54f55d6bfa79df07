"""Planner statistics after bulk writes (``archive.statistics``)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import statistics
from archive.ingest.run import ingest_paths
from archive.models import Article
from search.selectors import names_and_links

pytestmark = pytest.mark.django_db
IMPORTED = 60


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the plan of a PostgreSQL query")


def _archive_filled(tmp_path, monkeypatch, *, analyse_from: int) -> None:
    """An archive of 40 times IMPORTED articles written in bulk (no statistics), then an
    import of IMPORTED more through the import service."""
    lines = [
        json.dumps(
            {
                "title": f"Harbour report {n}",
                "body": f"Ships number {n} came into the harbour on day {n} of the strike.",
                "outlet": "Harbour Times",
                "published": f"2020-01-{n % 28 + 1:02d}",
                "tags": ["Labour", f"Pier {n % 7}"],
            }
        )
        for n in range(IMPORTED)
    ]
    (tmp_path / "first.jsonl").write_text("\n".join(lines[:10]) + "\n")
    (tmp_path / "second.jsonl").write_text("\n".join(lines[10:]) + "\n")
    ingest_paths([tmp_path / "first.jsonl"])
    with connection.cursor() as cursor:  # a bulk load's worth: 39 copies of each article
        cursor.execute(
            "INSERT INTO archive_article (title, summary, body, raw_text, published, language,"
            " word_count, content_hash, source, external_id, created_at, updated_at, outlet_id)"
            " SELECT title, summary, body, raw_text, published, language, word_count,"
            " md5(content_hash || g), source, external_id, created_at, updated_at, outlet_id"
            " FROM archive_article, generate_series(1, 39 * 6) g"
        )
        cursor.execute(
            "INSERT INTO archive_article_tags (article_id, tag_id) SELECT a.id, t.id"
            " FROM archive_article a, archive_tag t WHERE a.title LIKE 'Harbour report _'"
            " AND a.id NOT IN (SELECT article_id FROM archive_article_tags)"
        )
    monkeypatch.setattr(statistics, "ANALYZE_FROM", analyse_from)
    assert ingest_paths([tmp_path / "second.jsonl"]).created == IMPORTED - 10


def _tag_prefetch_plan() -> tuple[dict, int]:
    """The plan of the scan of article tags in the query that reads a results page's
    tags and bylines, and how many tags the page has."""
    page = list(Article.objects.order_by("-published").values_list("pk", flat=True)[:20])
    with CaptureQueriesContext(connection) as queries:
        names = names_and_links(articles=page)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + queries[-1]["sql"])
        plan = cursor.fetchone()[0][0]["Plan"]
    return _scan_of(plan, "archive_article_tags"), sum(map(len, names.article_tags.values()))


def _scan_of(plan: dict, table: str) -> dict | None:
    if plan.get("Relation Name") == table:
        return plan
    found = (_scan_of(p, table) for p in plan.get("Plans", ()))
    return next((f for f in found if f), None)


def test_after_a_large_import_a_results_page_reads_its_tags_by_index(
    postgres, tmp_path, monkeypatch
):
    _archive_filled(tmp_path, monkeypatch, analyse_from=IMPORTED - 10)

    scan, tags = _tag_prefetch_plan()

    assert scan["Node Type"] != "Seq Scan"
    assert scan["Plan Rows"] <= 5 * tags  # planned for the page's tags, not a share of all


def test_without_statistics_the_planner_expects_a_share_of_every_tag_link(
    postgres, tmp_path, monkeypatch
):
    _archive_filled(tmp_path, monkeypatch, analyse_from=10**9)  # imports before this change

    scan, tags = _tag_prefetch_plan()

    assert scan["Plan Rows"] > 10 * tags


def test_a_small_import_leaves_the_statistics_to_autovacuum():
    assert statistics.import_analyze(stored=statistics.ANALYZE_FROM - 1) == ()


def test_the_tables_an_import_fills_are_analysed_on_any_database():
    assert "archive_article_tags" in statistics.import_analyze(stored=statistics.ANALYZE_FROM)
