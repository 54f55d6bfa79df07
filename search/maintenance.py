"""Keeping the index in step with the database: sync, rebuild, check and repair, stats.

``index_sync`` is the one place that decides between applying the outbox's queue
change by change and rebuilding the whole index.
"""

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, fields

from django.conf import settings
from django.db import connections
from django.utils import timezone

from archive.models import Article
from archive.statistics import ANALYZE_FROM
from search.documents import article_version, articles_for_index
from search.locks import (
    file_lock,
    index_write_lock,
    lock_held,
    rebuild_lock_path,
)
from search.models import IndexChange, IndexCheck
from search.outbox import (
    AFTER_COMMIT_WAIT,
    DRAIN_WAIT,
    indexed_announce,
    outbox_backlog,
    outbox_drain,
    outbox_paused,
)
from search.semantic.store import embedding_summary
from search.types import SearchUnavailable

log = logging.getLogger(__name__)

KEEP_CHECKS = 50
# A full sync of at least this many changes, half the archive or more, rebuilds instead.
REBUILD_ABOVE = 2000


@dataclass(frozen=True)
class CheckReport:
    """What ``index_check`` found: article ids the index lacks, holds at an older
    version, or holds without an article. Articles with queued changes are not
    counted (they are on their way); ``pending`` says how many changes wait."""

    missing: list[int]
    stale: list[int]
    orphans: list[int]
    checked_at: dt.datetime
    articles: int = 0
    documents: int = 0
    pending: int = 0
    fixed: bool = False
    took_ms: float = 0.0
    problems: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(
            self, "problems", len(self.missing) + len(self.stale) + len(self.orphans)
        )

    @property
    def ok(self) -> bool:
        return self.problems == 0


def _backend():
    from search.service import get_backend

    return get_backend()


def _indexed_versions() -> dict[int, str]:
    # A fresh instance: a long-lived one may read through a cached searcher, and Whoosh's
    # searcher refresh can miss deletions made since it was opened.
    from search.backends import backend_class

    backend = backend_class(settings.SEARCH_BACKEND)()
    try:
        return backend.versions()
    except SearchUnavailable:
        if backend.stats().get("exists", True):
            raise
        return {}  # never built: everything is missing
    finally:
        close = getattr(backend, "close", None)
        if close:
            close()


def index_rebuild(*, wait: float = DRAIN_WAIT) -> int:
    """Build a new index from the database beside the live one and swap it in.

    Searches keep reading the old index meanwhile. Drains wait (their changes stay
    queued) so that nothing applied to the old index is missing from the new one;
    what changed during the rebuild is applied right after the swap.
    """
    backend = _backend()
    with file_lock(rebuild_lock_path(), wait=wait), index_write_lock(wait=wait):
        # Every change queued now is read by the rebuild, which starts after this.
        queued = list(IndexChange.objects.values_list("id", "article_id"))
        count = backend.rebuild(articles_for_index(), total=Article.objects.count())
        for start in range(0, len(queued), 500):
            IndexChange.objects.filter(pk__in=[q[0] for q in queued[start : start + 500]]).delete()
        outbox_drain(wait=wait)
    # What the queue held is indexed now, by the rebuild: announced as a drain's would be.
    rebuilt = Article.objects.filter(pk__in={article_id for _, article_id in queued})
    indexed_announce(list(rebuilt.values_list("pk", flat=True)))
    return count


def index_sync(*, wait: float = DRAIN_WAIT) -> int:
    """Apply every queued change; returns how many there were.

    After a bulk import most of the archive may be queued: then one rebuild (several
    processes, one pass) beats updating documents one by one. Raises as ``outbox_drain``.
    """
    if _rebuild_is_quicker():
        queued = outbox_backlog()
        index_rebuild(wait=wait)  # analyses what it filled
        return queued
    applied = outbox_drain(wait=wait)
    if applied >= ANALYZE_FROM:  # an import's worth of documents changed
        _backend().tables_analyze()
    return applied


def _rebuild_is_quicker() -> bool:
    queued = IndexChange.objects.count()
    return queued >= REBUILD_ABOVE and queued * 2 >= Article.objects.count()


def index_catch_up(*, wait: float = AFTER_COMMIT_WAIT) -> int:
    """``index_sync`` for a request or a background thread: never raises.

    A failure is logged and the changes stay queued for the next try (the web
    process's background retry applies them). Returns how many were applied.
    """
    try:
        if IndexChange.objects.exists():
            return index_sync(wait=wait)
    except Exception as exc:
        log.warning("Index update left queued, will retry: %s", exc)
    return 0


