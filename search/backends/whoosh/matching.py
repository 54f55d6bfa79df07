"""Which documents match a query, as a boolean mask, computed from posting lists.

Whoosh's matchers walk the postings one document at a time in Python; for the set
of all matches (facets, totals) reading each term's postings block by block and
combining them with numpy is several times faster. A phrase is checked from its
words' positions (read in bulk, ``positions``) only where its words all stand and the
rest of the query leaves the document undecided, within the search's budget
(``search.budget``); ranges fall back to Whoosh's own matching.
"""

import logging

import numpy as np
from whoosh import query as wq

from search.backends.whoosh.columns import FacetData
from search.backends.whoosh.positions import leaf_blocks, phrase_found
from search.backends.whoosh.postings import Decoded
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
    decided, from the positions of the phrases' words read in bulk, in index order as
    far as the budget pays; when it cannot pay for all of them the rest are left out
    and the budget says it was cut. With ``approximate`` (ranking), a phrase that the
    budget cannot check everywhere counts where all its words are, and nothing is cut."""
    bounds = _Bounds(searcher, data, cache)
    sure, maybe = bounds.of(query)
    if not maybe.any():
        return sure & data.live
    phrases = PhraseChecker(searcher, data, cache)
    todo = np.flatnonzero(maybe)
    costs = phrases.costs(query, todo, bounds)
    if approximate and not phrases.budget.affords(int(costs.sum())):
        return (sure | maybe) & data.live
    todo = phrases.affordable(todo, costs)
    undecided = np.zeros(data.size, dtype=bool)
    undecided[todo] = True
    for phrase in _unique_phrases(query):
        phrases.check(phrase, undecided & bounds.of(phrase)[1])
    return (sure | (undecided & bounds.exact(query, phrases))) & data.live


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
            if need == 1:
                return self._any(q.subqueries)
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

    def _any(self, subqueries) -> tuple[np.ndarray, np.ndarray]:
        """(surely, maybe) of an OR needing one of its parts: the terms' postings set in
        one mask (a word's forms in every field are many terms), the other parts ORed."""
        sure, maybe = self._none(), self._none()
        for sub in subqueries:
            if isinstance(sub, wq.Term):
                sure[term_docs(self.reader, sub.fieldname, sub.text, self.cache)] = True
            else:
                s, m = self.of(sub)
                sure |= s
                maybe |= m
        return sure, maybe & ~sure

    def exact(self, q, phrases: "PhraseChecker") -> np.ndarray:
        """The documents ``q`` matches, right wherever its phrases were checked."""
        sure, maybe = self.of(q)
        if not maybe.any():
            return sure
        if isinstance(q, wq.Phrase):
            return phrases.found(q)
        if isinstance(q, wq.Not):
            return self.data.live & ~self.exact(q.query, phrases)
        if isinstance(q, wq.And):
            out = self.data.live.copy()
            for sub in q.subqueries:
                out &= self.exact(sub, phrases)
            return out
        need = max(q.minmatch or 1, 1)
        count = np.zeros(self.data.size, dtype=np.int16)
        for sub in q.subqueries:
            count += self.exact(sub, phrases)
        return count >= need


def phrases_of(query):
    """The phrases inside a query."""
    if isinstance(query, wq.Phrase):
        yield query
    elif isinstance(query, wq.Not):
        yield from phrases_of(query.query)
    else:
        for sub in getattr(query, "subqueries", ()):
            yield from phrases_of(sub)


def _unique_phrases(query) -> list:
    unique = {}
    for phrase in phrases_of(query):
        unique.setdefault(_verdicts_key(phrase), phrase)
    return list(unique.values())


def _verdicts_key(phrase) -> tuple:
    return ("phrase", phrase.fieldname, tuple(phrase.words))


POSITION_COST = 2  # units of the budget per word's positions read in one document
# A word in at most this many documents has its decoded blocks kept by the process
# when a search first reads it (for the phrases that need its positions).
KEPT_BLOCKS_MAX = 50_000


class PhraseChecker:
    """Whether phrases stand in documents, from their words' positions read in bulk
    (``positions``); verdicts are kept in the search's cache, and every document
    checked is paid from its budget."""

    def __init__(self, searcher, data: FacetData, cache):
        self.reader, self.data = searcher.reader(), data
        self.cache = cache if cache is not None else {}
        self.budget = budget_of(cache)

    def _verdicts(self, phrase) -> tuple[np.ndarray, np.ndarray]:
        """(checked, found) masks of this phrase."""
        key = _verdicts_key(phrase)
        if key not in self.cache:
            none = np.zeros(self.data.size, dtype=bool)
            self.cache[key] = (none, none.copy())
        return self.cache[key]

    def costs(self, query, docnums: np.ndarray, bounds: _Bounds) -> np.ndarray:
        """Units to decide each of these documents: every phrase of ``query`` that may
        stand in it and was not checked there yet, read word by word."""
        costs = np.zeros(len(docnums), dtype=np.int64)
        for phrase in _unique_phrases(query):
            checked, _found = self._verdicts(phrase)
            unknown = bounds.of(phrase)[1][docnums] & ~checked[docnums]
            costs += unknown * (len(phrase.words) * POSITION_COST)
        return costs

    def affordable(self, docnums: np.ndarray, costs: np.ndarray) -> np.ndarray:
        """The first of ``docnums`` (in index order) that the budget can pay for."""
        if self.budget.affords(int(costs.sum())):
            return docnums
        left = self.budget.units - self.budget.spent if self.budget.affords(0) else -1
        keep = int(np.searchsorted(np.cumsum(costs), left, side="right"))
        self.budget.cut = True
        log.info("search budget spent: %d of %d undecided left", len(docnums) - keep, len(docnums))
        return docnums[:keep]

    def check(self, phrase, wanted: np.ndarray) -> None:
        """Decide the phrase in the ``wanted`` documents not checked yet."""
        checked, found = self._verdicts(phrase)
        docs = np.flatnonzero(wanted & ~checked)
        if not len(docs):
            return
        self.budget.spent += len(docs) * len(phrase.words) * POSITION_COST
        words, fieldname = list(phrase.words), phrase.fieldname

        def blocks(leaf_number: int, word):
            read = self._blocks(fieldname, word)
            return None if read is None else read[leaf_number]

        found[docs] = phrase_found(self.reader, fieldname, words, docs, blocks)
        checked[docs] = True
        self.budget.check_time()

    def found(self, phrase) -> np.ndarray:
        return self._verdicts(phrase)[1]

    def _blocks(self, fieldname: str, word) -> list[list[Decoded]] | None:
        """A phrase word's decoded posting blocks in every segment, as this search's match
        or an earlier search of this process read them (``term_postings``: their positions
        unpickled once, where a phrase first needed them); None when neither has them
        (``phrase_found`` then reads the blocks its candidates need)."""
        key = _blocks_key(fieldname, word)
        read = self.cache.get(key)
        shared = getattr(self.cache, "shared", None)
        if read is None and shared is not None:
            read = shared.get(key)
            if read is not None:
                self.cache[key] = read
        return read


# BM25 over the matched documents, in numpy: Whoosh scores one document at a time in
# Python, which costs tens of milliseconds for a word expanded to all its forms.
K1, B = 1.2, 0.75


def term_postings(reader, fieldname: str, text, cache=None) -> tuple[np.ndarray, np.ndarray]:
    """(global document numbers, weights) of one term. With a search's ``cache``, its
    decoded blocks are kept too, per segment, for the phrases that need its positions."""
    if cache is not None:
        key = (fieldname, text)
        if key not in cache:
            shared = getattr(cache, "shared", None)
            found = shared.get(key) if shared is not None else None
            if found is None:  # read (its blocks kept for the phrase test) and share it
                blocks = [leaf_blocks(leaf, fieldname, text) for leaf, _ in reader.leaf_readers()]
                cache[_blocks_key(fieldname, text)] = blocks
                found = _concatenated(reader, blocks)
                if shared is not None:
                    shared.put(key, found)
                    if len(found[0]) <= KEPT_BLOCKS_MAX:  # for phrases, read now anyway
                        shared.keep_blocks(_blocks_key(fieldname, text), blocks)
            cache[key] = found
            budget_of(cache).charge(len(found[0]))  # one unit a posting, cached or not
        return cache[key]
    blocks = [leaf_blocks(leaf, fieldname, text) for leaf, _ in reader.leaf_readers()]
    return _concatenated(reader, blocks)


def _blocks_key(fieldname: str, text) -> tuple:
    return ("blocks", fieldname, text)


def _concatenated(reader, blocks: list[list[Decoded]]) -> tuple[np.ndarray, np.ndarray]:
    docs, weights = [], []
    for (_leaf, offset), leaf_blocks_ in zip(reader.leaf_readers(), blocks, strict=True):
        for block in leaf_blocks_:
            docs.append(block.ids + offset)
            weights.append(block.weights)
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(docs), np.concatenate(weights)


class Bm25:
    """BM25 of one term's postings over one searcher (what ``score_array`` adds up)."""

    def __init__(self, searcher, data: FacetData):
        reader = searcher.reader()
        self.total_docs = max(reader.doc_count(), 1)
        self.lengths = {"title": data.columns.title_length, "body": data.columns.body_length}
        self.average = {
            name: max(float(reader.field_length(name)) / self.total_docs, 1.0)
            for name in self.lengths
        }
        self.boosts = {name: searcher.schema[name].format.field_boost for name in self.lengths}

    def idf(self, frequency: int) -> float:
        return np.log(1 + (self.total_docs - frequency + 0.5) / (frequency + 0.5))

    def scores(self, fieldname: str, docs: np.ndarray, tf: np.ndarray, frequency: int):
        """The score of each posting (``docs``, ``tf``) of a term in ``frequency`` documents."""
        length = self.lengths.get(fieldname)
        norm = 1.0 if length is None else 1 - B + B * length[docs] / self.average[fieldname]
        boost = self.boosts.get(fieldname, 1.0)
        return boost * self.idf(frequency) * tf * (K1 + 1) / (tf + K1 * norm)

    def bound(self, fieldname: str, frequency: int) -> float:
        """Above any document's score for the term (tf/(tf + K1 norm) stays below 1); below
        it when the term is in more documents than the index has live (idf < 0)."""
        return float(self.boosts.get(fieldname, 1.0) * self.idf(frequency) * (K1 + 1))


def score_array(searcher, query, data: FacetData, cache: dict | None = None) -> np.ndarray:
    """A BM25 score per document (0 where nothing positive matched)."""
    reader = searcher.reader()
    bm25 = Bm25(searcher, data)

    def term(fieldname, text) -> np.ndarray:
        out = np.zeros(data.size, dtype=np.float32)
        docs, tf = term_postings(reader, fieldname, text, cache)
        if len(docs):
            out[docs] = bm25.scores(fieldname, docs, tf, len(docs))
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


def top_scored(scores: np.ndarray, docs: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best of ``docs`` (the allowed documents, ascending: a search finds
    them once for every use), best first (ties: lower docnum first)."""
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
