"""An import that names an outlet, author or tag merged into another means the survivor:
a merge is never undone by the next import."""

import json

import pytest

from archive.curation import authors_merge, outlets_merge, tags_merge
from archive.ingest.run import ingest_paths
from archive.models import Article, Author, Outlet, SlugRedirect, Tag
from tests.factories import make_author, make_outlet, make_tag

pytestmark = pytest.mark.django_db

ITEM = {
    "title": "Port strike ends after ten days",
    "body": "Dock workers returned to work on Monday after a ten-day strike over pay.",
    "published": "2020-03-04",
}


def _import(write, **fields) -> Article:
    batch = ingest_paths([write("a.jsonl", json.dumps({**ITEM, **fields}) + "\n")])
    assert batch.created == 1, batch.errors
    return Article.objects.get()


def test_an_outlet_merged_away_is_not_brought_back(write):
    survivor, gone = make_outlet("Bloomberg"), make_outlet("Al Jazeera")
    outlets_merge(target=survivor, others=Outlet.objects.filter(pk=gone.pk))

    article = _import(write, outlet="Al Jazeera")

    assert article.outlet == survivor
    assert list(Outlet.objects.values_list("slug", flat=True)) == ["bloomberg"]


def test_an_author_merged_away_is_not_brought_back(write):
    survivor, gone = make_author("Ana Silva"), make_author("A. Silva")
    authors_merge(target=survivor, others=Author.objects.filter(pk=gone.pk))

    article = _import(write, outlet="Harbour Times", authors=["A. Silva"])

    assert [link.author for link in article.author_links.all()] == [survivor]
    assert Author.objects.count() == 1


def test_a_tag_merged_away_by_its_slug_is_not_brought_back(write):
    survivor, gone = make_tag("United States", kind="place"), make_tag("U.S.", kind="place")
    tags_merge(target=survivor, others=Tag.objects.filter(pk=gone.pk))
    Tag.objects.filter(pk=survivor.pk).update(aliases=[])  # only the redirect remembers it

    article = _import(write, outlet="Harbour Times", tags=[{"name": "US", "kind": "place"}])

    assert list(article.tags.all()) == [survivor]
    assert SlugRedirect.objects.filter(old_slug="us").exists()
    assert Tag.objects.count() == 1
