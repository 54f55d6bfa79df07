"""Story grouping in the worker (django-tasks): an import queues what it stored and
returns; the worker places those articles in stories a moment later.

Grouping compares each new article with the write-ups of the days around it, which costs
more than storing it (a whole Reuters-21578 import took 2.5 times as long with grouping
inline); copies are still grouped inline, since an import must know them as it stores.
With ``TASKS_BACKEND=immediate`` (tests, sites without a worker) the grouping runs in the
importing process, after its commit.
"""

from collections.abc import Iterable

from django.db import transaction
from django_tasks import task

from archive.stories.grouping import stories_group


@task()
def stories_group_task(article_ids: list[int]) -> int:
    """Place these articles in stories; how many changed story."""
    return len(stories_group(article_ids=article_ids))


def stories_group_later(article_ids: Iterable[int]) -> None:
    """Queue the grouping of these articles once the current transaction commits (one
    task: its articles are grouped in date order, each seeing the ones before)."""
    ids = sorted({int(pk) for pk in article_ids})
    if ids:
        transaction.on_commit(lambda: stories_group_task.enqueue(ids))
