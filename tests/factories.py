"""Small builders for model instances in tests."""

import itertools

from archive.ingest.normalize import content_hash
from archive.models import Article, Author, Outlet, Tag

_counter = itertools.count(1)


def make_outlet(name: str | None = None, **fields) -> Outlet:
    return Outlet.objects.create(name=name or f"Outlet {next(_counter)}", **fields)


def make_author(name: str | None = None) -> Author:
    return Author.objects.create(name=name or f"Author {next(_counter)}")


def make_tag(name: str | None = None, kind: str = "topic", **fields) -> Tag:
    return Tag.objects.create(name=name or f"Tag {next(_counter)}", kind=kind, **fields)


def make_article(title: str | None = None, body: str | None = None, **fields) -> Article:
    n = next(_counter)
    body = body or f"Body of article number {n}, with words to search."
    fields.setdefault("content_hash", content_hash(body))
    return Article.objects.create(title=title or f"Article {n}", body=body, **fields)
