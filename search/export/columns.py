"""The columns a CSV export may have, each a function of an article.

Values with several parts (authors, tags) are joined by ``"; "`` in their order (the
byline's; tags by kind, then name), tags written ``kind:name``.
"""

from collections.abc import Callable

from archive.ingest.export import published_text

SEPARATOR = "; "


def _authors(article) -> str:
    return SEPARATOR.join(link.author.name for link in article.author_links.all())


def _tags(article) -> str:
    tags = sorted(article.tags.all(), key=lambda t: (t.kind, t.name))
    return SEPARATOR.join(f"{t.kind}:{t.name}" for t in tags)


COLUMNS: dict[str, Callable[[object], object]] = {
    "id": lambda a: a.pk,
    "published": lambda a: published_text(a) or "",
    "outlet": lambda a: a.outlet.name if a.outlet_id else "",
    "title": lambda a: a.title,
    "authors": _authors,
    "tags": _tags,
    "url": lambda a: a.url,
    "language": lambda a: a.language,
    "summary": lambda a: a.summary,
    "body": lambda a: a.body,
    "source": lambda a: a.source,
    "external_id": lambda a: a.external_id,
    "content_hash": lambda a: a.content_hash,
    "duplicate_of": lambda a: a.original_hash or "",
}
DEFAULT_COLUMNS = ("id", "published", "outlet", "title", "authors", "tags", "url")


def unknown_columns(names) -> list[str]:
    return [name for name in names if name not in COLUMNS]


def csv_row(article, columns: tuple[str, ...]) -> list:
    return [COLUMNS[name](article) for name in columns]
