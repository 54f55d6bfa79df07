"""Which documents match a query, as a boolean mask, computed from posting lists.

Whoosh's matchers walk the postings one document at a time in Python; for the set
of all matches (facets, totals) reading each term's postings block by block and
combining them with numpy is several times faster. Queries this module does not
know (phrases, ranges) fall back to Whoosh's own matching.
"""

import numpy as np
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from search.backends.whoosh.columns import FacetData


def term_docs(reader, fieldname: str, text, cache: dict | None = None) -> np.ndarray:
    """Global document numbers containing one term."""
    return term_postings(reader, fieldname, text, cache)[0]


def match_mask(searcher, query, data: FacetData, cache: dict | None = None) -> np.ndarray:
    """A boolean mask (over document numbers, live documents only) of the matches.
    ``cache`` keeps the postings read, for scoring the same query afterwards."""
    reader = searcher.reader()

    def mask(q) -> np.ndarray:
        if isinstance(q, wq.Term):
            out = np.zeros(data.size, dtype=bool)
            out[term_docs(reader, q.fieldname, q.text, cache)] = True
            return out
        if isinstance(q, wq.Or) and not isinstance(q, wq.DisjunctionMax):
            if q.minmatch and q.minmatch > 1:
                counts = np.zeros(data.size, dtype=np.int16)
                for sub in q.subqueries:
                    counts += mask(sub)
                return counts >= q.minmatch
            out = np.zeros(data.size, dtype=bool)
            for sub in q.subqueries:
                out |= mask(sub)
            return out
        if isinstance(q, wq.And):
            out = data.live.copy()
            for sub in q.subqueries:
                out &= mask(sub)
            return out
        if isinstance(q, wq.Not):
            return data.live & ~mask(q.query)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return np.zeros(data.size, dtype=bool)
        # Phrases and ranges: Whoosh's own matching, once per query (ranking asks again).
        key = ("docs", repr(q))
        if cache is not None and key in cache:
            return cache[key].copy()
        docs = np.fromiter(searcher.docs_for_query(q), dtype=np.int64)
        out = np.zeros(data.size, dtype=bool)
        out[docs] = True
        if cache is not None:
            cache[key] = out.copy()
        return out

    return mask(query) & data.live


# BM25 over the matched documents, in numpy: Whoosh scores one document at a time in
# Python, which costs tens of milliseconds for a word expanded to all its forms.
K1, B = 1.2, 0.75


def term_postings(reader, fieldname: str, text, cache=None) -> tuple[np.ndarray, np.ndarray]:
    if cache is not None:
        key = (fieldname, text)
        if key not in cache:
            cache[key] = term_postings(reader, fieldname, text)
        return cache[key]
    docs, weights = [], []
    for leaf, offset in reader.leaf_readers():
        try:
            matcher = leaf.postings(fieldname, text)
        except TermNotFound:
            continue
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        if not hasattr(matcher, "_read_weights"):
            found = list(matcher.items_as("weight"))
            docs.append(np.array([d for d, _ in found], dtype=np.int64) + offset)
            weights.append(np.array([w for _, w in found], dtype=np.float32))
            continue
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            start = matcher._i
            docs.append(np.asarray(matcher._ids[start:], dtype=np.int64) + offset)
            weights.append(np.asarray(matcher._weights[start:], dtype=np.float32))
            matcher._next_block()
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(docs), np.concatenate(weights)


def score_array(searcher, query, data: FacetData, cache: dict | None = None) -> np.ndarray:
    """A BM25 score per document (0 where nothing positive matched)."""
    reader = searcher.reader()
    total_docs = max(reader.doc_count(), 1)
    lengths = {"title": data.columns.title_length, "body": data.columns.body_length}
    average = {name: max(float(reader.field_length(name)) / total_docs, 1.0) for name in lengths}
    boosts = {name: searcher.schema[name].format.field_boost for name in lengths}

    def term(fieldname, text) -> np.ndarray:
        out = np.zeros(data.size, dtype=np.float32)
        docs, tf = term_postings(reader, fieldname, text, cache)
        if not len(docs):
            return out
        idf = np.log(1 + (total_docs - len(docs) + 0.5) / (len(docs) + 0.5))
        length = lengths.get(fieldname)
        norm = 1.0 if length is None else 1 - B + B * length[docs] / average[fieldname]
        out[docs] = boosts.get(fieldname, 1.0) * idf * tf * (K1 + 1) / (tf + K1 * norm)
        return out

    def score(q) -> np.ndarray:
        if isinstance(q, wq.Term):
            scored = term(q.fieldname, q.text)
            return scored * q.boost if q.boost != 1 else scored
        if isinstance(q, wq.Phrase):
            return sum((term(q.fieldname, w) for w in q.words), np.zeros(data.size, np.float32))
        if isinstance(q, wq.And | wq.Or):
            out = np.zeros(data.size, dtype=np.float32)
            for sub in q.subqueries:
                out += score(sub)
            return out
        return np.zeros(data.size, dtype=np.float32)

    return score(query)


def top_scored(scores: np.ndarray, allowed: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best allowed documents, best first (ties: lower docnum first)."""
    docs = np.flatnonzero(allowed)
    if not len(docs) or limit <= 0:
        return []
    values = scores[docs]
    if len(docs) > limit:
        keep = np.argpartition(-values, limit - 1)[:limit]
        docs, values = docs[keep], values[keep]
    order = np.lexsort((docs, -values))
    return [(int(docs[i]), float(values[i])) for i in order]
