"""Reads from the streaming standby, writes to the primary, through a real gunicorn.

Which server answered is seen in the data: while the standby's replay is paused, an
article just saved exists on the primary only, so a read that misses it came from the
replica and one that finds it came from the primary.
"""

import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT
from tests.reliability.service import Answer, Service, request
from tests.replicas.cluster import Cluster
from tests.replicas.conftest import MAX_LAG, wait_until

pytestmark = pytest.mark.slow

PRIMARY_COOKIE = "read_primary=1"
# REPLICA_CHECK_SECONDS (0.2) and a margin: each worker remembers a replica's state that long.
CHECKED_AGAIN = 0.6


def save_article(server) -> tuple[int, str, str]:
    """POST a new article (a word of its own in it): (id, word, the response's cookie).
    Its title also has the word backwards: a page shows that only when it has the article
    (a search page echoes the query's word)."""
    word = "zq" + uuid.uuid4().hex[:10]
    article = {"title": f"Replica check {word} {word[::-1]}", "body": f"About {word}."}
    answer = server.call("POST", "/api/articles/", article)
    assert answer.status == 201, answer.text
    return answer.json()["id"], word, answer.headers.get("Set-Cookie", "")


def read(server, path: str, cookie: str = "") -> Answer:
    """A GET as an anonymous reader, with a cookie or without."""
    return request(server.port, "GET", path, headers={"Cookie": cookie} if cookie else {})


def found(server, word: str, cookie: str = "") -> bool:
    answer = read(server, f"/api/search/?q={word}&collapse=none", cookie)
    assert answer.status == 200, answer.text
    return answer.json()["count"] == 1


def replica(server) -> dict:
    answer = server.get("/healthz")
    assert answer.status == 200, answer.text  # whatever the replica's state
    return answer.json()["replicas"]["replica1"]


def reads_from_replica(pair: Cluster, server) -> bool:
    """Save with replay paused: a read without the cookie misses it only on the replica."""
    with pair.replay_paused():
        _, word, _ = save_article(server)
        return not found(server, word)


def test_healthz_reports_the_replica_up_and_caught_up(server):
    assert replica(server) == {"up": True, "lag_seconds": 0.0, "used": True}


def test_reads_come_from_the_replica_and_writes_from_the_primary(pair, server):
    with pair.replay_paused():
        article_id, word, cookie = save_article(server)  # the standby is read-only

        assert not found(server, word)  # the replica has not replayed it
        assert server.get(f"/api/articles/{article_id}/").status == 404
        assert pair.primary.execute(
            "SELECT count(*) FROM archive_article WHERE id = %s", [article_id], database="archive"
        ) == (1,)
        assert "read_primary=1" in cookie
    assert found(server, word)  # replayed: the replica has it now


def test_whoever_just_saved_reads_from_the_primary(pair, server):
    with pair.replay_paused():
        article_id, word, _ = save_article(server)

        assert found(server, word, PRIMARY_COOKIE)
        assert read(server, f"/api/articles/{article_id}/", PRIMARY_COOKIE).status == 200
        # An API client with its token and no cookie jar: the primary too.
        as_writer = server.call("GET", f"/api/search/?q={word}&collapse=none")
        assert as_writer.status == 200 and as_writer.json()["count"] == 1, as_writer.text
        assert not found(server, word)  # everybody else: the replica, a moment behind


def test_pages_feeds_and_exports_read_from_the_replica_without_pinning_the_reader(pair, server):
    with pair.replay_paused():
        article_id, word, _ = save_article(server)
        api = read(server, f"/api/articles/{article_id}/", PRIMARY_COOKIE).json()
        reads = {
            "search page": f"/?q={word}",
            "feed": f"/feed/?q={word}",
            "export": f"/api/export/?q={word}",
            "article page": urlsplit(api["web_url"]).path,
        }
        for name, path in reads.items():
            replica, primary = read(server, path), read(server, path, PRIMARY_COOKIE)

            assert word[::-1] not in replica.text, name
            assert word[::-1] in primary.text, name
            assert "read_primary" not in replica.headers.get("Set-Cookie", ""), name