@contextlib.contextmanager
def outbox_deferred(*, drain: bool = True) -> Iterator[None]:
    """Leave index changes queued while the block runs, then apply them in batches.

    For bulk importers: one index commit per batch of 500 instead of one per article.
    A failed final sync is logged and the rows stay queued for ``search_index sync``.
    """
    outermost = False
    try:
        with outbox_paused() as outermost:
            yield
    finally:
        if drain and outermost:
            try:
                index_sync(wait=DRAIN_WAIT)
            except Exception as exc:
                log.warning("Index update left queued (run `search_index sync`): %s", exc)


_background: threading.Thread | None = None
_background_guard = threading.Lock()


def index_rebuild_in_background() -> None:
    """Start a rebuild in a thread of this process and return at once (admin button).

    Does nothing when this process is already rebuilding; a rebuild running in
    another process makes this one wait for it and then rebuild again.
    """
    global _background
    with _background_guard:
        if _background is not None and _background.is_alive():
            return
        _background = threading.Thread(target=_rebuild_quietly, name="search-rebuild", daemon=True)
        _background.start()


def _rebuild_quietly() -> None:
    try:
        count = index_rebuild()
        log.info("Background rebuild of the search index: %d articles", count)
    except Exception:
        log.exception("Background rebuild of the search index failed")
    finally:
        connections.close_all()  # this thread's connections only


def index_rebuild_running() -> bool:
    """Whether a rebuild is running in any process sharing the index."""
    return lock_held(rebuild_lock_path())


def index_check(*, fix: bool = False) -> CheckReport:
    """Compare the database and the index; with ``fix``, queue and apply the repairs.

    The result is kept (``last_check``) for the admin page.
    """
    started = time.perf_counter()
    pending = set(IndexChange.objects.values_list("article_id", flat=True))
    indexed = _indexed_versions()
    stored = {article.pk: article_version(article) for article in articles_for_index()}
    pending |= set(IndexChange.objects.values_list("article_id", flat=True))
    missing = sorted(set(stored) - set(indexed) - pending)
    orphans = sorted(set(indexed) - set(stored) - pending)
    stale = sorted(
        pk
        for pk, version in stored.items()
        if pk in indexed and pk not in pending and indexed[pk] != version
    )
    if fix and (missing or stale or orphans):
        # Queued like any change, so a drain running meanwhile cannot undo the repair.
        IndexChange.objects.bulk_create(
            [IndexChange(article_id=pk) for pk in missing + stale]
            + [IndexChange(article_id=pk, action=IndexChange.Action.DELETE) for pk in orphans]
        )
        index_sync(wait=DRAIN_WAIT)
    report = CheckReport(
        missing=missing,
        stale=stale,
        orphans=orphans,
        checked_at=timezone.now(),
        articles=len(stored),
        documents=len(indexed),
        pending=outbox_backlog(),
        fixed=fix and bool(missing or stale or orphans),
        took_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    _keep(report)
    return report


def _stored_fields() -> list[str]:
    """The report's fields that an ``IndexCheck`` row keeps (``problems`` is derived)."""
    return [f.name for f in fields(CheckReport) if f.init]


def _keep(report: CheckReport) -> None:
    IndexCheck.objects.create(**{name: getattr(report, name) for name in _stored_fields()})
    old = IndexCheck.objects.order_by("-checked_at", "-id").values_list("pk", flat=True)[
        KEEP_CHECKS:
    ]
    IndexCheck.objects.filter(pk__in=list(old)).delete()


def last_check() -> CheckReport | None:
    """The most recent check, or None when the index was never checked."""
    row = IndexCheck.objects.order_by("-checked_at", "-id").first()
    if row is None:
        return None
    return CheckReport(**{name: getattr(row, name) for name in _stored_fields()})


def index_stats() -> dict:
    """Counts for people: articles, indexed documents, queued changes, size, last check.

    ``index`` holds the backend's own figures; ``error`` says why the index could not
    be read (the other figures are still given).
    """
    oldest = IndexChange.objects.order_by("id").values_list("created_at", flat=True).first()
    stats = {
        "backend": settings.SEARCH_BACKEND,
        "articles": Article.objects.count(),
        "documents": None,
        "backlog": outbox_backlog(),
        "oldest_pending": oldest,
        "size_bytes": None,
        "rebuilding": index_rebuild_running(),
        "last_check": last_check(),
        "semantic": embedding_summary(),
        "index": {},
        "error": None,
    }
    try:
        index = _backend().stats()
    except SearchUnavailable as error:
        stats["error"] = str(error)
        return stats
    stats.update(index=index, documents=index.get("documents"), size_bytes=index.get("size_bytes"))
    return stats
