"""Export: articles as JSON Lines, the same format the ingest pipeline reads."""

import datetime as dt
import json
from collections.abc import Iterator

from django.db.models import QuerySet

from archive.models import Article


def _published(article: Article) -> str | None:
    if article.published is None:
        return None
    if article.published_time is None:
        return article.published.isoformat()
    return dt.datetime.combine(article.published, article.published_time).isoformat()


def _tag(tag) -> dict:
    entry = {"name": tag.name, "kind": tag.kind}
    if tag.aliases:
        entry["aliases"] = list(tag.aliases)
    if tag.match_mode and tag.match_mode != "none":
        entry["match_mode"] = tag.match_mode
        entry["match_pattern"] = tag.match_pattern
    return entry


def article_record(article: Article) -> dict:
    """One article as a JSON-ready dict (see "JSON Lines format" in the README)."""
    record = {
        "title": article.title,
        "body": article.body,
        "outlet": article.outlet.name if article.outlet_id else None,
        "published": _published(article),
        "authors": [link.author.name for link in article.author_links.all()],
        "tags": [_tag(t) for t in sorted(article.tags.all(), key=lambda t: (t.kind, t.name))],
        "url": article.url or None,
        "summary": article.summary,
        "language": article.language,
        "source": article.source,
        "external_id": article.external_id,
    }
    if article.raw_text and article.raw_text != article.body:
        record["raw_text"] = article.raw_text
    return record


def export_jsonl(articles: QuerySet) -> Iterator[str]:
    """One JSON line (ending in a newline) per article, oldest first."""
    rows = (
        articles.select_related("outlet")
        .prefetch_related("author_links__author", "tags")
        .order_by("published", "id")
    )
    for article in rows.iterator(chunk_size=500):
        yield json.dumps(article_record(article), ensure_ascii=False) + "\n"
