"""Where the Whoosh index lives on disk, and the one safe way to write to it.

Layout under ``SEARCH_INDEX_DIR``::

    CURRENT            the name of the live generation directory (replaced atomically)
    gen-<time>-<pid>/  a complete Whoosh index

A rebuild fills a new generation beside the live one and swaps ``CURRENT``; readers
notice on their next search. Nothing here ever deletes the live index.
"""

import logging
import os
import pickle
import shutil
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import CorruptIndexError

from search.backends.whoosh import legacy
from search.backends.whoosh.schema import build_schema
from search.types import SearchUnavailable

log = logging.getLogger(__name__)
legacy.register()  # indexes written before the move name the schema's old paths

POINTER = "CURRENT"
# Errors that mean "the files on disk are missing or not a readable index".
READ_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    KeyError,
    struct.error,
    pickle.UnpicklingError,
    whoosh_index.IndexError,
    CorruptIndexError,
)


def postings_codec() -> W3Codec:
    """Whoosh's own format, its posting blocks written as pickled, not zlib-compressed.
    Inflating the blocks was most of a search's time when a word is first read (a
    common word at 10x: hundreds of blocks, 80% of their decoding); the postings take
    more disk in exchange (measured in README, issue 22). Blocks carry a flag, so an
    index written either way reads alike."""
    return W3Codec(compression=0)


class IndexStore:
    """The generations of one index directory."""

    def __init__(self, path: Path, *, lock_timeout: float = 30.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    def current(self) -> Path | None:
        """The live generation directory, or None when no index was built yet."""
        try:
            name = (self.path / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise SearchUnavailable(f"The search index pointer cannot be read: {error}") from error
        return self.path / name if name else None

    def open(self, directory: Path | None = None):
        """The live index for reading; SearchUnavailable when missing or unreadable."""
        directory = directory or self.current()
        if directory is None:
            raise SearchUnavailable(
                "The search index has not been built yet: run `manage.py search_index rebuild`."
            )
        try:
            # Plain reads, not mmap: a segment cut short under a running process (a full
            # disk, a bad restore) must be a read error (503), not a SIGBUS that kills it.
            return FileStorage(str(directory), supports_mmap=False).open_index()
        except whoosh_index.EmptyIndexError as error:
            raise SearchUnavailable(f"The search index at {directory} is missing.") from error
        except READ_ERRORS as error:
            raise SearchUnavailable(
                f"The search index at {directory} cannot be read ({error.__class__.__name__}: "
                f"{error}); rebuild it with `manage.py search_index rebuild`."
            ) from error

    def new_generation(self):
        """A new, empty index directory beside the live one (not yet live)."""
        self.path.mkdir(parents=True, exist_ok=True)
        directory = (
            self.path
            / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.time_ns() % 10**9}"
        )
        directory.mkdir()
        return whoosh_index.create_in(str(directory), build_schema()), directory

    def swap(self, directory: Path) -> None:
        """Make ``directory`` the live generation atomically; keep one previous one."""
        previous = self.current()
        temporary = self.path / f"{POINTER}.{os.getpid()}.tmp"
        temporary.write_text(directory.name, encoding="utf-8")
        os.replace(temporary, self.path / POINTER)
        keep = {directory.name, previous.name if previous else ""}
        for old in self.path.glob("gen-*"):
            if old.name not in keep and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)

    def ensure(self) -> Path:
        """The live generation, creating an empty index when there is none."""
        current = self.current()
        if current is not None and whoosh_index.exists_in(str(current)):
            return current
        if current is not None and current.exists():
            # A pointer to a directory without an index: unknown state, never wipe it.
            raise SearchUnavailable(f"{current} is not a search index; rebuild it.")
        _ix, directory = self.new_generation()
        self.swap(directory)
        return directory

    @contextmanager
    def writer(self, directory: Path | None = None) -> Iterator:
        """A Whoosh writer on the live index: commit on success, cancel and re-raise on
        failure, wait up to ``lock_timeout`` seconds for another writer's lock."""
        ix = self.open(directory or self.ensure())
        try:
            writer = ix.writer(timeout=self.lock_timeout, delay=0.05, codec=postings_codec())
        except whoosh_index.LockError as error:
            raise SearchUnavailable(
                f"The search index stayed locked by another writer for {self.lock_timeout:g} s."
            ) from error
        try:
            yield writer
        except BaseException:
            with suppress(Exception):
                writer.cancel()
            raise
        try:
            writer.commit()
        except BaseException:
            # Some Whoosh forks keep the lock after a failed commit; never wedge the index.
            with suppress(Exception):
                writer.writelock.release()
            raise
