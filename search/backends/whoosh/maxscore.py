"""The best few documents for weighted words, most common words' postings left unread.

More like this ranks documents by BM25 over an article's key words (``score_array``
over an OR of them). At ten times the archive, reading every posting of every key
word was most of its time: an earnings report's key words include ``mln``, ``cts`` or
``vs``, which stand in a large part of the archive. Here (MaxScore, after Turtle and
Flood) a word's part of any document's score is known to stay below a bound
(``Bm25.bound``). The words are read rarest first; as soon as the bounds of the words
not read yet add up to less than the score of the ``limit``-th best document so far, no
document without one of the words read can reach the best: those read so far are the
candidates. The words left are read only in the posting blocks that hold a candidate
still able to reach the best, and candidates are dropped as the bounds shrink. The
final candidates' scores are added up as ``score_array`` adds them (same order, same
precision), so the best documents and their scores are the same.

A question's feedback words (``ranking.Scorer.best_scores``) go through the same
``best_candidates``: there every hit of the question is a candidate from the start,
with its score from the question's own words, and the feedback words are the parts.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh.reading import TermNotFound

from search.backends.whoosh.columns import FacetData
from search.backends.whoosh.matching import Bm25, budget_of, term_postings
from search.backends.whoosh.postings import (
    ascending_union,
    ascending_unique,
    block_table,
    blocks_among,
    is_blocked,
    read_block,
    unwrap,
)

# Bounds and scores are added in different orders and precisions: keep a document
# whose bound comes within this share of the threshold.
_MARGIN = 1e-4

Postings = tuple[np.ndarray, np.ndarray]  # (global document numbers ascending, weights)


@dataclass
class Part:
    """One addend of a score (a word, a concept), between ``least`` and ``most`` in any
    document; ``read(None)`` gives its (documents ascending, scores) everywhere,
    ``read(candidates)`` at least in the posting blocks that may hold a candidate."""

    key: object
    frequency: int  # parts in fewer documents are read whole first
    most: float
    least: float
    read: Callable[[np.ndarray | None], Postings]


def bounded(key, frequency: int, bound: float, read) -> Part:
    """A part whose score in any document lies between 0 and ``bound`` (either side)."""
    return Part(key, frequency, max(bound, 0.0), min(bound, 0.0), read)


def best_candidates(
    parts: list[Part], *, allowed: np.ndarray, limit: int, start=None
) -> tuple[np.ndarray, dict]:
    """The documents that may be among the ``limit`` best ``allowed`` ones by the sum of
    ``parts`` (plus ``start``: (documents ascending, a score each) known already), and
    what was read of each part: {key: (documents, scores)}. A document left out scores
    below the ``limit``-th best, whatever the parts it was not read for."""
    empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    candidates, partial = start if start is not None else empty
    pending = sorted(parts, key=lambda p: (p.frequency, str(p.key)))
    left = sum(p.most for p in parts)  # of the parts not read yet: at most ..
    below = sum(p.least for p in parts)  # .. and at least this
    read: dict = {}
    while pending and left >= _lowest(_kth(partial + below, limit)):
        part = pending.pop(0)
        docs, scores = read[part.key] = part.read(None)
        keep = allowed[docs]
        candidates, partial = _merged(candidates, partial, docs[keep], scores[keep])
        left, below = left - part.most, below - part.least
    for part in pending:  # the common parts: only where a candidate may still reach the best
        alive = partial + left >= _lowest(_kth(partial + below, limit))
        candidates, partial = candidates[alive], partial[alive]
        docs, scores = read[part.key] = part.read(candidates)
        where, at = found_in(docs, candidates)
        partial[where] += scores[at]
        left, below = left - part.most, below - part.least
    return candidates[partial >= _lowest(_kth(partial, limit))], read


def added_up(candidates: np.ndarray, parts: list[Part], read: dict, scores: np.ndarray):
    """``scores`` (one per candidate, float32) plus each part's, in the parts' order: the
    sums that adding whole arrays part by part gives, to the last bit."""
    for part in parts:
        docs, part_scores = read[part.key]
        where, at = found_in(docs, candidates)
        scores[where] += part_scores[at]
    return scores


def best_of_words(
    searcher, data: FacetData, fieldname: str, words, *, allowed: np.ndarray, limit: int, reading
) -> list[tuple[int, float]]:
    """The ``limit`` best ``allowed`` documents for ``words`` ((word, boost) pairs) in
    ``fieldname`` by BM25, best first (ties: lower document number first), with their
    scores: what ``top_scored(score_array(OR of the words))`` gives."""
    reader, bm25 = searcher.reader(), Bm25(searcher, data)

    def part(text, boost: float, frequency: int) -> Part:
        def read(candidates):
            if candidates is None:
                docs, tf = term_postings(reader, fieldname, text, reading)
            else:
                docs, tf = postings_among(reader, fieldname, text, candidates, reading)
            scores = np.asarray(bm25.scores(fieldname, docs, tf, frequency), dtype=np.float32)
            return docs, scores * boost if boost != 1 else scores

        return bounded(text, frequency, boost * bm25.bound(fieldname, frequency), read)

    parts = []
    for text, boost in words:
        frequency = reader.doc_frequency(fieldname, text)
        if frequency:
            parts.append(part(text, boost, frequency))
    if not parts or limit <= 0:
        return []
    candidates, read = best_candidates(parts, allowed=allowed, limit=limit)
    # in the words' order, in float32, as ``score_array`` adds them
    scores = added_up(candidates, parts, read, np.zeros(len(candidates), dtype=np.float32))
    candidates, scores = candidates[scores > 0], scores[scores > 0]
    order = np.lexsort((candidates, -scores))[:limit]
    return [(int(candidates[i]), float(scores[i])) for i in order]


def _lowest(threshold: float) -> float:
    """The least bound that may still reach ``threshold`` (a score may pass it only
    when some document has reached it; before that, everything may)."""
    return threshold * (1 - _MARGIN) if threshold > 0 else -np.inf


def _kth(partial: np.ndarray, limit: int) -> float:
    """The ``limit``-th best score so far (0 while fewer documents have one)."""
    if len(partial) < limit:
        return 0.0
    return float(np.partition(partial, len(partial) - limit)[len(partial) - limit])


def _merged(candidates, partial, docs, scores) -> tuple[np.ndarray, np.ndarray]:
    together = ascending_union(candidates, docs)
    summed = np.zeros(len(together), dtype=np.float64)
    summed[np.searchsorted(together, candidates)] = partial
    summed[np.searchsorted(together, docs)] += scores
    return together, summed


def found_in(docs: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(indexes into ``candidates`` found in ``docs``, where in ``docs`` they are); both
    ascending."""
    if not len(docs):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    at = np.minimum(np.searchsorted(docs, candidates), len(docs) - 1)
    where = np.flatnonzero(docs[at] == candidates)
    return where, at[where]


