"""Reciprocal rank fusion: a keyword ranking and a ranking by meaning made one.

Each article scores ``weight / (k + rank)`` in each ranking it is in (ranks from 1) and
the scores add up. Ranks, not scores, are fused: BM25 and cosine similarity are on
scales that cannot be compared, and a rank says the same thing in both.

``k`` sets how much the first ranks of a list count more than the later ones. Cormack,
Clarke and Büttcher's 60 (SIGIR 2009) was chosen for lists 1,000 long; ours are 100
(``search.hybrid.CANDIDATES``), where the top of each list says more. Measured on CISI
(76 questions, both lists of 100, equal weights), nDCG@10 / MAP:

    k            10             20             60
    Whoosh       0.457 / 0.244  0.454 / 0.244  0.438 / 0.237
    PostgreSQL   0.456 / 0.236  0.457 / 0.235  0.442 / 0.237

10 and 20 differ by noise (15 scores below both); 20 is the milder change. Weighting
the semantic list (0.7 to 2) helped neither backend at these k.
"""

from dataclasses import dataclass

RRF_K = 20


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
