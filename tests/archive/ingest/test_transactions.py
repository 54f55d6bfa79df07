"""A failure inside an article's write leaves nothing of it; the others are kept."""

import pytest
from django.db import IntegrityError

from archive.ingest import bulk, store
from archive.ingest.run import ingest_paths
from archive.models import Article, ArticleAuthor
from tests.archive.ingest.conftest import jsonl

pytestmark = pytest.mark.django_db


def _items(n: int) -> str:
    return jsonl(
        *(
            {"title": f"Story {i}", "body": f"Body of story number {i}.", "authors": [f"Ann {i}"]}
            for i in range(n)
        )
    )


def test_failed_chunk_insert_is_redone_one_article_at_a_time(write, monkeypatch):
    calls = []
    original = bulk._insert_tag_links

    def fail_once(rows):
        calls.append(rows)
        if len(calls) == 1:
            raise IntegrityError("simulated conflict")
        return original(rows)

    monkeypatch.setattr(bulk, "_insert_tag_links", fail_once)
    batch = ingest_paths([write("a.jsonl", _items(5))])
    assert (batch.created, batch.failed) == (5, 0)
    assert Article.objects.count() == 5
    assert ArticleAuthor.objects.count() == 5


def test_article_whose_byline_fails_is_not_half_written(write, monkeypatch):
    original = ArticleAuthor.objects.bulk_create

    def fail_for_story_two(objs, *args, **kwargs):
        objs = list(objs)
        if any(link.article.title == "Story 2" for link in objs if link.article_id):
            raise IntegrityError("simulated failure while writing the byline")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(bulk.ArticleAuthor.objects, "bulk_create", fail_for_story_two)
    monkeypatch.setattr(store.ArticleAuthor.objects, "bulk_create", fail_for_story_two)
    batch = ingest_paths([write("a.jsonl", _items(4))])
    assert (batch.created, batch.failed) == (3, 1)
    assert batch.errors[0]["item"] == "line 3"
    assert not Article.objects.filter(title="Story 2").exists()
    assert ArticleAuthor.objects.count() == 3
