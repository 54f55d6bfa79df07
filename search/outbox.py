"""The outbox: index changes recorded with the data change, applied after the commit.

A change to an article writes an ``IndexChange`` row in the same transaction (see
``search.signals``). After the commit the process applies it at once (``outbox_drain``
with a short wait); if the index is busy or fails, the row stays and a later drain
applies it: the web service's background retry (``search.ticker``), ``manage.py
search_index sync``, or a bulk importer's drain at its end (``search.maintenance``,
which also decides when rebuilding is quicker than draining). Drains are serialised by
a file lock in the index directory (``search.locks``), and each reads the articles
while holding it, so the last drain to commit always wrote the newest state.
"""

import contextlib
import logging
import threading
from collections.abc import Iterable, Iterator

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from search.locks import IndexBusy, index_write_lock, lock_held, rebuild_lock_path
from search.models import IndexChange

log = logging.getLogger(__name__)

BATCH_SIZE = 500
# How long an after-commit drain waits for another writer before leaving its rows.
AFTER_COMMIT_WAIT = 2.0
# How long ``search_index sync`` and bulk importers wait for the lock.
DRAIN_WAIT = 60.0
# A commit that queued more articles than this (a bulk import chunk, a bulk action) is
# not applied inline: the importer's final drain, the background retry or sync do it.
PROMPT_LIMIT = 100

_local = threading.local()


# --- recording ------------------------------------------------------------------------


class _AfterCommit:
    """Applies what a transaction queued, once it commits.

    It also marks what its transaction (or savepoint) already queued, so the several
    signals of one import (article, byline, tags) write one row. Django drops it from
    the on-commit list when its savepoint or transaction rolls back, together with the
    rows it stands for: a marker no longer in that list vouches for nothing.
    """

    def __init__(self, using: str, sids: tuple):
        self.using = using
        self.sids = sids
        self.recorded: dict[str, set[int]] = {}

    def __call__(self) -> None:
        self.recorded = {}
        # The first marker of a commit applies what every marker of it queued.
        ids = connections[self.using].__dict__.pop("_search_outbox_ids", set())
        if not ids or getattr(_local, "deferred", 0):
            return
        if len(ids) > PROMPT_LIMIT:
            log.debug("%d changes queued for the index by one commit: left to a drain", len(ids))
            return
        if lock_held(rebuild_lock_path()):
            return  # applied right after the rebuild's swap; do not make the user wait
        try:
            outbox_drain(article_ids=ids, wait=AFTER_COMMIT_WAIT)
        except IndexBusy as exc:
            log.info("Index update of %d article(s) left queued: %s", len(ids), exc)
        except Exception as exc:  # never fail the request: the rows stay queued
            log.warning("Index update of %d article(s) left queued: %s", len(ids), exc)


def _live_marker(conn) -> _AfterCommit | None:
    marker = getattr(conn, "_search_outbox_marker", None)
    if marker is None or not conn.in_atomic_block or marker.sids != _savepoints(conn):
        return None
    for _, func, _ in reversed(conn.run_on_commit):
        if func is marker:
            return marker
    return None


def _savepoints(conn) -> tuple:
    # Blocks without a savepoint (None) cannot roll back alone: they doom the whole
    # transaction, so they do not separate what was recorded.
    return tuple(sid for sid in conn.savepoint_ids if sid)


