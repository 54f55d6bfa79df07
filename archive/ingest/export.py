"""Export: articles as JSON Lines, the same format the ingest pipeline reads.

An export imported into an empty archive gives the same archive back: texts, dates,
outlets with their metadata, bylines in order, tags with kinds, aliases and rules, and
duplicate links (named by the original's content hash, stated on every record).
"""

import datetime as dt
import json
from collections.abc import Iterator

from django.db.models import F, QuerySet

from archive.models import Article, Author, Outlet, Tag, byline_prefetch

# Outlet metadata carried when there is any; see outlet_value.
_OUTLET_DETAILS = ("homepage", "domain", "country", "language")


def published_text(article: Article) -> str | None:
    """The publication date, with its time when known (ISO 8601), or None."""
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


def outlet_value(outlet: Outlet | None) -> str | dict | None:
    """The outlet's name, or an object with its metadata when it has any.

    A bare name keeps the common case (no metadata) short and readable by older
    importers; the object form appears exactly when there is more to carry.
    """
    if outlet is None:
        return None
    details = {f: getattr(outlet, f) for f in _OUTLET_DETAILS if getattr(outlet, f)}
    return {"name": outlet.name, **details} if details else outlet.name


def article_record(article: Article, *, authors=None, tags=None) -> dict:
    """One article as a JSON-ready dict (see "JSON Lines format" in the README); the
    article comes annotated with its original's ``original_hash`` (``export_jsonl``).
    ``authors`` (names in byline order) and ``tags`` may be given, already read."""
    if authors is None:
        authors = [link.author.name for link in article.author_links.all()]
    if tags is None:
        tags = article.tags.all()
    record = {
        "title": article.title,
        "body": article.body,
        "outlet": outlet_value(article.outlet if article.outlet_id else None),
        "published": published_text(article),
        "authors": list(authors),
        "tags": [_tag(t) for t in sorted(tags, key=lambda t: (t.kind, t.name))],
        "url": article.url or None,
        "summary": article.summary,
        "language": article.language,
        "source": article.source,
        "external_id": article.external_id,
        "content_hash": article.content_hash,
        # Always stated, null included: an import then restores the link as it is here
        # (a curator's link or unlink too) instead of detecting near-duplicates again.
        "duplicate_of": article.original_hash,
    }
    if article.raw_text != article.body:
        record["raw_text"] = article.raw_text  # "" too: an article stored without one
    return record


def unused_records() -> Iterator[dict]:
    """Outlets, authors and tags that no article uses, one record each: without them
    an import would lose, say, a tag whose rule has not matched anything yet."""
    for outlet in Outlet.objects.filter(articles__isnull=True).order_by("name"):
        yield {"outlet": outlet_value(outlet)}
    for author in Author.objects.filter(article_links__isnull=True).order_by("name"):
        yield {"author": author.name}
    for tag in Tag.objects.filter(articles__isnull=True).order_by("kind", "name"):
        yield {"tag": _tag(tag)}


def export_jsonl(articles: QuerySet, *, unused: bool = False) -> Iterator[str]:
    """One JSON line (ending in a newline) per article, oldest first; then, with
    ``unused`` (an export of the whole archive), a line per unused outlet, author, tag."""
    rows = (
        articles.select_related("outlet")
        .prefetch_related(None)  # the caller's own (the admin's) would clash with these
        .prefetch_related(byline_prefetch(), "tags")
        .annotate(original_hash=F("duplicate_of__content_hash"))
        .order_by("published", "id")
    )
    for article in rows.iterator(chunk_size=500):
        yield json.dumps(article_record(article), ensure_ascii=False) + "\n"
    if unused:
        for record in unused_records():
            yield json.dumps(record, ensure_ascii=False) + "\n"
