"""A worker SIGKILLed while a receiver holds its POST loses nothing: restarted, it sends
the unfinished dispatch again under the same id, and every other one once."""

import json
import subprocess
import sys
import threading
import time

import pytest

from tests.archive.alerts.receivers import Receiver, http_server
from tests.search.test_concurrency_support import ROOT, archive, kill, make_archive  # noqa: F401

pytestmark = pytest.mark.slow
SEARCHES = 4


def _run(archive, *args) -> dict:  # noqa: F811
    done = subprocess.run(
        [sys.executable, "-m", "tests.archive.alerts.processes", *args],
        cwd=ROOT, env=archive.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


SCAN = ["send_alerts", "--loop", "--interval", "0.2"]
DB_WORKER = ["db_worker", "--queue-name", "*", "--interval", "0.2", "--no-reload"]


def _worker(archive, command=SCAN) -> subprocess.Popen:  # noqa: F811
    env = {**archive.env, "ALERTS_CLAIM_SECONDS": "3", "ALERTS_ALLOW_HTTP_WEBHOOKS": "1"}
    return subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _wait(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.parametrize(
    ("queue", "command"),
    [("none", SCAN), ("database", DB_WORKER)],
    ids=["send_alerts", "db_worker"],
)
def test_a_worker_killed_mid_post_resends_that_dispatch_and_loses_none(archive, queue, command):  # noqa: F811
    receiver = Receiver(hold=threading.Event())
    server = http_server(receiver)
    try:
        made = _run(archive, "follow", receiver.url, str(SEARCHES), queue)
        first = _worker(archive, command)
        if not receiver.got.wait(60):
            kill(first)
            pytest.fail(f"the worker posted nothing:\n{first.stderr.read()[-3000:]}")
        kill(first)  # while the receiver holds the first POST: sent, not recorded
        killed_id = receiver.ids()[0]
        receiver.hold.set()
        assert _run(archive, "state")[killed_id] == ["pending", 1]

        second = _worker(archive, command)
        try:
            _wait(lambda: sorted(set(receiver.ids())) == made["dispatches"])
            _wait(lambda: all(s == "sent" for s, _ in _run(archive, "state").values()), 30)
        finally:
            second.terminate()
            second.wait(timeout=30)
    finally:
        server.shutdown()
        server.server_close()

    seen = receiver.ids()
    assert sorted(set(seen)) == made["dispatches"]  # none lost
    assert seen.count(killed_id) == 2  # the one in flight came again, same id...
    assert len(seen) == SEARCHES + 1  # ...and nothing else twice
    again = [r.body for r in receiver.seen if r.headers["X-Archive-Delivery"] == killed_id]
    assert again[0] == again[1]  # the same body, byte for byte
    bodies = {r.headers["X-Archive-Delivery"]: r.body for r in receiver.seen}
    titles = [json.loads(b)["articles"][0]["title"] for b in bodies.values()]
    assert sorted(titles) == [f"Article {n}" for n in range(SEARCHES)]  # each once by id
    assert second.returncode in (0, -15)  # SIGTERM: a clean stop


def test_two_workers_at_once_send_each_dispatch_once(archive):  # noqa: F811
    receiver = Receiver()
    server = http_server(receiver)
    workers = []
    try:
        made = _run(archive, "follow", receiver.url, "30")
        workers = [_worker(archive), _worker(archive)]
        _wait(lambda: len(set(receiver.ids())) >= 30)
        time.sleep(1)  # time for a second POST of one, if the lock let one through
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)
        server.shutdown()
        server.server_close()
    assert sorted(receiver.ids()) == made["dispatches"]
