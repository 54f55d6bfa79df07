"""The approximate nearest passages (usearch's HNSW) for a store too large to scan.

Building the graph takes minutes for a few hundred thousand passages on two cores, so
it is built once per process in a background thread (the exact product answers until it
is ready) and then kept current: removed passages are removed and new ones added as the
process's copy of the table is refreshed.
"""

import threading

import numpy as np

from search.semantic.passages import MAX_PASSAGES

# The graph's links per node and the candidates a search keeps (usearch's defaults).
CONNECTIVITY = 16
EXPANSION_SEARCH = 64


class Approximate:
    """An HNSW index over passages, keyed by ``passage_keys``."""

    def __init__(self, *, connectivity: int = CONNECTIVITY, expansion: int = EXPANSION_SEARCH):
        from usearch.index import Index

        self.index = Index(
            ndim=384,
            metric="ip",
            dtype="f32",
            connectivity=connectivity,
            expansion_search=expansion,
        )
        self.ready = False
        self._lock = threading.Lock()
        self._pending: list = []  # changes made while the first build ran

    @classmethod
    def build_later(cls, vectors) -> "Approximate":
        approximate = cls()
        thread = threading.Thread(
            target=approximate._build, args=(vectors,), name="semantic-hnsw", daemon=True
        )
        thread.start()
        return approximate

    def _build(self, vectors, *, threads: int = 1) -> None:
        # One thread: the web process's requests keep the other core.
        counts = np.diff(np.r_[vectors.starts, len(vectors.units)])
        self.index.add(passage_keys(vectors.articles, counts), vectors.units, threads=threads)
        with self._lock:
            for change in self._pending:
                self._apply(*change)
            self._pending.clear()
            self.ready = True

    def update(self, old, kept, ids, counts, units) -> None:
        """``old`` lost the passages not ``kept``, and gained these articles' passages."""
        old_counts = np.diff(np.r_[old.starts, len(old.units)])
        gone = passage_keys(old.articles, old_counts)[~kept]
        added = passage_keys(ids, counts)
        with self._lock:
            if not self.ready:
                self._pending.append((gone, added, units))
                return
            self._apply(gone, added, units)

    def _apply(self, gone, added, units) -> None:
        if len(gone):
            self.index.remove(gone)
        if len(added):
            self.index.add(added, units, threads=1)

    def nearest(self, vector, k: int, *, oversample: int) -> list[tuple[int, float]]:
        matches = self.index.search(vector, k * oversample)
        best: dict[int, float] = {}
        for key, distance in zip(matches.keys, matches.distances, strict=True):
            article = int(key) // MAX_PASSAGES
            best.setdefault(article, 1.0 - float(distance))  # distances come nearest first
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:k]


def passage_keys(ids, counts) -> np.ndarray:
    """A stable key per passage for the approximate index: article id and passage number."""
    counts = np.asarray(counts, dtype=np.int64)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    number = np.arange(int(counts.sum())) - first
    return np.repeat(np.asarray(ids, dtype=np.int64), counts) * MAX_PASSAGES + number
