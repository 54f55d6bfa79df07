"""Imports running at the same time, as real ``manage.py ingest`` processes.

Each process reads the vocabulary (outlets, authors, tags) once and creates what it does
not know; another process may have created the same tag a moment before. Whatever the
timing, every item arrives once, whole, with its tags and byline, and no run reports a
failure. Run on a SQLite file and on a PostgreSQL database of their own.
"""

import json
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.reliability.service import Database
from tests.reliability.test_faults import expected_articles
from tests.search.test_concurrency_support import (
    ROOT,
    Archive,
    _child_env,
    _Postgres,
    kill,
    postgres_server,
)

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_archive(request, tmp_path):
    """A migrated, empty archive on a SQLite file or on a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        archive = Archive(_child_env(tmp_path, f"sqlite:///{tmp_path / 'archive.sqlite3'}"))
        archive.run("migrate", timeout=180)
        yield archive
        return
    server = _Postgres(postgres_server())
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
    try:
        for process in processes:
            out, err = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
            results.append((process.returncode, out, err))
    finally:
        for process in processes:
            kill(process)
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


def reuters_parts(source: Path, parts: int, folder: Path) -> list[Path]:
    """``source`` cut into ``parts`` Reuters files of consecutive documents."""
    text = source.read_text(encoding="utf-8")
    documents = re.findall(r"<REUTERS .*?</REUTERS>", text, flags=re.S)
    size = -(-len(documents) // parts)
    paths = []
    for n in range(parts):
        path = folder / f"{source.stem}-part{n}.xml"
        body = "\n".join(documents[n * size : (n + 1) * size])
        path.write_text(f'<?xml version="1.0"?>\n<LEWIS>\n{body}\n</LEWIS>\n', encoding="utf-8")
        paths.append(path)
    return paths


def test_two_imports_of_different_files_lose_nothing(empty_archive, reuters_dir):
    """The hostile tester's case: 8 of 3,976 items lost, every time, before."""
    files = [reuters_dir / f"reut2-00{n}.xml" for n in range(4)]
    assert_every_item_once_and_whole(empty_archive, [files[:2], files[2:]])


@pytest.mark.parametrize(
    ("parts", "runs"),
    [(3, [[0, 1], [1, 2], [2, 0]]), (2, [[0, 1], [1, 0], [0], [1]])],
    ids=["three-runs", "four-runs"],
)
def test_overlapping_imports_store_each_item_once(
    empty_archive, reuters_dir, tmp_path, parts, runs
):
    """The same items in several runs at once: each stored once, a duplicate elsewhere."""
    pieces = reuters_parts(reuters_dir / "reut2-004.xml", parts, tmp_path)
    assert_every_item_once_and_whole(empty_archive, [[pieces[n] for n in run] for run in runs])
