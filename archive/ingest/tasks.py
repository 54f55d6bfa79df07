"""Copy detection's band keys written in the worker (django-tasks): an import queues its
new articles (``CopyBandQueue``) and asks the worker to write their keys, every
``BAND_BATCH`` articles and at its end, rather than spend its own time on it.

The keys are only a look-up for later imports: until they are written, a queued
article is found as a candidate through the queue, so nothing waits on the worker. With
``TASKS_BACKEND=immediate`` (tests, sites without a worker) the keys are written in the
importing process, after its commit; an import, ``group_articles`` or this task, whichever
comes first, writes what a run that stopped half-way left.
"""

from django.db import transaction
from django_tasks import task

from archive.ingest.copies import bands_write


@task()
def copy_bands_write_task() -> int:
    """Write the band keys of every queued article; how many articles."""
    return bands_write()


def copy_bands_write_later() -> None:
    """Queue the writing of the queued articles' band keys once the current transaction
    commits (at once outside one)."""
    transaction.on_commit(copy_bands_write_task.enqueue)
