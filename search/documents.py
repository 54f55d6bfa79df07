"""One pure function turns an article into an index document."""

import hashlib
from collections.abc import Iterable, Iterator

from search.analysis import VALUE_SEPARATOR

TAG_KIND_CODES = {"topic": 1, "person": 2, "place": 3, "organization": 4, "other": 5}


def _join(values: Iterable[str]) -> str:
    return f" {VALUE_SEPARATOR} ".join(v for v in values if v)


def article_document(article) -> dict:
    """The index document of an ``archive.models.Article``.

    Reads ``outlet``, ``tags`` and ``author_links.author``: load them with
    ``select_related``/``prefetch_related`` (see ``articles_for_index``).
    """
    outlet = article.outlet
    tags = sorted(article.tags.all(), key=lambda t: t.pk)
    authors = [link.author for link in article.author_links.all()]
    published = article.published
    meta = (
        outlet.pk if outlet else 0,
        published.toordinal() if published else 0,
        article.language or "",
        tuple(t.pk for t in tags),
        tuple(TAG_KIND_CODES.get(t.kind, 5) for t in tags),
        tuple(a.pk for a in authors),
        article.duplicate_of_id or 0,
        article.duplicate_of_id or article.pk,  # the copy group: its original's id
        article.story_id or 0,
    )
    text = _join([article.summary, article.body])
    document = {
        "id": str(article.pk),
        "meta": meta,
        "title": article.title,
        "body": text,
        "outlet": _join([outlet.name, outlet.slug]) if outlet else "",
        "author": _join(x for a in authors for x in (a.name, a.slug)),
        "tag": _join(x for t in tags for x in (*t.spellings, t.slug)),
        "date": published.toordinal() if published else 0,
    }
    document["version"] = _version_of(document)
    return document


def _version_of(document: dict) -> str:
    digest = hashlib.blake2b(digest_size=10)
    for key in sorted(document):
        digest.update(key.encode())
        digest.update(repr(document[key]).encode())
    return digest.hexdigest()


def article_version(article) -> str:
    """The version stamp of what the index holds for ``article`` (changes with any
    indexed field: text, outlet, tags, authors, date, language, copy group, story)."""
    return article_document(article)["version"]


def articles_for_index(queryset=None, *, chunk_size: int = 2000) -> Iterator:
    """Articles with everything ``article_document`` reads, in batches of a few queries."""
    from archive.models import Article, byline_prefetch

    queryset = Article.objects.all() if queryset is None else queryset
    queryset = (
        queryset.select_related("outlet")
        .prefetch_related(None)  # a caller's own would clash with these
        .prefetch_related("tags", byline_prefetch())
        .defer("raw_text")
        .order_by("pk")
    )
    yield from queryset.iterator(chunk_size=chunk_size)