def outbox_record(
    article_ids: Iterable[int],
    *,
    action: str = IndexChange.Action.UPSERT,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Queue these articles for the index in the current transaction.

    Signals call this for every ORM change; call it yourself after changes that send
    no signals (``QuerySet.update()``, ``bulk_create()``, raw SQL).
    """
    conn = connections[using]
    marker = _live_marker(conn)
    fresh = marker is None
    if fresh:
        marker = _AfterCommit(using, _savepoints(conn))
        if not any(isinstance(func, _AfterCommit) for _, func, _ in conn.run_on_commit):
            # No commit of ours is pending: ids left by a rolled-back transaction are stale.
            conn.__dict__.pop("_search_outbox_ids", None)
    done = marker.recorded.setdefault(action, set())
    new = sorted({int(i) for i in article_ids if i is not None} - done)
    if not new:
        return
    _insert(conn, new, action)
    done.update(new)
    conn.__dict__.setdefault("_search_outbox_ids", set()).update(new)
    if fresh:
        conn._search_outbox_marker = marker
        # Outside a transaction this runs at once: the row is already committed.
        transaction.on_commit(marker, using=using)


def _insert(conn, article_ids: list[int], action: str) -> None:
    # Plain SQL: a quarter of the ORM's cost, and this runs once per stored article.
    table = conn.ops.quote_name(IndexChange._meta.db_table)
    now = conn.ops.adapt_datetimefield_value(timezone.now())
    with conn.cursor() as cursor:
        for start in range(0, len(article_ids), 300):
            chunk = article_ids[start : start + 300]
            cursor.execute(
                f"INSERT INTO {table} (article_id, action, created_at) VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(chunk)),
                [value for article_id in chunk for value in (article_id, action, now)],
            )


def _forget_recorded(using: str = DEFAULT_DB_ALIAS) -> None:
    # A drain inside a transaction removed rows this transaction wrote: record anew.
    connections[using]._search_outbox_marker = None


@contextlib.contextmanager
def outbox_paused() -> Iterator[bool]:
    """Leave what commits queue in the outbox while the block runs: no drain after each.

    Yields whether this is the outermost such block, the one whose end should apply the
    queue (``search.maintenance.outbox_deferred`` does).
    """
    _local.deferred = getattr(_local, "deferred", 0) + 1
    try:
        yield _local.deferred == 1
    finally:
        _local.deferred -= 1


# --- applying -------------------------------------------------------------------------


def outbox_drain(
    *,
    limit: int | None = None,
    article_ids: Iterable[int] | None = None,
    wait: float = DRAIN_WAIT,
) -> int:
    """Apply pending changes to the index now, oldest first, in batches.

    Never rebuilds: ``search.maintenance.index_sync`` decides when a rebuild is
    quicker. Returns how many changes were applied. Rows are deleted only after the index
    committed. Raises ``IndexBusy`` when the lock stays taken for ``wait`` seconds and
    ``SearchUnavailable`` (or the backend's error) when the index cannot be written;
    what was not applied stays queued.
    """
    from search.service import get_backend

    backend = get_backend()
    only = None if article_ids is None else sorted(set(article_ids))
    if only == []:
        return 0
    applied, indexed = 0, []
    try:
        while limit is None or applied < limit:
            size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - applied)
            with index_write_lock(wait=wait):
                done, upserted = _drain_batch(backend, size, only)
            if not done:
                break
            applied += done
            indexed += upserted
    finally:
        _forget_recorded()
        if indexed:
            indexed_announce(indexed)
    return applied


def indexed_announce(article_ids: list[int]) -> None:
    """Hand the articles the index now holds to the alerts and the embedder
    (``search.tasks``): matching waits for the index, so that it finds what a search
    would; embedding happens in the worker, never in the import."""
    from search.tasks import alerts_enqueue, embeddings_enqueue

    try:
        alerts_enqueue(article_ids)
    except Exception:  # the index is written: a failure to queue must not undo that
        log.exception("Alert matching of %d indexed article(s) not queued", len(article_ids))
    try:
        embeddings_enqueue(article_ids)
    except Exception:
        log.exception("Embedding of %d indexed article(s) not queued", len(article_ids))


def _drain_batch(backend, size: int, only: list[int] | None) -> tuple[int, list[int]]:
    """Apply the oldest ``size`` rows; the caller holds the write lock. Returns how many
    rows were applied and the ids of the articles indexed (not those deleted)."""
    from archive.models import Article
    from search.documents import articles_for_index

    rows = IndexChange.objects.order_by("id")
    if only is not None:
        rows = rows.filter(article_id__in=only)
    rows = list(rows.values_list("id", "article_id")[:size])
    if not rows:
        return 0, []
    ids = {article_id for _, article_id in rows}
    # Read after the rows, under the lock: at least as new as the changes they record.
    articles = list(articles_for_index(Article.objects.filter(pk__in=ids)))
    gone = ids - {article.pk for article in articles}
    if articles:
        backend.index(articles)
    if gone:
        backend.delete(sorted(gone))
    IndexChange.objects.filter(pk__in=[row_id for row_id, _ in rows]).delete()
    return len(rows), [article.pk for article in articles]


def outbox_backlog() -> int:
    """How many changes wait in the outbox."""
    return IndexChange.objects.count()
