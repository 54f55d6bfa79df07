"""An article with a byline far past the ingest cap (stored before the cap, or by hand)
and batches whose articles name many authors between them: every page, the API, the
admin, the export, the index maintenance and the outbox still work. Django prefetched
the authors of a batch as one ``id = … OR …`` chain, which SQLite refuses past 1,000
("Expression tree is too large"), so the whole archive answered 503 around them."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from archive.models import Article, ArticleAuthor, Author
from search.models import IndexChange
from search.outbox import outbox_drain
from search.service import search
from search.types import SearchRequest
from tests.api.conftest import token_client
from tests.factories import make_article

pytestmark = pytest.mark.django_db

AUTHORS = 1_200


def _byline(article: Article, count: int, start: int = 0) -> None:
    authors = Author.objects.bulk_create(
        Author(name=f"Writer {n}", slug=f"writer-{n}") for n in range(start, start + count)
    )
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author=author, position=i)
        for i, author in enumerate(authors)
    )


@pytest.fixture
def crowded() -> Article:
    """An article with 1,200 authors, written straight to the database, and one after it."""
    article = make_article(title="Crowded byline", body="Harbour cranes return to service.")
    _byline(article, AUTHORS)
    make_article(title="Quiet story", body="Ferries keep their winter timetable.")
    return article


def _search(words: str) -> list[str]:
    return [hit.article.title for hit in search(SearchRequest(q=words)).hits]


def test_the_outbox_indexes_it_and_the_articles_behind_it(crowded):
    assert IndexChange.objects.exists()
    outbox_drain()
    assert not IndexChange.objects.exists()
    assert _search("cranes") == ["Crowded byline"]
    assert _search("ferries") == ["Quiet story"]


@pytest.mark.parametrize("command", ["sync", "rebuild", "check"])
def test_index_maintenance_commands_finish(crowded, command):
    call_command("search_index", command, stdout=StringIO())
    call_command("search_index", "check", stdout=StringIO())  # and nothing is left to fix


def test_its_page_lists_the_whole_byline(client, crowded):
    response = client.get(crowded.get_absolute_url())
    assert response.status_code == 200
    assert response.content.count(b"Writer ") == AUTHORS


def test_the_api_reads_and_deletes_it(django_user_model, crowded):
    admin = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    api = token_client(admin)
    response = api.get(f"/api/articles/{crowded.pk}/")
    assert response.status_code == 200
    assert len(response.json()["authors"]) == AUTHORS
    assert api.delete(f"/api/articles/{crowded.pk}/").status_code == 204
    assert not Article.objects.filter(pk=crowded.pk).exists()


def test_its_admin_change_page_opens(admin_client, crowded):
    response = admin_client.get(f"/admin/archive/article/{crowded.pk}/change/")
    assert response.status_code == 200
    assert admin_client.get("/admin/archive/article/").status_code == 200


def test_the_full_export_carries_it(admin_client, crowded):
    response = admin_client.get("/api/export/")
    assert response.status_code == 200
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    [record] = [line for line in lines if line.get("title") == "Crowded byline"]
    assert len(record["authors"]) == AUTHORS


def test_an_export_batch_of_ordinary_articles_with_many_authors_between_them(admin_client):
    """600 articles of two authors each: one export chunk names 1,000 of them."""
    for n in range(600):
        _byline(make_article(title=f"Story {n}"), 2, start=2 * n)
    response = admin_client.get("/api/export/")
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content).splitlines()) == 600 + 1  # the manifest
    call_command("search_index", "rebuild", stdout=StringIO())
