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

# About 12 bytes a posting (int64 document, float32 weight): 2 million is ~24 MB per process.
MAX_POSTINGS = 2_000_000
# A posting kept in a decoded block for phrases (``keep_blocks``) weighs about 71 bytes
# with its positions (measured with tracemalloc on the 16 words of the benchmark's phrases
# at 10x Reuters: 21.3 MB for 300,450 postings): half a million is ~35 MB per process, in
# a budget of their own so that they never push out the postings every search reads.
MAX_BLOCK_POSTINGS = 500_000

Postings = tuple[np.ndarray, np.ndarray]


class _Kept:
    """Values by key, at most ``limit`` in size, least recently used out first."""

    def __init__(self, limit: int):
        self.limit, self.size = limit, 0
        self.items: OrderedDict[tuple, tuple[object, int]] = OrderedDict()

    def get(self, key: tuple):
        found = self.items.get(key)
        if found is None:
            return None
        self.items.move_to_end(key)
        return found[0]

    def keep(self, key: tuple, value, size: int) -> None:
        if size > self.limit or key in self.items:
            return
        self.items[key] = (value, size)
        self.size += size
        while self.size > self.limit:
            _key, (_value, dropped) = self.items.popitem(last=False)
            self.size -= dropped


class PostingsCache:
    """Decoded postings by (field, word), at most ``limit`` postings in all; and decoded
    blocks, at most ``block_limit`` postings."""

    def __init__(self, limit: int = MAX_POSTINGS, block_limit: int = MAX_BLOCK_POSTINGS):
        self._lists, self._blocks = _Kept(limit), _Kept(block_limit)
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return self._lists.size

    def get(self, key: tuple):
        with self._lock:
            found = self._lists.get(key)
            return self._blocks.get(key) if found is None else found

    def put(self, key: tuple, postings: Postings) -> None:
        for array in postings:  # shared by every search from now on: never changed in place
            array.flags.writeable = False
        with self._lock:
            self._lists.keep(key, postings, len(postings[0]))

    def keep_blocks(self, key: tuple, blocks: list[list[Decoded]]) -> None:
        """A word's decoded posting blocks of every segment (``positions`` unpickles a
        block's positions once, when a phrase first needs them: kept, later searches
        read them as they are)."""
        count = sum(len(block.ids) for leaf in blocks for block in leaf)
        with self._lock:
            self._blocks.keep(key, blocks, count)
