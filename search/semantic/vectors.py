"""The process's copy of the embeddings, and the nearest articles to a vector.

Every process (web, worker, any node) reads the table into memory once and again only
when it changed: a query first asks the table for its row count and highest id (rows are
rewritten as new rows, so any write moves one of them). Up to ``EXACT_LIMIT`` passages
the scores are one matrix product; beyond it an approximate index (usearch's HNSW)
answers, and the exact product still serves a search restricted to given articles.
"""

import threading
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max

from search.models import ArticleEmbedding
from search.semantic.model import DIMENSIONS

# Passages scored exactly by one matrix product; more go through the approximate index.
EXACT_LIMIT = 60_000
# The approximate index returns passages, several per article: ask for more.
OVERSAMPLE = 4


@dataclass(frozen=True)
class Vectors:
    """Passages' unit vectors grouped by article (``starts`` indexes each article's first)."""

    stamp: tuple[int, int]
    units: np.ndarray  # (passages, 384) float32
    articles: np.ndarray  # (articles,) int64, ascending
    starts: np.ndarray  # (articles,) int64
    owners: np.ndarray  # (passages,) index into ``articles``
    approximate: object | None = None  # a usearch Index over ``units``, when large


_lock = threading.Lock()
_current: Vectors | None = None


def store_stamp() -> tuple[int, int]:
    row = ArticleEmbedding.objects.aggregate(n=Count("id"), top=Max("id"))
    return row["n"], row["top"] or 0


def current_vectors() -> Vectors:
    """The embeddings as the table holds them now (read again only when it changed)."""
    global _current
    stamp = store_stamp()
    if _current is None or _current.stamp != stamp:
        with _lock:
            if _current is None or _current.stamp != stamp:
                _current = load_vectors(stamp)
    return _current


def load_vectors(stamp: tuple[int, int]) -> Vectors:
    rows = ArticleEmbedding.objects.filter(passages__gt=0).order_by("article_id")
    ids, counts, blobs = [], [], []
    for article_id, passages, blob in rows.values_list("article_id", "passages", "vectors"):
        ids.append(article_id)
        counts.append(passages)
        blobs.append(bytes(blob))
    units = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(-1, DIMENSIONS)
    counts_arr = np.asarray(counts, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts_arr)[:-1]]).astype(np.int64)
    owners = np.repeat(np.arange(len(ids)), counts_arr)
    return Vectors(stamp, units, np.asarray(ids, dtype=np.int64), starts, owners)


def nearest_articles(
    vector: np.ndarray, k: int, *, among: Collection[int] | None = None
) -> list[tuple[int, float]]:
    """The ``k`` articles whose best passage is nearest ``vector``, best first."""
    vectors = current_vectors()
    if k <= 0 or not len(vectors.articles):
        return []
    vector = np.asarray(vector, dtype=np.float32)
    if among is not None:
        return _exact_among(vectors, vector, k, among)
    return _exact(vectors, vector, k)


def _exact(vectors: Vectors, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
    best = np.maximum.reduceat(vectors.units @ vector, vectors.starts)
    return _top(vectors.articles, best, k)


def _exact_among(vectors, vector, k, among) -> list[tuple[int, float]]:
    wanted = np.isin(vectors.articles, np.fromiter((int(i) for i in among), dtype=np.int64))
    if not wanted.any():
        return []
    keep = wanted[vectors.owners]
    scores = vectors.units[keep] @ vector
    owners = vectors.owners[keep]
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    best = np.maximum.reduceat(scores, starts)
    return _top(vectors.articles[owners[starts]], best, k)


def _top(ids: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    picked = np.argpartition(-scores, min(k, len(scores)) - 1)[:k]
    # Best first; equal scores by id, so a page never shuffles.
    order = picked[np.lexsort((ids[picked], -scores[picked]))]
    return [(int(ids[i]), float(scores[i])) for i in order]


def reset_vectors() -> None:
    """Forget the process's copy (tests)."""
    global _current
    _current = None
