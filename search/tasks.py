"""The search's background tasks (django-tasks): matching indexed articles to saved
searches, and embedding their texts for meaning-based search.

The outbox calls ``alerts_enqueue`` and ``embeddings_enqueue`` once articles are in the
index; a worker (``manage.py db_worker``) does the work outside the request or import
that wrote them.
"""

from collections.abc import Iterable

from django_tasks import task

from archive.alerts.models import SavedSearch
from search.alerts import alerts_match
from search.semantic import embed_pending, semantic_backlog, semantic_enabled
from search.semantic.store import mark_stale

# Article ids per matching task: a bulk import becomes several tasks, each short enough
# that a worker stopped mid-way loses little (re-running one adds nothing twice).
MATCH_BATCH = 500


@task()
def alerts_match_task(article_ids: list[int]) -> int:
    """Match these indexed articles against every saved search; how many new matches."""
    return len(alerts_match(article_ids=article_ids))


def alerts_enqueue(article_ids: Iterable[int]) -> int:
    """Queue the matching of these indexed articles, in batches; nothing when no one has
    saved a search. Returns how many tasks were queued."""
    ids = sorted({int(i) for i in article_ids})
    if not ids or not SavedSearch.objects.exists():
        return 0
    batches = [ids[start : start + MATCH_BATCH] for start in range(0, len(ids), MATCH_BATCH)]
    for batch in batches:
        alerts_match_task.enqueue(batch)
    return len(batches)


# Articles one embedding task takes at most (about half a minute on two cores): a large
# backlog becomes a chain of tasks, and alert tasks queued meanwhile run between them.
EMBED_TASK_LIMIT = 512


@task()
def embed_pending_task() -> int:
    """Embed up to ``EMBED_TASK_LIMIT`` waiting articles, then queue the rest as another
    task; how many were encoded. Idle when another worker is at it (it drains the same
    backlog and queues what it leaves)."""
    before = semantic_backlog()
    encoded = embed_pending(limit=EMBED_TASK_LIMIT)
    left = semantic_backlog()
    if left and left < before:
        embed_pending_task.enqueue()
    return encoded


def embeddings_enqueue(article_ids: Iterable[int]) -> bool:
    """These articles were (re)indexed: their embeddings are stale until the worker has
    read their text again, even while semantic search is off (it may be turned on later).
    Returns whether a task was queued (not when semantic is off)."""
    mark_stale(article_ids)
    if not semantic_enabled():
        return False
    embed_pending_task.enqueue()
    return True
