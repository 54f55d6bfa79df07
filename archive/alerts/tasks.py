"""The alerts' tasks for the worker (django-tasks): send one message, or scan for due ones.

``send_dispatch`` is enqueued when a message is made to go at once; when its try fails it
enqueues itself again for the time of the retry, and ``owe`` enqueues ``send_due_alerts``
for the hour of a search's next digest, so one ``db_worker`` sends everything on time.
Those later runs need a backend that can defer (the database one); with the immediate
backend, and after a worker was killed holding a message, ``manage.py send_alerts --loop``
(the periodic scan) sends what is due. Every run is safe to repeat: a dispatch is claimed
before it is sent (``archive.alerts.sending``).
"""

import datetime as dt

from django_tasks import task

from archive.alerts import sending


@task()
def send_dispatch(dispatch_id: str) -> bool:
    """Send one dispatch if it is still due; when the try failed, come back at the retry."""
    sent = sending.send_one(dispatch_id)
    retry_at = sending.next_try(dispatch_id)
    if retry_at is not None:
        later(send_dispatch, retry_at, dispatch_id)
    return sent


@task()
def send_due_alerts(limit: int = 100) -> int:
    """Digests due, retries due: returns how many dispatches were tried."""
    return sending.send_due(limit=limit)


def later(chosen, when: dt.datetime, *args) -> bool:
    """Enqueue ``chosen`` to run at ``when`` if the backend can wait; False if not (the
    periodic scan will do it)."""
    if not chosen.get_backend().supports_defer:
        return False
    chosen.using(run_after=when).enqueue(*args)
    return True
