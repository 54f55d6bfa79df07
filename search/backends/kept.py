"""Answers kept per process, the least recently used dropped first: one rule for both
engines. Each engine decides when a kept answer still holds (Whoosh: while its searcher
is current; PostgreSQL: while no change committed that the answer's snapshot misses)."""

import threading
from collections import OrderedDict
from typing import Any


class KeptAnswers:
    """At most ``limit`` answers by key (0: none), safe to share between threads."""

    def __init__(self, limit: int):
        self.limit = limit
        self._answers: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> Any | None:
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
            return found

    def put(self, key, answer) -> None:
        if self.limit <= 0:
            return
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.limit:
                self._answers.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()

    def __len__(self) -> int:
        return len(self._answers)
