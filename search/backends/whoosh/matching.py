"""Which documents match a query, as a boolean mask, computed from posting lists.

Whoosh's matchers walk the postings one document at a time in Python; for the set
of all matches (facets, totals) reading each term's postings block by block and
combining them with numpy is several times faster. A phrase is checked from its
words' positions only where its words all stand and the rest of the query leaves the
document undecided, within the search's budget (``search.budget``); ranges fall back
to Whoosh's own matching.
"""

import bisect
import logging

import numpy as np
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from search.backends.whoosh.columns import FacetData
from search.budget import Budget

log = logging.getLogger(__name__)


def term_docs(reader, fieldname: str, text, cache: dict | None = None) -> np.ndarray:
    """Global document numbers containing one term."""
    return term_postings(reader, fieldname, text, cache)[0]


class Reading(dict):
    """What one search has read (postings, phrase verdicts), and its budget; ``shared``:
    the process's postings of this searcher (``postings_cache.PostingsCache``)."""

    def __init__(self, budget: Budget | None = None, shared=None):
        super().__init__()
        self.budget = budget or Budget.unlimited()
        self.shared = shared


def budget_of(cache) -> Budget:
    return getattr(cache, "budget", None) or Budget.unlimited()


def match_mask(
    searcher, query, data: FacetData, cache: dict | None = None, *, approximate: bool = False
) -> np.ndarray:
    """A boolean mask (over document numbers, live documents only) of the matches.
    ``cache`` keeps the postings read, for scoring the same query afterwards, and holds
    the search's budget (a ``Reading``).

    Posting lists give, for each part of the query, the documents it surely matches
    and those it may match (a phrase: those with all its words). Only the latter are
    decided one by one, in index order, reading word positions; when the budget
    cannot pay for the next one the rest are left out and the budget says it was cut.
    With ``approximate`` (ranking), a phrase that the budget cannot check everywhere
    counts where all its words are, and nothing is cut."""
    bounds = _Bounds(searcher, data, cache)
    sure, maybe = bounds.of(query)
    if maybe.any():
        phrases = PhraseChecker(searcher, data, cache)
        todo = np.flatnonzero(maybe)
        if approximate and not phrases.budget.affords(phrases.unpaid(query, todo)):
            return (sure | maybe) & data.live
        sure = sure.copy()
        for position, docnum in enumerate(todo.tolist()):
            try:
                sure[docnum] = bounds.decide(query, docnum, phrases)
            except OutOfUnits:
                phrases.budget.cut = True
                log.info(
                    "search budget spent: %d of %d undecided left", len(todo) - position, len(todo)
                )
                break
    return sure & data.live


class OutOfUnits(Exception):
    """The budget cannot pay for the next phrase check."""


class _Bounds:
    """(surely matched, maybe matched) masks of each part of a query."""

    def __init__(self, searcher, data: FacetData, cache):
        self.searcher, self.data, self.cache = searcher, data, cache
        self.reader = searcher.reader()
        self.parts: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def of(self, q) -> tuple[np.ndarray, np.ndarray]:
        key = id(q)
        if key not in self.parts:
            self.parts[key] = self._compute(q)
        return self.parts[key]

    def _none(self) -> np.ndarray:
        return np.zeros(self.data.size, dtype=bool)

    def _term(self, fieldname, text) -> np.ndarray:
        out = self._none()
        out[term_docs(self.reader, fieldname, text, self.cache)] = True
        return out

    def _compute(self, q):
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text), self._none()
        if isinstance(q, wq.Phrase):
            every = self.data.live.copy()
            for word in q.words:
                every &= self._term(q.fieldname, word)
            return self._none(), every
        if isinstance(q, wq.Or) and not isinstance(q, wq.DisjunctionMax):
            need = max(q.minmatch or 1, 1)
            sure = np.zeros(self.data.size, dtype=np.int16)
            can = np.zeros(self.data.size, dtype=np.int16)
            for sub in q.subqueries:
                s, m = self.of(sub)
                sure += s
                can += s | m
            sure = sure >= need
            return sure, (can >= need) & ~sure
        if isinstance(q, wq.And):
            sure, can = self.data.live.copy(), self.data.live.copy()
            for sub in q.subqueries:
                s, m = self.of(sub)
                sure &= s
                can &= s | m
            return sure, can & ~sure
        if isinstance(q, wq.Not):
            s, m = self.of(q.query)
            return self.data.live & ~(s | m), m
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return self._none(), self._none()
        # Ranges: Whoosh's own matching, once per query (ranking asks again).
        key = ("docs", repr(q))
        if self.cache is not None and key in self.cache:
            return self.cache[key], self._none()
        budget_of(self.cache).check_time()
        out = self._none()
        out[np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)] = True
        if self.cache is not None:
            self.cache[key] = out
        return out, self._none()

    def decide(self, q, docnum: int, phrases: "PhraseChecker") -> bool:
        sure, maybe = self.of(q)
        if sure[docnum]:
            return True
        if not maybe[docnum]:
            return False
        if isinstance(q, wq.Phrase):
            return phrases.matches(q, docnum)
        if isinstance(q, wq.Not):
            return not self.decide(q.query, docnum, phrases)
        if isinstance(q, wq.And):
            return all(self.decide(sub, docnum, phrases) for sub in q.subqueries)
        need = max(q.minmatch or 1, 1)
        found = 0
        for sub in q.subqueries:
            found += self.decide(sub, docnum, phrases)
            if found >= need:
                return True
        return False