def postings_among(reader, fieldname: str, text, candidates: np.ndarray, reading) -> Postings:
    """A word's postings in the blocks that may hold a candidate (all of them when
    this search or the process has read them already). The budget is charged for what
    this search has not read before, as ``term_postings`` charges it."""
    key = (fieldname, text)
    known = reading.get(key)
    if known is not None:  # read by this search, which paid for it then
        return known
    shared = getattr(reading, "shared", None)
    known = shared.get(key) if shared is not None else None
    if known is not None:  # paid for once, like a list term_postings reads
        reading[key] = known
        budget_of(reading).charge(len(known[0]))
        return known
    docs, weights = [], []
    for number, (leaf, offset) in enumerate(reader.leaf_readers()):
        lo, hi = np.searchsorted(candidates, [offset, offset + leaf.doc_count_all()])
        if lo < hi:
            where = (fieldname, text, number)
            for ids, found in _leaf_among(leaf, where, candidates[lo:hi] - offset, shared):
                docs.append(ids + offset)
                weights.append(found)
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    found = np.concatenate(docs), np.concatenate(weights)
    budget_of(reading).charge(len(found[0]))
    return found


def _leaf_among(leaf, where: tuple, docs: np.ndarray, shared) -> list[Postings]:
    """A word's postings in a segment's blocks that may hold one of ``docs``. The
    process keeps where its blocks lie and the blocks read (``shared``): a word read
    again near other candidates decodes only the blocks not read before."""
    fieldname, text, _number = where
    table = shared.get(("table", *where)) if shared is not None else None
    matcher = raw = None  # the postings' bytes, when read here for the table
    if table is None:
        try:
            matcher = unwrap(leaf.postings(fieldname, text))
        except TermNotFound:
            return []
        if not is_blocked(matcher) or shared is None:
            return [(b.ids, b.weights) for b in blocks_among(matcher, docs)]
        lasts, spans, raw = block_table(matcher)
        table = lasts, spans
        shared.put(("table", *where), table)
    lasts, spans = table
    wanted = ascending_unique(np.searchsorted(lasts, docs))
    out = []
    for block in wanted[wanted < len(lasts)].tolist():
        found = shared.get(("block", *where, block))
        if found is None:
            matcher = matcher or unwrap(leaf.postings(fieldname, text))
            decoded = read_block(matcher, spans[block], raw)
            found = decoded.ids, decoded.weights
            shared.put(("block", *where, block), found)
        out.append(found)
    return out
