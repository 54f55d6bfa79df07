"""The postings of the words searched most, kept per process for one searcher.

Reading a word's postings (decompressing and unpickling its blocks) is a quarter of a
Whoosh search's time, and the same words come back request after request: a bounded
cache of the decoded arrays, least recently used out first, saves it. It belongs to
one searcher: the backend starts a new one whenever the index changed, so a cached list
is never older than the searcher that reads it.
"""

import threading
from collections import OrderedDict

import numpy as np

# About 12 bytes a posting (int64 document, float32 weight): 2 million is ~24 MB per process.
MAX_POSTINGS = 2_000_000

Postings = tuple[np.ndarray, np.ndarray]


class PostingsCache:
    """Decoded postings by (field, word), at most ``limit`` postings in all."""

    def __init__(self, limit: int = MAX_POSTINGS):
        self.limit, self.size = limit, 0
        self._lists: OrderedDict[tuple, Postings] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Postings | None:
        with self._lock:
            found = self._lists.get(key)
            if found is not None:
                self._lists.move_to_end(key)
            return found

    def put(self, key: tuple, postings: Postings) -> None:
        count = len(postings[0])
        if count > self.limit:
            return
        for array in postings:  # shared by every search from now on: never changed in place
            array.flags.writeable = False
        with self._lock:
            if key in self._lists:
                return
            self._lists[key] = postings
            self.size += count
            while self.size > self.limit:
                _key, (docs, _weights) = self._lists.popitem(last=False)
                self.size -= len(docs)
