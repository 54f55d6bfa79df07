"""Names with no letters or digits (emoji, signs) are names like any other: each its own
outlet, author or tag, never merged with another such name under one fallback slug."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from archive.ingest.run import ingest_paths
from archive.models import Article, ArticleAuthor, Author, Outlet, Tag, unique_slug
from search.models import IndexChange
from tests.archive.ingest.conftest import jsonl
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, slug",
    [
        ("🦊", "fox-face"),
        ("🦆🦆", "duck-duck"),
        ("???", "question-mark-question-mark-question-mark"),
        ("!!!", "exclamation-mark-exclamation-mark-exclamation-mark"),
        ("Reuters", "reuters"),
        ("조선일보", "조선일보"),
        ("\U0001fae8", "u1fae8"),  # not named in this Python's Unicode tables
        ("\ue000", "ue000"),  # private use
        ("", "untitled"),
        ("\u200b", "untitled"),
    ],
)
def test_a_name_without_letters_is_slugged_by_its_signs_names(name, slug):
    assert unique_slug(name) == slug


def test_ingest_keeps_outlets_authors_and_tags_named_by_signs_apart(tmp_path):
    signs = ("!!!", "???", "!!!")
    items = [
        {"title": f"Story {n}", "body": f"Story number {n} of the day.", "outlet": sign,
         "authors": [sign], "tags": [sign]}
        for n, sign in enumerate(signs)
    ]  # fmt: skip
    path = tmp_path / "a.jsonl"
    path.write_text(jsonl(*items))

    ingest_paths([path])

    for model in (Outlet, Author, Tag):
        assert sorted(model.objects.values_list("name", flat=True)) == ["!!!", "???"]
    assert Article.objects.filter(outlet__name="!!!", authors__name="!!!").count() == 2


@pytest.mark.django_db(transaction=True)
def test_migration_0064_slugs_names_kept_as_untitled_by_their_signs_and_redirects(client):
    MigrationExecutor(connection).migrate([("archive", "0063_band_keys_requeued")])
    ducks = Author.objects.create(name="🦆🦆", slug="untitled")
    shouts = Outlet.objects.create(name="!!!", slug="untitled")
    fox = Tag.objects.create(name="🦊", slug="untitled", kind="topic")
    Tag.objects.create(name="-", slug="untitled", kind="person")
    Tag.objects.create(name="\u200b", slug="untitled", kind="place")  # no sign: as it was
    article = make_article(title="Quacks", outlet=shouts)
    ArticleAuthor.objects.create(article=article, author=ducks)
    article.tags.add(fox)
    IndexChange.objects.all().delete()

    MigrationExecutor(connection).migrate([("archive", "0064_symbol_name_slugs")])

    assert Author.objects.get().slug == "duck-duck"
    assert Outlet.objects.get().slug == "exclamation-mark-exclamation-mark-exclamation-mark"
    assert Tag.objects.get(kind="topic").slug == "fox-face"
    assert Tag.objects.get(kind="person").slug == "hyphen-minus"
    assert Tag.objects.get(kind="place").slug == "untitled"
    # Old addresses lead to the new ones; the article's index document is rewritten.
    assert client.get("/authors/untitled/")["Location"] == "/authors/duck-duck/"
    assert client.get("/tags/topic/untitled/")["Location"] == "/tags/topic/fox-face/"
    assert set(IndexChange.objects.values_list("article_id", flat=True)) == {article.pk}
