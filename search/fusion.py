"""Reciprocal rank fusion: a keyword ranking and a ranking by meaning made one.

Each article scores ``weight / (k + rank)`` in each ranking it is in (ranks from 1) and
the scores add up. Ranks, not scores, are fused: BM25 and cosine similarity are on
scales that cannot be compared, and a rank says the same thing in both. ``k`` = 60 is
Cormack, Clarke and Büttcher's constant (SIGIR 2009); it keeps the first few ranks of
either list from drowning the other.
"""

from dataclasses import dataclass

RRF_K = 60


@dataclass(frozen=True)
class Fused:
    """One article's fused score and the part of it that meaning gave."""

    score: float
    semantic: float = 0.0  # the semantic ranking's part of ``score``
    similarity: float | None = None  # cosine similarity to the query, when it was near

    @property
    def semantic_share(self) -> float:
        return self.semantic / self.score if self.score else 0.0


def rank_fusion(
    keyword: list[int],
    semantic: list[tuple[int, float]],
    *,
    k: int = RRF_K,
    semantic_weight: float = 1.0,
) -> dict[int, Fused]:
    """Article id -> its fused score, from the keyword hits (ids, best first) and the
    nearest articles (id and cosine similarity, nearest first)."""
    fused = {i: Fused(1.0 / (k + rank)) for rank, i in enumerate(keyword, start=1)}
    for rank, (i, similarity) in enumerate(semantic, start=1):
        part = semantic_weight / (k + rank)
        before = fused.get(i, Fused(0.0))
        fused[i] = Fused(before.score + part, before.semantic + part, similarity)
    return fused
