"""The postings of the words searched most, kept per process for one searcher (and the
decoded blocks of the words phrases ask for, with their positions).

Reading a word's postings (decompressing and unpickling its blocks) is a quarter of a
Whoosh search's time, and the same words come back request after request: a bounded
cache of the decoded arrays, least recently used out first, saves it. It belongs to
one searcher: the backend starts a new one whenever the index changed, so a cached list
is never older than the searcher that reads it.
"""

import threading
from collections import OrderedDict

import numpy as np

from search.backends.whoosh.postings import Decoded

# About 12 bytes a posting (int64 document, float32 weight): 4 million is ~48 MB per process.
MAX_POSTINGS = 4_000_000
# A posting kept in a decoded block for phrases (``keep_blocks``) weighs about 71 bytes
# with its positions (measured with tracemalloc on the 16 words of the benchmark's phrases
# at 10x Reuters: 21.3 MB for 300,450 postings): counted as 6 postings.
BLOCK_WEIGHT = 6

Postings = tuple[np.ndarray, np.ndarray]


class PostingsCache:
    """Decoded postings by (field, word), at most ``limit`` postings in all."""

    def __init__(self, limit: int = MAX_POSTINGS):
        self.limit, self.size = limit, 0
        self._lists: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            found = self._lists.get(key)
            if found is not None:
                self._lists.move_to_end(key)
            return None if found is None else found[0]

    def put(self, key: tuple, postings: Postings) -> None:
        for array in postings:  # shared by every search from now on: never changed in place
            array.flags.writeable = False
        self._keep(key, postings, len(postings[0]))

    def keep_blocks(self, key: tuple, blocks: list[list[Decoded]]) -> None:
        """A word's decoded posting blocks of every segment (``positions`` unpickles a
        block's positions once, when a phrase first needs them: kept, later searches
        read them as they are)."""
        with self._lock:
            if key in self._lists:
                return
        count = sum(len(block.ids) for leaf in blocks for block in leaf)
        self._keep(key, blocks, count * BLOCK_WEIGHT)

    def _keep(self, key: tuple, value, size: int) -> None:
        if size > self.limit:
            return
        with self._lock:
            if key in self._lists:
                return
            self._lists[key] = (value, size)
            self.size += size
            while self.size > self.limit:
                _key, (_value, dropped) = self._lists.popitem(last=False)
                self.size -= dropped
