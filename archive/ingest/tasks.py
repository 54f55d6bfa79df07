"""Copy detection's band keys written in the worker (django-tasks): an import queues its
new articles (``CopyBandQueue``) and asks the worker to write their keys at its end
(every ``BAND_BATCH`` articles while another run is importing too, every ``BAND_PART``
alone: ``CopyIndex.keys_wanted``), rather than spend its own time on it.

The keys are only a look-up for later imports: until they are written, a queued
article is found as a candidate through the queue, so nothing waits on the worker. With
``TASKS_BACKEND=immediate`` the importing process writes them itself, each time it asks
(its chunks have committed by then). What a run that stopped half-way left is written by
the next task (a run that fails asks for one too), by ``group_articles``, or by the next
import when more than ``BACKLOG`` articles wait (a site whose worker is not running).
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
