"""The ingest and export commands (the export -> import round trip: test_roundtrip.py)."""

import io
import json

import pytest
from django.core.management import call_command

from archive.ingest.pipeline import article_reclean
from archive.ingest.run import ingest_paths
from archive.models import Article, ImportBatch
from archive.seeds import seeds_load
from search.models import IndexChange
from search.service import search
from search.types import SearchRequest
from tests.archive.ingest.conftest import ARTICLE, jsonl

pytestmark = pytest.mark.django_db


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_ingest_command_reports_counts_and_failures(write):
    bad = {**ARTICLE, "published": "soon", "url": None}
    path = write("a.jsonl", jsonl(ARTICLE, bad))
    out, err = _run("ingest", str(path))
    assert "created 1, updated 0, duplicates 0, skipped 0, failed 1" in out
    assert "a.jsonl [line 2]: unparseable date 'soon'" in err
    assert ImportBatch.objects.get().failed == 1


def test_ingest_dry_run_keeps_nothing_but_the_batch(write):
    out, _ = _run("ingest", str(write("a.jsonl", jsonl(ARTICLE))), "--dry-run")
    assert "Dry run: would have created 1" in out
    assert Article.objects.count() == 0
    assert ImportBatch.objects.get().dry_run


def test_ingest_format_and_outlet_options(write):
    path = write("story.data", jsonl({k: v for k, v in ARTICLE.items() if k != "outlet"}))
    _run("ingest", str(path), "--format", "jsonl", "--outlet", "Given Outlet")
    assert Article.objects.get().outlet.name == "Given Outlet"


def test_ingest_glob_reads_matching_files(write, tmp_path):
    write("x/one.jsonl", jsonl(ARTICLE))
    write("x/two.jsonl", jsonl({**ARTICLE, "title": "B", "body": "Other text here.", "url": None}))
    batch = ingest_paths([str(tmp_path / "x" / "*.jsonl")])
    assert batch.created == 2


def test_export_writes_json_lines_with_filters(write, tmp_path):
    other = {
        **ARTICLE,
        "title": "Old",
        "body": "An old story.",
        "url": None,
        "published": "1999-01-01",
        "outlet": "Other Paper",
        "tags": [],
    }
    ingest_paths([write("a.jsonl", jsonl(ARTICLE, other))])
    target = tmp_path / "out.jsonl"
    _run("export", "--format", "jsonl", "--outlet", "Harbour Times", "-o", str(target))
    [line, manifest] = target.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["title"] == ARTICLE["title"]
    assert {"name": "Rotterdam", "kind": "place", "aliases": ["Rotterdam port"]} in record["tags"]
    assert json.loads(manifest)["manifest"]["count"] == 1
    out, _ = _run("export", "--since", "2000-01-01", "--tag", "Labour")
    assert [json.loads(x).get("title") for x in out.splitlines()] == [ARTICLE["title"], None]


def test_reclean_rebuilds_the_body_from_the_raw_text(seeds_dir):
    seeds_load(directory=seeds_dir)
    article = Article.objects.get(source="000_79764a032d665d76.txt")
    clean_body = article.body
    Article.objects.filter(pk=article.pk).update(body=article.raw_text)
    article.refresh_from_db()
    article_reclean(article)
    article.refresh_from_db()
    assert article.body == clean_body
    assert "Get all your news" not in article.body


def test_ingest_command_makes_the_import_searchable_before_it_returns(write):
    out, _ = _run("ingest", str(write("a.jsonl", jsonl(ARTICLE))))

    assert "Search index brought up to date (1 changes)" in out
    assert IndexChange.objects.count() == 0
    assert search(SearchRequest(q=ARTICLE["title"])).total == 1
