"""Imports running at the same time, as real ``manage.py ingest`` processes.

Each process reads the vocabulary (outlets, authors, tags) once and creates what it does
not know; another process may have created the same tag a moment before. Whatever the
timing, every item arrives once, whole, with its tags and byline, and no run reports a
failure. Run on a SQLite file and on a PostgreSQL database of their own.
"""

import json
import subprocess
import sys
import time
import uuid

import pytest

from tests.reliability.service import Database
from tests.reliability.test_faults import expected_articles
from tests.search.test_concurrency_support import ROOT, Archive, _child_env, _Postgres

pytestmark = pytest.mark.slow


def _postgres_server() -> dict:
    """The suite's PostgreSQL server, or the local one; skips when none answers."""
    import psycopg2
    from django.conf import settings

    db = dict(settings.DATABASES["default"])
    if db["ENGINE"] != "django.db.backends.postgresql":
        db = {"USER": "postgres", "PASSWORD": "", "HOST": "127.0.0.1", "PORT": 5432}
    try:
        psycopg2.connect(
            dbname="postgres", user=db["USER"], password=db.get("PASSWORD") or None,
            host=db["HOST"], port=db["PORT"] or 5432, connect_timeout=3,
        ).close()  # fmt: skip
    except psycopg2.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT']}: {error}")
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_archive(request, tmp_path):
    """A migrated, empty archive on a SQLite file or on a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        archive = Archive(_child_env(tmp_path, f"sqlite:///{tmp_path / 'archive.sqlite3'}"))
        archive.run("migrate", timeout=180)
        yield archive
        return
    server = _Postgres(_postgres_server())
    server.name = f"concurrent_{uuid.uuid4().hex[:12]}"
    server.create()
    try:
        archive = Archive(_child_env(tmp_path, server.url()))
        archive.run("migrate", timeout=180)
        yield archive
    finally:
        server.drop()


def ingest_at_once(archive: Archive, runs: list[list], *, timeout: float = 300) -> list:
    """Start one ``manage.py ingest`` per list of files, all at once; their results."""
    command = [sys.executable, "manage.py", "ingest"]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    processes = [
        subprocess.Popen([*command, *map(str, files)], cwd=ROOT, env=archive.env, **pipes)
        for files in runs
    ]
    deadline = time.monotonic() + timeout
    results = []
    for process in processes:
        out, err = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
        results.append((process.returncode, out, err))
    return results


def assert_every_item_once_and_whole(archive: Archive, runs: list[list]) -> None:
    results = ingest_at_once(archive, runs)
    for code, out, err in results:
        assert code == 0, err
        assert "failed 0 " in out, err
        assert "failed:" not in err and "Traceback" not in err, err
    expected = expected_articles(sorted({path for files in runs for path in files}))
    database = Database(archive.env["DATABASE_URL"])
    try:
        rows = database.scalar("SELECT COUNT(*) FROM archive_article")
        tags = database.scalar("SELECT COUNT(*) FROM archive_tag")
    finally:
        database.close()
    assert rows == len(expected)  # no item lost, none stored twice
    assert tags == len({tuple(tag) for item in expected.values() for tag in item["tags"]})
    stored = json.loads(archive.run("articles").splitlines()[-1])
    assert stored == expected  # each item with its text, tags and byline


@pytest.mark.parametrize(
    "runs",
    [
        pytest.param([["reut2-000.xml", "reut2-001.xml"], ["reut2-002.xml", "reut2-003.xml"]]),
    ],
    ids=["two-runs-of-two-files"],
)
def test_parallel_imports_lose_nothing_and_duplicate_nothing(empty_archive, reuters_dir, runs):
    paths = [[reuters_dir / name for name in files] for files in runs]
    assert_every_item_once_and_whole(empty_archive, paths)
