"""Undo for a run's caches: what an article's savepoint added, forgotten when it rolls back.

A cache entry made inside a savepoint names a row that exists only if the savepoint
commits. Each addition is journaled as an ``Undo``; rolling back to a mark undoes, newest
first, what was added since.
"""

from collections.abc import Hashable, MutableMapping
from typing import NamedTuple, Protocol


class Undo(Protocol):
    """One journaled addition to a cache."""

    def undo(self) -> None: ...


class Added(NamedTuple):
    """A key added to a mapping: undone by removing the key (a tuple: one is made for
    every cache entry of a run)."""

    cache: MutableMapping
    key: Hashable

    def undo(self) -> None:
        self.cache.pop(self.key, None)


class UndoJournal:
    """The additions of a run, in order; ``mark`` and ``undo`` bracket a savepoint."""

    def __init__(self) -> None:
        self._entries: list[Undo] = []

    def mark(self) -> int:
        return len(self._entries)

    def record(self, entry: Undo) -> None:
        self._entries.append(entry)

    def put(self, cache: MutableMapping, key: Hashable, value) -> None:
        """``cache[key] = value``, undone by ``undo``."""
        cache[key] = value
        self._entries.append(Added(cache, key))

    def undo(self, mark: int) -> None:
        """Undo every addition since ``mark`` (its savepoint was rolled back)."""
        while len(self._entries) > mark:
            self._entries.pop().undo()
