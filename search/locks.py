"""File locks in the index directory: one writer of the Whoosh index at a time.

Drains and rebuilds take ``index_write_lock``; a rebuild also holds the rebuild lock, so
that an after-commit drain can see one is running and leave its rows for the swap. The
operating system releases a lock when its process dies, so a crash never wedges one.
"""

import contextlib
import fcntl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from search.types import SearchUnavailable

_local = threading.local()


class IndexBusy(SearchUnavailable):
    """Another process holds the index writer lock; the changes stay queued."""


def lock_path() -> Path:
    # Inside the index directory, so every process sharing the index shares the lock.
    return Path(settings.SEARCH_INDEX_DIR) / "write.lock"


def rebuild_lock_path() -> Path:
    return Path(settings.SEARCH_INDEX_DIR) / "rebuild.lock"


@contextlib.contextmanager
def file_lock(path: Path, *, wait: float) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (across processes and threads).

    Raises ``IndexBusy`` after ``wait`` seconds. Re-entrant within a thread.
    """
    held = _local.__dict__.setdefault("held", set())
    if str(path) in held:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"The search index is being written by another process ({path.name})."
                    ) from None
                time.sleep(0.02)
        held.add(str(path))
        try:
            yield
        finally:
            held.discard(str(path))
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_held(path: Path) -> bool:
    """Whether another thread or process holds ``file_lock(path)`` right now."""
    if not path.exists():
        return False
    with open(path, "ab") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def index_write_lock(*, wait: float):
    """The lock every index writer of the write path holds: one drain or rebuild at a time."""
    return file_lock(lock_path(), wait=wait)
