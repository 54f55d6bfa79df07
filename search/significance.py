"""Significant terms: the words that set a result set apart from the whole archive.

Each word's document frequency in the result (or an even sample of it: a backend's
``term_counts``) is compared with its frequency in the rest of the archive by
Dunning's log-likelihood ratio (G², a 2×2 table of documents with and without the word,
inside and outside the result). Only over-represented words count, and only when the
difference is unlikely to be chance (G² of at least MIN_SCORE); stop words, numbers and
one-letter words are left out; forms of one stem (``quota``, ``quotas``) are shown once,
as the form that scores best.
"""

import math
from dataclasses import dataclass

from search.analysis import STOP_WORDS, normalize_word
from search.backends.base import TermCounts

MIN_DOCUMENTS = 3  # a word must be in at least this many of the documents read (as Elasticsearch)
# G² of a difference chance would make once in twenty times (χ², one degree of freedom):
# below it, a word does not set the result apart, however it ranks.
MIN_SCORE = 3.84
# Reporting verbs and units of wire copy are not stop words of the query language but
# say nothing about a subject; they go too.
_EXTRA = "also said says say told would could may might one two new"
EXTRA_STOP_WORDS = frozenset(_EXTRA.split(" "))


@dataclass(frozen=True)
class SignificantTerm:
    word: str  # a surface form (folded, as indexed)
    score: float  # G²: the larger, the less likely the difference is chance
    count: int  # documents read that have it
    share: float  # of the documents read
    archive_count: int  # documents of the archive that have it
    archive_share: float  # of the archive


@dataclass(frozen=True)
class SignificantTerms:
    terms: list[SignificantTerm]
    matched: int  # documents the search matches
    read: int  # documents whose words were counted
    documents: int  # documents in the archive

    @property
    def sampled(self) -> bool:
        return self.read < self.matched


def log_likelihood(a: float, b: float, c: float, d: float) -> float:
    """G² of the 2×2 table [[a, b], [c, d]] (rows: inside, outside the result;
    columns: with, without the word)."""
    total = a + b + c + d
    if total <= 0:
        return 0.0
    g = 0.0
    for observed, row, column in (
        (a, a + b, a + c),
        (b, a + b, b + d),
        (c, c + d, a + c),
        (d, c + d, b + d),
    ):
        expected = row * column / total
        if observed > 0 and expected > 0:
            g += observed * math.log(observed / expected)
    return 2 * g


def _wanted(word: str) -> bool:
    return (
        len(word) > 1 and word.isalpha() and word not in STOP_WORDS and word not in EXTRA_STOP_WORDS
    )


def significant_terms(counts: TermCounts, *, limit: int = 20) -> SignificantTerms:
    """The ``limit`` most significant over-represented words of ``counts``."""
    read, matched, documents = counts.read, counts.matched, counts.documents
    scale = matched / read if read else 0.0  # a sample's counts stand for the whole result
    best: dict[str, SignificantTerm] = {}
    for word, (count, archive) in counts.words.items():
        if count < MIN_DOCUMENTS or not _wanted(word):
            continue
        inside = count * scale
        outside = max(archive - inside, 0.0)
        rest = max(documents - matched, 0)
        if rest and inside / matched <= outside / rest:
            continue  # not over-represented
        score = log_likelihood(inside, matched - inside, outside, max(rest - outside, 0.0))
        if score < MIN_SCORE:
            continue
        term = SignificantTerm(
            word,
            round(score, 2),
            count,
            round(count / read, 4),
            archive,
            round(archive / documents, 4) if documents else 0.0,
        )
        stem = normalize_word(word)[1]
        kept = best.get(stem)
        if kept is None or (term.score, term.word) > (kept.score, kept.word):
            best[stem] = term
    ranked = sorted(best.values(), key=lambda t: (-t.score, t.word))
    return SignificantTerms(ranked[:limit], matched, read, documents)
