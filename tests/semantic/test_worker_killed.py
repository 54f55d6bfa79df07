"""A real worker killed by a real signal mid-embedding: what it committed stays, and
the next run embeds only the rest (on a SQLite file and on a fresh PostgreSQL database)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.postgres import fresh_database

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
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.sqlite3'}"
        return
    with fresh_database("embed") as url:
        yield url


def rows(database: str) -> dict[int, int]:
    if database.startswith("sqlite:///"):
        with sqlite3.connect(database.removeprefix("sqlite:///")) as db:
            return dict(db.execute(ROWS).fetchall())
    import psycopg2

    with psycopg2.connect(database) as db, db.cursor() as cursor:
        cursor.execute(ROWS)
        found = dict(cursor.fetchall())
    db.close()
    return found


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip


def test_a_killed_worker_loses_nothing_and_nothing_is_embedded_twice(tmp_path, database):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database,
        "DATA_DIR": str(tmp_path),
        "TASKS_BACKEND": "database",
        "SEARCH_SEMANTIC": "1",
        "SEARCH_OUTBOX_INTERVAL": "0",
        "LOG_LEVEL": "WARNING",
    }
    manage(env, "migrate", "-v0")
    manage(env, "shell", "-c", SAVE)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-reload",
         "--no-startup-delay"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while not rows(database) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    committed = rows(database)
    assert 0 < len(committed) < ARTICLES  # killed mid-way: some batches, not all

    done = manage(env, "search_index", "embed")

    assert f"Embedded {ARTICLES - len(committed)} article(s)" in done.stdout
    after = rows(database)
    assert len(after) == ARTICLES
    assert {a: after[a] for a in committed} == committed  # the same rows: not re-embedded
