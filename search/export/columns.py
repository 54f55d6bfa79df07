"""The columns a CSV export may have, each a function of an article.

Values with several parts (authors, tags) are joined by ``"; "`` in their order (the
byline's; tags by kind, then name), tags written ``kind:name``.
"""

from collections.abc import Callable

from archive.ingest.export import published_text
from search.export.rows import Exported

SEPARATOR = "; "


# Each column: a function of an ``rows.Exported`` (its article ``e.article``).
COLUMNS: dict[str, Callable[[Exported], object]] = {
    "id": lambda e: e.article.pk,
    "published": lambda e: published_text(e.article) or "",
    "outlet": lambda e: e.article.outlet.name if e.article.outlet_id else "",
    "title": lambda e: e.article.title,
    "authors": lambda e: SEPARATOR.join(e.authors),
    "tags": lambda e: SEPARATOR.join(f"{t.kind}:{t.name}" for t in e.tags),
    "url": lambda e: e.article.url,
    "language": lambda e: e.article.language,
    "summary": lambda e: e.article.summary,
    "body": lambda e: e.article.body,
    "source": lambda e: e.article.source,
    "external_id": lambda e: e.article.external_id,
    "content_hash": lambda e: e.article.content_hash,
    "duplicate_of": lambda e: e.article.original_hash or "",
}
DEFAULT_COLUMNS = ("id", "published", "outlet", "title", "authors", "tags", "url")


def unknown_columns(names) -> list[str]:
    return [name for name in names if name not in COLUMNS]


def csv_row(exported: Exported, columns: tuple[str, ...]) -> list:
    return [COLUMNS[name](exported) for name in columns]
