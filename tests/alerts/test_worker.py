"""The task worker as it runs: real processes on a database of their own (a SQLite file,
and a fresh PostgreSQL database).

An article saved in one process reaches the index, its matching is queued in the
database, and a separate ``manage.py db_worker`` process matches it against the saved
searches; tasks queued while no worker runs wait for the next one; ``worker_check``
tells a served queue from a stalled one.
"""

import signal
import time

import pytest

from tests.postgres import fetch_all, own_database
from tests.processes import manage, site_env, worker

pytestmark = pytest.mark.slow

SETUP = """
from django.contrib.auth import get_user_model
from archive.alerts.models import SavedSearch
user = get_user_model().objects.create_user("reader", password="a-long-pass-phrase")
SavedSearch.objects.create(user=user, name="Quotas", params={"q": ["quotas"]})
"""
SAVE = """
from tests.factories import make_article
make_article("Fishing quotas agreed {n}")
make_article("Nothing to see {n}")
"""


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    """A database of the test's own: a SQLite file, or a fresh PostgreSQL database."""
    with own_database(request.param, tmp_path, "worker") as url:
        yield url


@pytest.fixture
def site(tmp_path, database):
    env = site_env(database, tmp_path)
    manage(env, "migrate", "-v0")
    manage(env, "search_index", "rebuild")
    manage(env, "shell", "-c", SETUP)
    return env, database


MATCHED = (
    "SELECT a.title FROM archive_alertmatch m JOIN archive_article a"
    " ON a.id = m.article_id ORDER BY a.id"
)


def matched_titles(database: str) -> list[str]:
    return [title for (title,) in fetch_all(database, MATCHED)]


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_process_matches_what_another_process_saved(site):
    env, database = site
    process = worker(env)
    try:
        manage(env, "shell", "-c", SAVE.format(n=1))

        assert wait_for(lambda: matched_titles(database) == ["Fishing quotas agreed 1"])
        assert manage(env, "worker_check", "--max-lag", "5").returncode == 0
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0  # a graceful stop between tasks


def test_tasks_queued_while_no_worker_runs_wait_for_the_next_one(site):
    env, database = site
    manage(env, "shell", "-c", SAVE.format(n=2))
    time.sleep(1.2)

    stalled = manage(env, "worker_check", "--max-lag", "1", check=False)
    assert stalled.returncode == 1 and "waited" in stalled.stderr
    assert matched_titles(database) == []

    process = worker(env)
    try:
        assert wait_for(lambda: matched_titles(database) == ["Fishing quotas agreed 2"])
        assert manage(env, "worker_check", "--max-lag", "1").returncode == 0
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


OLD_RESULT = """
import datetime as dt
from django_tasks_db.models import DBTaskResult
from archive.alerts.tasks import send_due_alerts
task_id = send_due_alerts.enqueue().id
DBTaskResult.objects.filter(pk=task_id).update(
    status="SUCCESSFUL", finished_at=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
)
"""
RESULTS = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE finished_at < '2001-01-01'"


def old_results(database: str) -> int:
    return fetch_all(database, RESULTS)[0][0]


def test_the_worker_deletes_old_task_results_as_it_works(site):
    env, database = site
    manage(env, "shell", "-c", OLD_RESULT)
    manage(env, "shell", "-c", SAVE.format(n=3))
    assert old_results(database) == 1

    process = worker(env)
    try:
        assert wait_for(lambda: matched_titles(database) == ["Fishing quotas agreed 3"])
        assert wait_for(lambda: old_results(database) == 0)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
