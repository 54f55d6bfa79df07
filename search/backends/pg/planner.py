"""Planner settings for one statement, where PostgreSQL's cost model misjudges a search."""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def index_scans(cursor, wanted: bool = True):
    """The matching articles read through the text index, not by scanning the table:
    the planner scans it when many articles match (a question's common word, the OR of
    more-like-this's 25 words), not counting that testing a row means reading its whole
    vector. More like this at 10x Reuters: 390 ms of CPU instead of 700-730."""
    if not wanted:
        yield
        return
    # On the cursor's own database: a search routed to a replica must not open a
    # transaction on the primary.
    with transaction.atomic(using=cursor.db.alias):
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
        )
        before = cursor.fetchone()[0]
        yield
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])
