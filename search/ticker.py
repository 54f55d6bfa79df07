"""The background retry of a web process: applies what after-commit drains left queued."""

import os
import threading
import time

from django.conf import settings
from django.db import connections

from search.maintenance import index_catch_up
from search.outbox import AFTER_COMMIT_WAIT

_ticker_lock = threading.Lock()
_ticker_pid: int | None = None


def outbox_ticker_start(*, interval: float | None = None) -> bool:
    """Start the background retry of this process, once (web entry points call it).

    Every ``interval`` seconds (``SEARCH_OUTBOX_INTERVAL``; 0 turns it off) a daemon
    thread applies what after-commit drains left queued: changes of processes that
    died, index failures, rows of a busy moment. Not restarted in forked children
    (Whoosh's indexing processes must not drain); gunicorn workers import the entry
    point themselves, or with ``--preload`` the master's thread serves them all.
    Returns whether a thread was started.
    """
    global _ticker_pid
    interval = settings.SEARCH_OUTBOX_INTERVAL if interval is None else interval
    if interval <= 0:
        return False
    with _ticker_lock:
        if _ticker_pid == os.getpid():
            return False
        _ticker_pid = os.getpid()
    thread = threading.Thread(
        target=_tick_forever, args=(interval,), name="search-outbox", daemon=True
    )
    thread.start()
    return True


def _tick_forever(interval: float) -> None:
    while True:
        time.sleep(interval)
        try:
            outbox_tick()
        finally:
            connections.close_all()  # this thread's connections only


def outbox_tick() -> int:
    """One round of the background retry: sync what is queued, never raise."""
    return index_catch_up(wait=AFTER_COMMIT_WAIT)
