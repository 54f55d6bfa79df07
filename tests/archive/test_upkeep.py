"""The worker deletes finished task results after TASKS_RESULTS_KEEP_DAYS."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from archive import upkeep
from archive.alerts.tasks import send_due_alerts

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASKS_RESULTS_KEEP_DAYS = 7
    upkeep._last_prune["at"] = None


def result(status: str, days_ago: float | None) -> str:
    """A queued task's id, made to have ``status`` and to have finished ``days_ago``."""
    task_id = send_due_alerts.enqueue().id
    finished = None if days_ago is None else timezone.now() - dt.timedelta(days=days_ago)
    DBTaskResult.objects.filter(pk=task_id).update(status=status, finished_at=finished)
    return str(task_id)


def left() -> set[str]:
    return {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}


def test_results_finished_before_the_kept_days_are_deleted(queue):
    result(TaskResultStatus.SUCCESSFUL, 8)
    result(TaskResultStatus.FAILED, 30)
    recent = result(TaskResultStatus.SUCCESSFUL, 1)
    waiting = result(TaskResultStatus.READY, None)
    running = result(TaskResultStatus.RUNNING, None)

    assert upkeep.task_results_prune() == 2

    assert left() == {recent, waiting, running}


def test_zero_kept_days_keeps_every_result(queue, settings):
    settings.TASKS_RESULTS_KEEP_DAYS = 0
    old = result(TaskResultStatus.SUCCESSFUL, 400)

    assert upkeep.task_results_prune() == 0
    assert left() == {old}


def test_a_finished_task_prunes_once_an_hour_in_a_database_worker(queue):
    from django_tasks.signals import task_finished

    def finish(task_id):  # what db_worker says after each task
        done = DBTaskResult.objects.get(pk=task_id).task_result
        task_finished.send(sender=send_due_alerts.get_backend(), task_result=done)

    old = result(TaskResultStatus.SUCCESSFUL, 8)
    finish(old)
    assert left() == set()

    later = result(TaskResultStatus.SUCCESSFUL, 8)
    finish(later)
    assert left() == {later}  # pruned within the hour already