def phrases_of(query):
    """The phrases inside a query."""
    if isinstance(query, wq.Phrase):
        yield query
    elif isinstance(query, wq.Not):
        yield from phrases_of(query.query)
    else:
        for sub in getattr(query, "subqueries", ()):
            yield from phrases_of(sub)


def _verdicts_key(phrase) -> tuple:
    return ("phrase", phrase.fieldname, tuple(phrase.words))


POSITION_COST = 2  # units of the budget per word's positions read in one document


class PhraseChecker:
    """Whether a phrase stands in a document, from its words' positions; verdicts are
    kept in the search's cache, and every positions read is paid from its budget."""

    def __init__(self, searcher, data: FacetData, cache):
        self.searcher, self.data = searcher, data
        self.cache = cache if cache is not None else {}
        self.budget = budget_of(cache)
        leaves = searcher.reader().leaf_readers()
        self.leaves = leaves
        self.offsets = [offset for _, offset in leaves]
        self.matchers: dict = {}
        self.checks = 0

    def unpaid(self, query, docnums: np.ndarray) -> int:
        """Units to decide these documents at most: each phrase of ``query`` read in every
        one whose verdict is not known yet."""
        cost = 0
        for phrase in phrases_of(query):
            known = self.cache.get(_verdicts_key(phrase), {})
            unknown = (
                len(docnums) - int(np.isin(docnums, list(known)).sum()) if known else len(docnums)
            )
            cost += unknown * len(phrase.words) * POSITION_COST
        return cost

    def matches(self, phrase, docnum: int) -> bool:
        key = _verdicts_key(phrase)
        verdicts = self.cache.get(key)
        if verdicts is None:
            verdicts = self.cache[key] = {}
        if docnum not in verdicts:
            verdicts[docnum] = self._check(phrase, docnum)
        return verdicts[docnum]

    def _check(self, phrase, docnum: int) -> bool:
        cost = len(phrase.words) * POSITION_COST
        if not self.budget.affords(cost):
            raise OutOfUnits
        self.checks += 1
        self.budget.spent += cost
        if self.checks % 256 == 0:
            self.budget.check_time()
        starts: set[int] | None = None
        for number, word in enumerate(phrase.words):
            positions = self._positions(phrase.fieldname, word, docnum)
            if not positions:
                return False
            shifted = {p - number for p in positions}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                return False
        return True

    def _positions(self, fieldname: str, word: str, docnum: int) -> list[int]:
        leaf_number = bisect.bisect_right(self.offsets, docnum) - 1
        leaf, offset = self.leaves[leaf_number]
        key = (leaf_number, fieldname, word)
        if key not in self.matchers:
            try:
                self.matchers[key] = leaf.postings(fieldname, word)
            except TermNotFound:
                self.matchers[key] = None
        matcher, local = self.matchers[key], docnum - offset
        # Documents are decided in increasing order: each matcher only moves forward.
        if matcher is None or not matcher.is_active():
            return []
        if matcher.id() < local:
            matcher.skip_to(local)
        if not matcher.is_active() or matcher.id() != local:
            return []
        return self.searcher.schema[fieldname].format.decode_positions(matcher.value())


# BM25 over the matched documents, in numpy: Whoosh scores one document at a time in
# Python, which costs tens of milliseconds for a word expanded to all its forms.
K1, B = 1.2, 0.75


def term_postings(reader, fieldname: str, text, cache=None) -> tuple[np.ndarray, np.ndarray]:
    if cache is not None:
        key = (fieldname, text)
        if key not in cache:
            shared = getattr(cache, "shared", None)
            found = shared.get(key) if shared is not None else None
            if found is None:
                found = term_postings(reader, fieldname, text)
                if shared is not None:
                    shared.put(key, found)
            cache[key] = found
            budget_of(cache).charge(len(found[0]))  # one unit a posting, cached or not
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
        # Ties at the cut go to the lower docnums, as in the order below: otherwise one
        # page and the next could each take a different one of them (one shown twice,
        # one never), and a page would not be a slice of the whole order (an export's).
        cut = np.partition(-values, limit - 1)[limit - 1]
        better = np.flatnonzero(-values < cut)
        tied = np.flatnonzero(-values == cut)[: limit - len(better)]
        keep = np.concatenate([better, tied])
        docs, values = docs[keep], values[keep]
    order = np.lexsort((docs, -values))
    return [(int(docs[i]), float(values[i])) for i in order]
