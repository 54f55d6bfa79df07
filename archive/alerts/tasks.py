"""The alerts' tasks for the worker (django-tasks): send one message, or look for due ones.

``send_dispatch`` is enqueued when a message is made. Before it sends, it enqueues itself
again for the moment its claim runs out: if the worker dies mid-send, that run takes the
message back (the same id and body: the receiver drops the repeat), so one ``db_worker``
loses nothing. After a failed try it comes back at the time of the retry. ``owe``
enqueues ``send_due_alerts`` for the hour of a search's next digest. Those later runs need
a backend that can defer (the database one); with the immediate backend,
``manage.py send_alerts --loop`` (the periodic scan) sends what is due. Every run is safe
to repeat: a dispatch is claimed before it is sent (``archive.alerts.sending``).
"""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from archive.alerts import sending

AFTER_CLAIM = dt.timedelta(seconds=1)


@task()
def send_dispatch(dispatch_id: str) -> bool:
    """Send one dispatch if it is still due and nobody holds it; False if not sent now."""
    dispatch = sending.claim(timezone.now(), pk=dispatch_id)
    sent = False
    if dispatch is not None:
        later(send_dispatch, dispatch.next_attempt_at + AFTER_CLAIM, dispatch_id)
        sent = sending.send(dispatch)
    retry_at = None if sent else sending.next_try(dispatch_id)
    if retry_at is not None and retry_at > timezone.now():
        later(send_dispatch, retry_at, dispatch_id)
    return sent


@task()
def send_due_alerts() -> int:
    """Make the digests that are due and enqueue every due dispatch; how many."""
    due = sending.due_now()
    for dispatch_id in due:
        send_dispatch.enqueue(str(dispatch_id))
    return len(due)


def later(chosen, when: dt.datetime, *args) -> bool:
    """Enqueue ``chosen`` to run at ``when`` if the backend can wait; False if not (the
    periodic scan will do it)."""
    if not chosen.get_backend().supports_defer:
        return False
    chosen.using(run_after=when).enqueue(*args)
    return True
