"""Keeping the task queue small: the worker deletes finished task results.

django-tasks' database backend keeps a row for every task run (successful or failed)
until something deletes it; nothing else would, so the table grew by a row for each
import batch and each message sent. The worker prunes as it works: after a task
finishes, at most once every PRUNE_EVERY seconds per process, it deletes the results
that finished more than ``TASKS_RESULTS_KEEP_DAYS`` days ago (0 keeps them all). Waiting
and running tasks are never touched. A site that runs tasks another way can prune from
cron with django-tasks-db's own ``manage.py prune_db_task_results --queue-name '*'``.
"""

import datetime as dt
import logging
import time

from django.conf import settings
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

PRUNE_EVERY = 3600.0  # seconds between two prunes of one worker process
log = logging.getLogger(__name__)
_last_prune = {"at": None}  # this process's last prune (time.monotonic())


def task_results_prune(*, now: dt.datetime | None = None) -> int:
    """Delete the task results that finished more than TASKS_RESULTS_KEEP_DAYS days
    before ``now``, of every queue; returns how many."""
    days = settings.TASKS_RESULTS_KEEP_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


def prune_after_task(sender, **_kwargs) -> None:
    """``task_finished`` receiver: in a database-queue worker, prune now and then. A
    failure is logged, never raised: the task itself is done."""
    # db_worker names the backend itself after a success, its class after a failure.
    backend = sender if isinstance(sender, type) else type(sender)
    if not issubclass(backend, DatabaseBackend):
        return  # the immediate backend stores no results
    last = _last_prune["at"]
    if last is not None and time.monotonic() - last < PRUNE_EVERY:
        return
    _last_prune["at"] = time.monotonic()
    try:
        deleted = task_results_prune()
    except Exception:
        log.exception("finished task results not pruned")
        return
    if deleted:
        log.info("Pruned %d finished task results", deleted)
