"""The task worker's health check: ``worker_check`` exits 1 when the queue is not served.

A worker that died, hangs or cannot keep up leaves due tasks waiting; a healthy one takes
each within seconds. So the check is the age of the oldest task that is due and not yet
taken, against ``WORKER_MAX_LAG`` seconds; an unreachable database fails it too.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max


def oldest_waiting() -> timedelta | None:
    """How long the oldest due task has waited for a worker (None: none waits)."""
    ready = DBTaskResult.objects.ready().order_by("enqueued_at").first()
    if ready is None:
        return None
    deferred = ready.run_after != get_date_max()  # the far future stands for "at once"
    due = max(ready.enqueued_at, ready.run_after) if deferred else ready.enqueued_at
    return max(timezone.now() - due, timedelta(0))


class Command(BaseCommand):
    help = "Exit 1 when a due task has waited longer than WORKER_MAX_LAG seconds."

    def add_arguments(self, parser):
        parser.add_argument("--max-lag", type=float, default=None, help="seconds")

    def handle(self, *args, max_lag, **options):
        limit = settings.WORKER_MAX_LAG if max_lag is None else max_lag
        try:
            waited = oldest_waiting()
        except DatabaseError as exc:
            raise CommandError(f"the task queue cannot be read: {exc}") from exc
        if waited is not None and waited.total_seconds() > limit:
            seconds = waited.total_seconds()
            raise CommandError(
                f"a task has waited {seconds:.0f} s for a worker (limit {limit:.0f} s)"
            )
        self.stdout.write("ok" if waited is None else f"ok: oldest task waited {waited}")
