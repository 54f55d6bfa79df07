"""A real worker killed by a real signal mid-embedding: what it committed stays, and
the next run embeds only the rest (on a SQLite file and on a fresh PostgreSQL database)."""

import signal
import subprocess
import time

import pytest

from tests.postgres import fetch_all, own_database
from tests.processes import manage, site_env, worker

pytestmark = pytest.mark.slow

ARTICLES = 160
SAVE = f"""
from django.db import transaction
from search.tasks import embed_pending_task
from tests.factories import make_article
with transaction.atomic():  # one import: left to a drain, like a bulk import's
    for n in range({ARTICLES}):
        make_article(f"Report {{n}} on the harvest", f"Farmers in region {{n}} saw rain.")
embed_pending_task.enqueue()
"""
ROWS = "SELECT article_id, id FROM search_articleembedding"


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    with own_database(request.param, tmp_path, "embed") as url:
        yield url


def rows(database: str) -> dict[int, int]:
    return dict(fetch_all(database, ROWS))


def test_a_killed_worker_loses_nothing_and_nothing_is_embedded_twice(tmp_path, database):
    env = site_env(database, tmp_path, SEARCH_SEMANTIC="1")
    manage(env, "migrate", "-v0")
    manage(env, "shell", "-c", SAVE, timeout=300)
    process = worker(env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while not rows(database) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    committed = rows(database)
    assert 0 < len(committed) < ARTICLES  # killed mid-way: some batches, not all

    done = manage(env, "search_index", "embed", timeout=300)

    assert f"Embedded {ARTICLES - len(committed)} article(s)" in done.stdout
    after = rows(database)
    assert len(after) == ARTICLES
    assert {a: after[a] for a in committed} == committed  # the same rows: not re-embedded
