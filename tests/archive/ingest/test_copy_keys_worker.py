"""An import leaves its band keys to a real worker (``manage.py db_worker``): until it
writes them the articles are candidates through the queue, and afterwards through the
keys (on a SQLite file and on a fresh PostgreSQL database)."""

import json
import subprocess
import time

import pytest

from tests.archive.ingest.test_copies import OTHER, WIRE
from tests.postgres import fetch_all, own_database
from tests.processes import manage, site_env, worker

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    with own_database(request.param, tmp_path, "bandkeys") as url:
        yield url


def _file(folder, name: str, *items: tuple[str, str, str]) -> str:
    path = folder / name
    lines = (
        json.dumps({"title": title, "body": body, "published": day, "outlet": "Wire"})
        for title, body, day in items
    )
    path.write_text("\n".join(lines))
    return str(path)


def _count(database: str, table: str) -> int:
    return fetch_all(database, f"SELECT count(*) FROM {table}")[0][0]


def _original_of(database: str, title: str) -> str | None:
    rows = fetch_all(
        database,
        "SELECT o.title FROM archive_article a JOIN archive_article o ON o.id = a.duplicate_of_id"
        f" WHERE a.title = '{title}'",
    )
    return rows[0][0] if rows else None


def test_the_worker_writes_an_imports_band_keys_and_later_copies_find_them(tmp_path, database):
    env = site_env(database, tmp_path)
    manage(env, "migrate", "-v0")
    first = _file(
        tmp_path, "a.jsonl", ("Kim meets Xi", WIRE, "2018-05-08"), ("Port", OTHER, "2018-05-08")
    )
    manage(env, "ingest", first)
    assert _count(database, "archive_copyband") == 0  # the import did not wait for them
    assert _count(database, "archive_copybandqueue") == 2
    # Before the worker runs, a copy finds its original through the queue.
    manage(env, "ingest", _file(tmp_path, "b.jsonl", ("Copy", WIRE + " Seoul.", "2018-05-09")))
    assert _original_of(database, "Copy") == "Kim meets Xi"

    process = worker(env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _count(database, "archive_copybandqueue") and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert _count(database, "archive_copybandqueue") == 0
    assert _count(database, "archive_copyband") == 3 * 42
    # Afterwards, through the keys.
    later = _file(tmp_path, "c.jsonl", ("Copy 2", WIRE + " Beijing.", "2018-05-10"))
    manage(env, "ingest", later)
    assert _original_of(database, "Copy 2") == "Kim meets Xi"
