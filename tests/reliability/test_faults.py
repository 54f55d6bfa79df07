"""Faults at the worst moments: killed processes, a lost index, a lost database.

Each test runs real processes (``manage.py ingest``, gunicorn with two workers) on a
database and an index of its own, and shows what a user or an operator would see.
"""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from queue import Queue
from urllib.parse import quote, urlsplit

import pytest

from tests.reliability.proxy import Proxy
from tests.reliability.service import ROOT, Database, open_files, sigkill
from tests.search.test_concurrency_support import (
    Archive,
    _child_env,
    _Postgres,
    kill,
    postgres_server,
)
from tests.search.test_crash import sync

pytestmark = pytest.mark.slow

REUTERS_FILES = ("reut2-000.xml", "reut2-001.xml")  # 2,000 documents, 1,980 with text


def wait_until(condition, *, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, message
        time.sleep(0.01)
    return value


def check(archive) -> str:
    done = archive.manage("search_index", "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The index agrees with the database." in done.stdout
    return done.stdout


# --- a) the ingest killed halfway ---------------------------------------------------------


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def expected_articles(files: list[Path]) -> dict:
    """What an undisturbed import stores for each Reuters document, by its NEWID."""
    from archive.ingest.run import Source, read_source

    expected = {}
    for path in files:
        for event in read_source(Source(name=str(path), path=path), fmt=None, limit=2**31):
            if event[0] != "draft":
                continue
            draft = event[1]
            tags = {(ref.kind, " ".join(ref.name.split())) for ref in draft.tags}
            expected[draft.external_id] = {
                "body": _digest(draft.body),
                "raw": _digest(draft.raw_text),
                "tags": sorted(list(tag) for tag in tags),
                "authors": sorted(draft.authors),
            }
    return expected


def test_an_ingest_killed_halfway_leaves_whole_articles_and_loses_nothing(archive, reuters_dir):
    files = [reuters_dir / name for name in REUTERS_FILES]
    expected = expected_articles(files)
    command = [sys.executable, "manage.py", "ingest", *map(str, files)]
    database = Database(archive.env["DATABASE_URL"])
    ingest = subprocess.Popen(command, cwd=ROOT, env=archive.env, stdout=subprocess.DEVNULL)
    try:
        count = "SELECT COUNT(*) FROM archive_article"
        wait_until(
            lambda: ingest.poll() is None and database.scalar(count) >= 250,
            timeout=60,
            message="the ingest stored no chunk (or ended) within 60 s",
        )
        # Hold its next chunk at the door, so the kill lands mid-import, not after it.
        with database.writes_blocked():
            stored = database.scalar(count)
            kill(ingest)
        queued = database.scalar("SELECT COUNT(*) FROM search_indexchange")
    finally:
        kill(ingest)
        database.close()
    assert ingest.returncode == -9
    assert 250 <= stored < len(expected)

    # Every stored article arrived whole: body, raw text, tags and byline as imported,
    # each with its queued index change.
    articles = json.loads(archive.run("articles").splitlines()[-1])
    assert len(articles) == stored == queued
    assert articles == {newid: expected[newid] for newid in articles}

    sync(archive)
    check(archive)

    # Running the same import again completes it: nothing of the killed run is lost.
    again = subprocess.run(command, cwd=ROOT, env=archive.env, capture_output=True, text=True,
                           timeout=120)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert f"created {len(expected) - stored}," in again.stdout and "failed 0" in again.stdout
    assert json.loads(archive.run("articles").splitlines()[-1]) == expected
    check(archive)


# --- b) a web worker killed during a save -------------------------------------------------


def test_a_worker_killed_during_a_save_still_gets_the_change_indexed(archive, serve):
    archive.run("store", "Harbour", "2")
    token = archive.run("token", "editor").split()[-1]
    service = serve(archive, token=token)
    assert service.get("/api/search/?q=harbour").json()["count"] == 2
    lock_file = Path(archive.env["SEARCH_INDEX_DIR"]) / "write.lock"
    database = Database(archive.env["DATABASE_URL"])
    queued = "SELECT COUNT(*) FROM search_indexchange"
    assert database.scalar(queued) == 0

    connected, outcome = Queue(), {}

    def save():
        try:
            outcome["answer"] = service.call(
                "PATCH", "/api/articles/1/", {"title": "Lighthouse keepers strike"},
                on_connect=connected.put,
            )  # fmt: skip
        except OSError as error:
            outcome["error"] = error

    # The test holds the index writer lock: the worker commits, then waits for it.
    with open(lock_file, "ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        saving = threading.Thread(target=save)
        saving.start()
        worker = service.worker_for(connected.get(timeout=30))
        wait_until(
            lambda: str(lock_file) in open_files(worker),
            timeout=30,
            message="the worker never reached the index update after its commit",
        )
        sigkill(worker)
        saving.join(timeout=30)
        assert "error" in outcome, f"the save finished before the kill: {outcome}"

        title = database.scalar("SELECT title FROM archive_article WHERE id = 1")
        assert title == "Lighthouse keepers strike"  # committed...
        assert database.scalar(queued) == 1  # ...with its change queued, not yet applied
        assert service.get("/api/search/?q=lighthouse").json()["count"] == 0
        fcntl.flock(lock, fcntl.LOCK_UN)
    database.close()

    # No one runs anything: the surviving worker's background retry delivers it.
    found = service.wait_for(
        "/api/search/?q=lighthouse", lambda a: a.status == 200 and a.json()["count"] == 1
    )
    assert found.json()["count"] == 1, service.log_tail()
    hit = found.json()["results"][0]
    assert (hit["id"], hit["title"]) == (1, "Lighthouse keepers strike")
    assert worker not in service.workers()
    check(archive)


# --- c) the index directory deleted or corrupted ------------------------------------------


ARTICLES = 60  # one segment of several pages: a truncated one is read past its end
SEARCH = "/api/search/?q=trade+talks"


def assert_search_unavailable(service) -> None:
    for _ in range(3):  # several requests, so both workers are likely asked
        api = service.get(SEARCH)
        assert api.status == 503, api.text
        assert api.headers["Content-Type"] == "application/json"
        assert api.json()["code"] == "search_unavailable" or "detail" in api.json()
        page = service.get("/?q=trade+talks")
        assert page.status == 503 and page.headers["Content-Type"].startswith("text/html")
        assert "Search is resting for a moment" in page.text
        health = service.get("/healthz")
        assert health.status == 503 and health.json()["database"] == "ok"
        assert health.json()["index"].startswith("error")
        for answer in (api, page, health):
            assert "Traceback" not in answer.text and 'File "' not in answer.text


def rebuild_and_assert_search_works(archive, service) -> None:
    done = archive.manage("search_index", "rebuild")
    assert done.returncode == 0, done.stderr
    for _ in range(3 if service else 0):
        api = service.get(SEARCH)
        assert api.status == 200 and api.json()["count"] == ARTICLES
        page = service.get("/?q=trade+talks")
        assert page.status == 200 and 'href="/articles/3/' in page.text
        assert service.get("/healthz").json() == {"database": "ok", "index": "ok"}


def live_generation(index: Path) -> Path:
    return index / (index / "CURRENT").read_text().strip()


def torn_table_of_contents(index: Path) -> None:
    """A newer table of contents full of garbage, as an interrupted copy could leave it."""
    live = live_generation(index)
    newest = max(int(toc.stem.rsplit("_", 1)[1]) for toc in live.glob("_MAIN_*.toc"))
    (live / f"_MAIN_{newest + 1}.toc").write_bytes(b"\x00garbage" * 64)


def serving_an_index(archive, serve):
    archive.run("seed", str(ARTICLES))
    rebuild_and_assert_search_works(archive, None)
    service = serve(archive)
    for _ in range(3):  # both workers have the index open
        assert service.get(SEARCH).json()["count"] == ARTICLES
    return service, Path(archive.env["SEARCH_INDEX_DIR"])


def test_a_deleted_or_corrupted_index_is_a_clear_503_until_rebuilt(archive, serve):
    service, index = serving_an_index(archive, serve)

    shutil.rmtree(index)
    assert_search_unavailable(service)
    rebuild_and_assert_search_works(archive, service)

    torn_table_of_contents(index)
    assert_search_unavailable(service)
    rebuild_and_assert_search_works(archive, service)
    assert service.process.poll() is None  # the same server throughout


def test_segments_cut_under_running_workers_do_not_kill_them(archive, serve):
    service, index = serving_an_index(archive, serve)
    workers = sorted(service.workers())

    for segment in live_generation(index).glob("*.seg"):
        os.truncate(segment, 64)  # a full disk, a bad restore: the open files shrink
    for _ in range(3):
        # Words not searched yet: the postings of those searched before are kept in each
        # worker's memory (postings_cache) and answer without reading the segments.
        api = service.get("/api/search/?q=tokyo+washington")  # an answer, not a dropped connection
        page = service.get("/?q=tokyo+washington")
        assert (api.status, page.status) == (503, 503)
        assert api.json()["code"] == "search_unavailable"
        assert "Traceback" not in api.text + page.text
        assert service.get("/healthz").json()["index"].startswith("error")
    # With mmap'ed segments the first read past the new end was a SIGBUS.
    assert sorted(service.workers()) == workers, service.log_tail()
    rebuild_and_assert_search_works(archive, service)


# --- d) the database goes away and comes back ---------------------------------------------


@pytest.fixture
def postgres_archive(tmp_path):
    """An Archive on a PostgreSQL database of its own, whichever database the suite uses."""
    db = postgres_server()
    server = _Postgres(db)
    server.name = f"reliability_{uuid.uuid4().hex[:12]}"
    server.create()
    try:
        archive = Archive(_child_env(tmp_path, server.url()))
        archive.run("migrate", timeout=120)
        yield archive, (db["HOST"], int(db["PORT"] or 5432))
    finally:
        server.drop()


def assert_database_down(service, *, within: float) -> None:
    started = time.monotonic()
    health = service.get("/healthz")
    # An answer in bounded time, not a request hanging until gunicorn kills its worker.
    assert time.monotonic() - started < within
    assert health.status == 503
    assert health.json()["database"].startswith("error") and health.json()["index"] == "ok"


def assert_service_works(service, title: str) -> None:
    for _ in range(3):  # every request after the return succeeds, on either worker
        assert service.get("/healthz").json() == {"database": "ok", "index": "ok"}
        assert service.get("/api/search/?q=harbour").json()["count"] == 2
        assert service.get("/?q=harbour").status == 200
    saved = service.call("PATCH", "/api/articles/1/", {"title": title})
    assert saved.status == 200, saved.text
    found = service.wait_for(
        f"/api/search/?q={quote(title)}", lambda a: a.status == 200 and a.json()["count"] == 1
    )
    assert found.json()["results"][0]["title"] == title


def test_the_service_recovers_by_itself_when_the_database_comes_back(postgres_archive, serve):
    archive, address = postgres_archive
    archive.run("store", "Harbour", "2")
    token = archive.run("token", "editor").split()[-1]
    proxy = Proxy(address)
    try:
        direct = urlsplit(archive.env["DATABASE_URL"])
        user = direct.netloc.rsplit("@", 1)[0]
        url = direct._replace(netloc=f"{user}@127.0.0.1:{proxy.port}").geturl()
        service = serve(archive, token=token, DATABASE_URL=url)
        assert_service_works(service, "Lighthouse keepers strike")

        proxy.down()  # stopped: connections reset, new ones refused
        for _ in range(3):
            assert_database_down(service, within=5)
        failed = service.get("/api/search/?q=harbour")
        assert failed.status == 503 and failed.json()["code"] == "database_unavailable"
        assert failed.headers["Retry-After"]
        page = service.get("/?q=harbour")
        assert page.status == 503 and "database cannot be reached" in page.text
        proxy.up()
        assert_service_works(service, "Ferry crews return")

        proxy.down(hang=True)  # unreachable: new connections are never answered
        assert_database_down(service, within=15)  # the 5 s connect timeout, with slack
        proxy.up()
        assert_service_works(service, "Harbour pilots settle")
        assert service.process.poll() is None  # the same server throughout
    finally:
        proxy.close()
    check(archive)
