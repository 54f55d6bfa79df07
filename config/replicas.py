"""Read replicas: which are healthy right now, and which one a request reads from.

A replica is healthy when a connection opens and it is at most REPLICA_MAX_LAG_SECONDS
behind the primary. Each process asks at most every REPLICA_CHECK_SECONDS and remembers
the answer, so a replica that went down or fell behind is skipped until a later check
finds it back.
"""

import logging
import random
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections

logger = logging.getLogger(__name__)

# Caught up (everything received is replayed, and the WAL receiver is streaming from the
# primary): lag 0, however old the last transaction is; an idle primary sends nothing, so
# the replay timestamp alone would keep growing. With no receiver streaming (the primary
# restarted, the network cut), what was received says nothing of what the primary has:
# the lag is the replay timestamp's age. Behind with no transaction replayed since the
# standby started: unknown (NULL), skipped. (A role without pg_read_all_stats sees the
# receiver's row but not its status: present then counts as streaming.)
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver
                    WHERE coalesce(status, 'streaming') = 'streaming') THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


@dataclass(frozen=True)
class ReplicaStatus:
    alias: str
    up: bool
    lag_seconds: float | None  # None when down, or behind by an unknown time
    checked_at: float  # time.monotonic()

    @property
    def healthy(self) -> bool:
        lag = self.lag_seconds
        return self.up and lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS


_statuses: dict[str, ReplicaStatus] = {}
_lock = threading.Lock()


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def check(alias: str) -> ReplicaStatus:
    """Ask the replica now: a failed connection or query means down."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            (lag,) = cursor.fetchone()
    except Error as exc:
        logger.warning("replica %s is down: %s", alias, exc)
        connection.close()  # a broken connection is not reused by the next check
        return ReplicaStatus(alias, up=False, lag_seconds=None, checked_at=time.monotonic())
    lag = None if lag is None else round(float(lag), 3)
    return ReplicaStatus(alias, up=True, lag_seconds=lag, checked_at=time.monotonic())


def remembered(alias: str) -> ReplicaStatus | None:
    """The status asked less than REPLICA_CHECK_SECONDS ago, if any."""
    with _lock:
        known = _statuses.get(alias)
    if known and time.monotonic() - known.checked_at < settings.REPLICA_CHECK_SECONDS:
        return known
    return None


def status(alias: str) -> ReplicaStatus:
    """The remembered status, asked again once it is REPLICA_CHECK_SECONDS old."""
    return remembered(alias) or recheck(alias)


def recheck(alias: str) -> ReplicaStatus:
    """Ask now and remember the answer (also after a request that failed on the replica)."""
    fresh = check(alias)
    with _lock:
        known, _statuses[alias] = _statuses.get(alias), fresh
    if known and known.healthy != fresh.healthy:
        logger.warning("replica %s: %s", alias, "back in use" if fresh.healthy else "skipped")
    return fresh


def statuses() -> list[ReplicaStatus]:
    return [status(alias) for alias in replica_aliases()]


def statuses_within(seconds: float) -> dict[str, ReplicaStatus | None]:
    """Each replica's status: the remembered one while recent, else asked again, every
    replica at once (in threads), waiting at most ``seconds``. None for a replica that
    has not answered by then: its check goes on, and its answer is remembered for the
    next request (a replica that cannot be reached takes its whole connect timeout)."""
    found, asking = {}, {}
    for alias in replica_aliases():
        found[alias] = remembered(alias)
        if found[alias] is None:
            asking[alias] = _asking(alias)
    done, _ = wait(asking.values(), timeout=seconds)
    found.update((alias, future.result()) for alias, future in asking.items() if future in done)
    return found


_checks = ThreadPoolExecutor(max_workers=4, thread_name_prefix="replica-check")
_pending: dict[str, Future] = {}


def _asking(alias: str) -> Future:
    """The check of ``alias`` under way, or a new one (never two at once for a replica)."""
    with _lock:
        future = _pending.get(alias)
        if future is None or future.done():
            future = _pending[alias] = _checks.submit(_recheck_closing, alias)
    return future


def _recheck_closing(alias: str) -> ReplicaStatus:
    """``recheck`` in a worker thread, which closes its own connection after."""
    try:
        return recheck(alias)
    finally:
        connections[alias].close()


def forget() -> None:
    """Drop what this process remembers (tests)."""
    with _lock:
        _statuses.clear()


def choose() -> str:
    """A healthy replica at random (the load spreads), else the primary."""
    healthy = [s.alias for s in statuses() if s.healthy]
    return random.choice(healthy) if healthy else DEFAULT_DB_ALIAS
