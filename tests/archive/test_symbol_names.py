"""Names with no letters or digits (emoji, signs) are names like any other: each its own
outlet, author or tag, never merged with another such name under one fallback slug."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from archive.ingest.run import ingest_paths
from archive.models import Article, Author, Outlet, Tag, unique_slug
from tests.archive.ingest.conftest import jsonl

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
def test_migration_0064_slugs_names_kept_as_untitled_by_their_signs():
    MigrationExecutor(connection).migrate([("archive", "0063_band_keys_requeued")])
    Author.objects.create(name="🦆🦆", slug="untitled")
    Outlet.objects.create(name="!!!", slug="untitled")
    Tag.objects.create(name="🦊", slug="untitled", kind="topic")
    Tag.objects.create(name="-", slug="untitled", kind="person")
    Tag.objects.create(name="\u200b", slug="untitled", kind="place")  # no sign: as it was

    MigrationExecutor(connection).migrate([("archive", "0064_symbol_name_slugs")])

    assert Author.objects.get().slug == "duck-duck"
    assert Outlet.objects.get().slug == "exclamation-mark-exclamation-mark-exclamation-mark"
    assert Tag.objects.get(kind="topic").slug == "fox-face"
    assert Tag.objects.get(kind="person").slug == "hyphen-minus"
    assert Tag.objects.get(kind="place").slug == "untitled"
