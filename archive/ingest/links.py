"""Duplicate links that an import's source states itself ("duplicate_of").

Made once every item of the run is stored, so an original that comes after its
duplicate (an export is in date order) is found. The original is named by content
hash: first a hash declared by an item of the same run ("content_hash"), then a stored
article's. A name that finds nothing leaves the item unlinked and says so.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from archive.ingest.store import index_later
from archive.models import Article

# Ids or hashes per IN (...) query: well under SQLite's limit on query parameters.
_PER_QUERY = 500


@dataclass(frozen=True)
class StatedLink:
    """A stored item whose source stated its duplicate link."""

    file: str
    item: str
    article_id: int
    original: str  # the original's content hash; "" for "not a duplicate"
    outcome: str  # what storing the item did: created, updated or duplicate


@dataclass
class LinkReport:
    linked: int = 0  # created articles linked to their original
    relinked: int = 0  # articles stored unchanged whose link changed: updates after all
    warnings: list[tuple[str, str, str]] = field(default_factory=list)  # (file, item, reason)


def stated_links_apply(*, links: list[StatedLink], declared: dict[str, int]) -> LinkReport:
    """Give each article exactly the link its source stated (``declared``: content
    hashes the run's items declared -> the articles they became)."""
    report = LinkReport()
    wanted = {link.original for link in links if link.original} - declared.keys()
    stored = _values(wanted, lambda part: Article.objects.filter(content_hash__in=part))
    current = _values(
        {link.article_id for link in links},
        lambda part: Article.objects.filter(pk__in=part),
        fields=("pk", "duplicate_of_id"),
    )
    changes: dict[int | None, list[int]] = {}
    for link in links:
        target = _target(link, declared, stored, report)
        if target is not None and link.outcome == "created":
            report.linked += 1
        if link.article_id in current and current[link.article_id] != target:
            changes.setdefault(target, []).append(link.article_id)
            current[link.article_id] = target
            report.relinked += link.outcome == "duplicate"
    with transaction.atomic():
        for target, pks in changes.items():
            for start in range(0, len(pks), _PER_QUERY):
                part = pks[start : start + _PER_QUERY]
                Article.objects.filter(pk__in=part).update(duplicate_of_id=target)
                index_later(part)  # the link is part of the index document
    return report


def _target(link: StatedLink, declared: dict, stored: dict, report: LinkReport) -> int | None:
    if not link.original:
        return None
    target = declared.get(link.original) or stored.get(link.original)
    if target is not None and target != link.article_id:
        return target
    why = (
        "names the article itself"
        if target
        else "no article in the archive or in this import has that content hash"
    )
    reason = f"stored without its duplicate link: duplicate_of {link.original!r} {why}"
    report.warnings.append((link.file, link.item, reason))
    return None


def _values(
    keys: Iterable,
    queryset_for: Callable[[list], QuerySet],
    fields: tuple[str, str] = ("content_hash", "pk"),
) -> dict:
    """{key: value} for ``keys``, asking in parts small enough for any database."""
    keys = list(keys)
    found = {}
    for start in range(0, len(keys), _PER_QUERY):
        found.update(queryset_for(keys[start : start + _PER_QUERY]).values_list(*fields))
    return found