def test_a_lagging_replica_is_skipped_until_it_catches_up(pair, server):
    with pair.replay_paused():
        _, word, _ = save_article(server)
        assert not found(server, word)

        # One report for both: each web worker reports its own recent check, so two
        # requests may see checks up to REPLICA_CHECK_SECONDS apart.
        report = {}
        wait_until(
            lambda: not report.update(replica(server)) and not report["used"],
            timeout=MAX_LAG + 20,
            what="lag seen",
        )
        assert report["lag_seconds"] > MAX_LAG
        time.sleep(CHECKED_AGAIN)  # every worker has asked again by now
        assert found(server, word)  # the primary answers
    wait_until(lambda: replica(server)["used"], what="caught up")
    time.sleep(CHECKED_AGAIN)
    assert reads_from_replica(pair, server)


def test_a_replica_that_is_down_is_skipped_and_used_again_when_back(pair, server):
    _, word, _ = save_article(server)
    pair.wait_replayed()
    pair.standby.stop("fast")
    try:
        wait_until(lambda: not replica(server)["up"], what="down seen")
        # One worker has seen it; the other may still hold a check from before the stop.
        time.sleep(CHECKED_AGAIN)
        for _ in range(4):  # every worker of the server
            assert replica(server) == {"up": False, "lag_seconds": None, "used": False}
            assert found(server, word)
    finally:
        pair.standby.start()
    wait_until(lambda: replica(server)["used"], what="back up")
    time.sleep(CHECKED_AGAIN)
    assert reads_from_replica(pair, server)


def test_a_replica_failing_under_a_request_is_answered_by_the_primary(pair, replicated, tmp_path):
    env, token = replicated
    # Checks an hour apart: only the failed request can tell each worker.
    service = Service({**env, "REPLICA_CHECK_SECONDS": "3600"}, tmp_path / "g.log", token=token)
    service.start()
    try:
        _, word, _ = save_article(service)
        pair.wait_replayed()
        pair.standby.stop("fast")

        # The API and the page in turn: either may be the first to meet the dead replica.
        paths = [f"/api/search/?q={word}&collapse=none", f"/?q={word}"] * 6
        answers = [read(service, path) for path in paths]

        assert [answer.status for answer in answers] == [200] * 12
        assert all(answer.json()["count"] == 1 for answer in answers[::2])
        assert all(word[::-1] in answer.text for answer in answers[1::2])
        # Each worker asks the dead replica once, then reads from the primary.
        down = (tmp_path / "g.log").read_text(errors="replace").count("replica replica1 is down")
        assert down <= 2, down
    finally:
        service.stop()
        pair.standby.start()
    pair.wait_replayed()


def test_no_write_ever_reaches_the_replica(server):
    log = server.log.read_text(errors="replace")

    assert "read-only transaction" not in log
    assert "recovery is in progress" not in log


PROBE = """
import django; django.setup()
from django.db import connections, router, transaction
from archive.models import Article
from config import db_router
def where():
    alias = router.db_for_read(Article)
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return alias, cursor.fetchone()[0]
print("outside a request", *where())
db_router._scope.set(db_router.ReadScope())
print("in a read", *where())
with transaction.atomic():
    print("in a transaction", *where())
print("for update", Article.objects.select_for_update().db)
print("write", router.db_for_write(Article))
print("after the write", *where())
print("migrate", *(router.allow_migrate(alias, "archive") for alias in ("replica1", "default")))
"""


def test_the_router_sends_only_plain_reads_to_the_standby(replicated):
    env, _ = replicated
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "outside a request default False",
        "in a read replica1 True",
        "in a transaction default False",
        "for update default",
        "write default",
        "after the write default False",
        "migrate False True",
    ]


BROWSE_PROBE = """
import django
django.setup()
from django.db import connections
from search.backends.pg import browsing
for alias in ("replica1", "default"):
    with connections[alias].cursor() as cursor:
        answer = browsing.kept_answer(cursor, "probe", lambda: alias)
    print(alias, answer, len(browsing._kept))
"""


def test_the_standby_neither_keeps_nor_serves_a_browse_answer(replicated):
    # Its snapshots do not list the primary's transactions in progress: a kept answer
    # would outlive a write that commits later.
    env, _ = replicated
    done = subprocess.run(
        [sys.executable, "-c", BROWSE_PROBE], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["replica1 replica1 0", "default default 1"]
