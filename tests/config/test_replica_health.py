"""``/healthz``'s report of replicas that never answer: down within its short wait, all
asked at once, and what the router learnt recently reused (the real streaming pair's
reports, through the server, are in tests/replicas/test_routing.py)."""

import socket
import time

import pytest
from django.conf import settings
from django.db import connections

from config import replicas
from config.health import REPLICA_WAIT_SECONDS, replica_report


@pytest.fixture
def silent_replicas(monkeypatch, django_db_blocker):
    """Two replicas whose port accepts connections and never says a word (a host that
    hangs): each connection waits out its 2 s connect timeout."""
    listeners, aliases = [], ["replica1", "replica2"]
    for alias in aliases:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listeners.append(listener)
        raw = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "archive",
            "USER": "nobody",
            "HOST": "127.0.0.1",
            "PORT": listener.getsockname()[1],
            "OPTIONS": {"connect_timeout": 2},
        }
        configured = connections.configure_settings({"default": {}, alias: raw})[alias]
        monkeypatch.setitem(settings.DATABASES, alias, configured)
        monkeypatch.setitem(connections.settings, alias, configured)
    replicas.forget()
    with django_db_blocker.unblock():  # the replicas only: no test database is needed
        yield aliases
    for check in list(replicas._pending.values()):  # let no check outlive the test
        check.result(timeout=10)
    replicas.forget()
    for listener in listeners:
        listener.close()


def test_replicas_that_do_not_answer_are_reported_down_within_the_wait(silent_replicas):
    started = time.monotonic()
    report = replica_report()
    elapsed = time.monotonic() - started

    down = {"up": False, "lag_seconds": None, "used": False}
    assert report == {"replica1": down, "replica2": down}
    # Asked one after the other with the connection's own timeout, the two took 4 s; the
    # margin over the wait is for a loaded machine.
    assert elapsed < REPLICA_WAIT_SECONDS + 2.0


def test_the_status_the_router_has_just_seen_is_reused(silent_replicas):
    for alias in silent_replicas:
        replicas._statuses[alias] = replicas.ReplicaStatus(alias, True, 0.25, time.monotonic())

    started = time.monotonic()
    report = replica_report()

    assert time.monotonic() - started < REPLICA_WAIT_SECONDS
    assert report["replica2"] == {
        "up": True,
        "lag_seconds": 0.25,
        "used": True,
    }
