"""Meaning-based search: an offline sentence model, its vectors per article, neighbours.

Optional (``pip install .[semantic]``, ``SEARCH_SEMANTIC=1``). Nothing here imports torch
until a text is encoded, so a site without the extra runs as before.
"""

from collections.abc import Collection

from search.semantic.availability import semantic_enabled, semantic_missing


def query_vector(text: str):
    """The question's vector: (384,) float32, of length 1."""
    from search.semantic.model import encode_query

    return encode_query(text)


def nearest(text_or_vector, k: int, *, among: Collection[int] | None = None) -> list:
    """Embedded articles nearest in meaning, as ``(article_id, cosine)``, best first.

    ``among`` restricts the candidates to these article ids. Works on either backend:
    the vectors live in the database.
    """
    from search.semantic.vectors import nearest_articles

    vector = query_vector(text_or_vector) if isinstance(text_or_vector, str) else text_or_vector
    return nearest_articles(vector, k, among=among)


def embed_pending(*, limit: int | None = None) -> int:
    """Embed the backlog now, in committed batches; how many articles were looked at."""
    from search.semantic.store import embed_backlog

    return embed_backlog(limit=limit)


def semantic_backlog() -> int:
    """Articles whose current text has no embedding yet."""
    from search.semantic.store import backlog_count

    return backlog_count()


__all__ = [
    "embed_pending",
    "nearest",
    "query_vector",
    "semantic_backlog",
    "semantic_enabled",
    "semantic_missing",
]
