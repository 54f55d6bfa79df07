"""The alerts' tasks for the worker (django-tasks): send one message, or scan for due ones.

``send_dispatch`` is enqueued when an "at once" message is made. ``send_due_alerts`` sends
digests and retries; the worker runs it every few seconds (``manage.py send_alerts --loop``
does the same in a process of its own). Both are safe to run twice at once: a dispatch is
claimed before it is sent (see ``archive.alerts.sending``).
"""

from django_tasks import task

from archive.alerts import sending


@task()
def send_dispatch(dispatch_id: str) -> bool:
    """Send one dispatch if it is still due; False when another worker has it or sent it."""
    return sending.send_one(dispatch_id)


@task()
def send_due_alerts(limit: int = 100) -> int:
    """Digests due, retries due: returns how many dispatches were tried."""
    return sending.send_due(limit=limit)
