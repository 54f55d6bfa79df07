"""The process's copy of the embeddings, and the nearest articles to a vector.

Every process (web, worker, any node) reads the table into memory once, and afterwards
only what changed: a query first asks the table for its row count and highest id (an
article's vectors are rewritten as a new row, so any write moves one of them), then
reads the rows newer than its copy. Up to ``EXACT_LIMIT`` passages the scores are one
matrix product; beyond it an approximate index (usearch's HNSW), built in a background
thread and then kept up to date row by row, answers while the exact product still
serves a search restricted to given articles (``among``).
"""

import threading
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from django.db.models import Max

from search.models import ArticleEmbedding
from search.semantic.model import DIMENSIONS

# Passages scored exactly by one matrix product; beyond, the approximate index answers.
# Measured (tests/benchmarks/bench_semantic.py nearest, median): 26k passages (Reuters)
# 2.7 ms exact, 2.2 ms through the HNSW graph; 262k passages (10x) 36 ms exact. The
# product is linear: about 14 ms at this limit, a sixth of a hybrid search's budget.
EXACT_LIMIT = 100_000
# The approximate index returns passages, several per article: it is asked for more.
OVERSAMPLE = 3


@dataclass(frozen=True)
class Vectors:
    """Passages' unit vectors, each article's in a row; ``starts`` indexes the first."""

    stamp: tuple[int, int]
    units: np.ndarray  # (passages, 384) float32
    owners: np.ndarray  # (passages,) article id of each passage
    articles: np.ndarray  # (articles,) article ids, in the order of ``starts``
    starts: np.ndarray  # (articles,) first passage of each article
    approximate: object | None = None  # an ``Approximate`` over ``units``, when large


def vectors_of(ids, counts, units, *, stamp, approximate=None) -> Vectors:
    """Vectors from articles' ids, their passage counts and the passages in that order."""
    ids = np.asarray(ids, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    keep = counts > 0
    ids, counts = ids[keep], counts[keep]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    owners = np.repeat(ids, counts)
    return Vectors(stamp, units, owners, ids, starts, approximate)


_lock = threading.Lock()
_current: Vectors | None = None


def store_stamp() -> tuple[int, int]:
    # Two queries, each answered from an index alone: SQLite counts rows from the
    # smallest index and finds the highest id in the primary key, but asked both at once
    # it reads every row (20 to 40 ms a search at 208,000 rows, measured; 0.6 ms apart).
    rows = ArticleEmbedding.objects.all()
    return rows.count(), rows.aggregate(top=Max("id"))["top"] or 0


def current_vectors() -> Vectors:
    """The embeddings as the table holds them now (only what changed is read again)."""
    global _current
    stamp = store_stamp()
    if _current is None or _current.stamp != stamp:
        with _lock:
            if _current is None or _current.stamp != stamp:
                _current = _refreshed(_current, stamp)
                _approximate_when_large(_current)
    return _current


def _rows(queryset):
    ids, counts, blobs = [], [], []
    for article_id, passages, blob in queryset.values_list("article_id", "passages", "vectors"):
        ids.append(article_id)
        counts.append(passages)
        blobs.append(bytes(blob))
    units = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(-1, DIMENSIONS)
    return ids, counts, units


def _refreshed(old: Vectors | None, stamp: tuple[int, int]) -> Vectors:
    if old is None:
        return vectors_of(*_rows(ArticleEmbedding.objects.order_by("id")), stamp=stamp)
    ids, counts, units = _rows(ArticleEmbedding.objects.filter(id__gt=old.stamp[1]).order_by("id"))
    alive = ~np.isin(old.articles, np.asarray(ids, dtype=np.int64))
    if int(alive.sum()) + len(ids) != stamp[0]:  # some were deleted too
        present = np.fromiter(
            ArticleEmbedding.objects.values_list("article_id", flat=True), np.int64
        )
        alive &= np.isin(old.articles, present)
    kept = np.repeat(alive, np.diff(np.r_[old.starts, len(old.units)]))
    if old.approximate is not None:
        old.approximate.update(old, kept, ids, counts, units)
    return vectors_of(
        np.r_[old.articles[alive], ids],
        np.r_[np.diff(np.r_[old.starts, len(old.units)])[alive], counts],
        np.concatenate([old.units[kept], units]),
        stamp=stamp,
        approximate=old.approximate,
    )


def _approximate_when_large(vectors: Vectors) -> None:
    if vectors.approximate is None and len(vectors.units) > EXACT_LIMIT:
        from search.semantic.approximate import Approximate

        object.__setattr__(vectors, "approximate", Approximate.build_later(vectors))


def nearest_articles(
    vector: np.ndarray, k: int, *, among: Collection[int] | None = None
) -> list[tuple[int, float]]:
    """The ``k`` articles whose best passage is nearest ``vector``, best first."""
    return nearest_in(current_vectors(), vector, k, among=among)


def nearest_in(vectors: Vectors, vector, k: int, *, among=None, exact: bool = False) -> list:
    if k <= 0 or not len(vectors.articles):
        return []
    vector = np.asarray(vector, dtype=np.float32)
    if among is not None:
        return _exact_among(vectors, vector, k, among)
    approximate = vectors.approximate
    if not exact and approximate is not None and approximate.ready:
        return approximate.nearest(vector, k, oversample=OVERSAMPLE)
    best = np.maximum.reduceat(vectors.units @ vector, vectors.starts)
    return _top(vectors.articles, best, k)


def _exact_among(vectors: Vectors, vector, k: int, among) -> list[tuple[int, float]]:
    wanted = np.isin(vectors.owners, np.fromiter((int(i) for i in among), dtype=np.int64))
    if not wanted.any():
        return []
    owners = vectors.owners[wanted]
    scores = vectors.units[wanted] @ vector
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    return _top(owners[starts], np.maximum.reduceat(scores, starts), k)


def _top(ids: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    picked = np.argpartition(-scores, min(k, len(scores)) - 1)[:k]
    # Best first; equal scores by id, so a page never shuffles.
    order = picked[np.lexsort((ids[picked], -scores[picked]))]
    return [(int(ids[i]), float(scores[i])) for i in order]


def reset_vectors() -> None:
    """Forget the process's copy (tests)."""
    global _current
    _current = None
