"""The answers of searches (page, counts, facets), kept by each process until a write
to the index commits: first those of browsing the whole archive, now those of any search.

Counting the whole archive reads every facet row several times (about 250 ms at 10x
Reuters), and a word's matches are read, ranked and counted (0.1-0.5 s for a common
word) for an answer that changes only when the index does. An answer is kept with
the snapshot taken just before it was computed (``pg_current_snapshot()``): it holds
while every transaction that changed the facet rows, the vectors, the tags, outlets or
authors since is visible in that snapshot; such transactions leave one row each in
``search_pgchange`` (migrations ``search/0103_pg_change_log`` and
``0105_pg_change_log_all_searches``). A transaction that has written computes afresh: it
may read its own changes. A hot standby neither keeps nor serves answers: its snapshots
do not list the primary's transactions in progress, so a write committing later would
look already seen.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

from search.backends.kept import KeptAnswers

ENTRIES = 128  # answers kept by a process: at most a few hundred rows each
MAX_AGE = 600  # seconds an answer is kept at most: far inside KEEP_CHANGES
KEEP_CHANGES = "1 day"  # how long the rows of search_pgchange are kept
T = TypeVar("T")
_kept = KeptAnswers(ENTRIES)

# The snapshot now, whether this transaction may keep answers (it has not written, on a
# primary), and whether the answer kept under snapshot %s still holds (no change
# committed that it does not see).
_CHECK = """
SELECT pg_current_snapshot()::text,
    pg_current_xact_id_if_assigned() IS NULL AND NOT pg_is_in_recovery(),
    %s::pg_snapshot IS NOT NULL AND NOT EXISTS (SELECT 1 FROM search_pgchange
        WHERE xid >= pg_snapshot_xmin(%s::pg_snapshot)
        AND NOT pg_visible_in_snapshot(xid, %s::pg_snapshot))
"""


def kept_answer(cursor, key: str, compute: Callable[[], T]) -> T:
    """The answer ``compute`` gives for ``key`` (its SQL and parameters), kept while
    nothing it counted has changed. With ``SEARCH_ANSWERS_KEPT=0`` nothing is kept, as
    on Whoosh: every search is computed (what the engine itself costs)."""
    if settings.SEARCH_ANSWERS_KEPT <= 0:
        return compute()
    key = (cursor.db.alias, cursor.db.settings_dict["NAME"], key)
    kept = _kept.get(key)
    if kept is not None and time.monotonic() - kept[0] > MAX_AGE:
        kept = None
    snapshot = kept[1] if kept else None
    cursor.execute(_CHECK, [snapshot, snapshot, snapshot])
    now, keeping, holds = cursor.fetchone()
    if kept is not None and keeping and holds:
        return kept[2]
    answer = compute()
    if keeping:
        _kept.put(key, (time.monotonic(), now, answer))
    return answer


def changes_prune(cursor) -> None:
    """Drop the change rows older than KEEP_CHANGES (rows another writer is pruning are
    left to it: no writer waits for another)."""
    cursor.execute(
        "DELETE FROM search_pgchange WHERE ctid IN (SELECT ctid FROM search_pgchange"
        f" WHERE at < clock_timestamp() - interval '{KEEP_CHANGES}' FOR UPDATE SKIP LOCKED)"
    )


def forget() -> None:
    """Drop every kept answer (tests)."""
    _kept.clear()
