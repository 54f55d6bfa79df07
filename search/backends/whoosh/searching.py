"""Answering requests on a Whoosh index: match with Whoosh, filter and count with
numpy arrays (``columns``), score only the page, highlight only the page."""

from dataclasses import dataclass, field, replace

import numpy as np

from search.backends.base import BackendHit, BackendQuery, BackendResult, Texts
from search.backends.whoosh import counting
from search.backends.whoosh.columns import FacetData
from search.backends.whoosh.highlight import (
    KeptSpans,
    highlight_body,
    highlight_title,
    word_spans,
)
from search.backends.whoosh.matching import Reading, budget_of, match_mask, top_scored
from search.backends.whoosh.ranking import (
    FEEDBACK_DOCS,
    PROXIMITY_DOCS,
    PROXIMITY_MAX_CONCEPTS,
    Scorer,
    feedback_words,
    proximity_bonus,
    with_feedback,
)
from search.backends.whoosh.translate import BestPlan, Translation
from search.corrections import SUGGEST_BELOW, did_you_mean
from search.nodes import ParsedQuery
from search.question import best_match, best_notice, dropped_note, read, split_dates
from search.synonyms import expand_synonyms
from search.types import Explanation, Highlights, SearchTooCostly


@dataclass
class Understood:
    """A query as this index reads it."""

    query: object  # the Whoosh query, None when nothing is left to search
    matched: np.ndarray  # the documents it matches (before filters)
    shown: str  # how it reads
    parsed: ParsedQuery
    translation: Translation
    dates: list
    dropped: int = 0  # words of a long question left out


def _understand(
    searcher, data: FacetData, text: str, backend_stems, synonyms, cache=None
) -> Understood:
    parsed = read(text)
    node, dates = split_dates(parsed.node)
    translation = Translation(searcher.reader(), backend_stems(searcher), budget=budget_of(cache))
    dropped = 0
    if node is not None:
        node = expand_synonyms(node, synonyms)
        scorer = Scorer(searcher, data, cache)

        def doc_frequency(word) -> int:
            probe = Translation(searcher.reader(), backend_stems(searcher))
            probe.translate(word)
            return scorer.doc_frequency(probe.concepts[-1]) if probe.concepts else 0

        node, dropped = best_match(node, doc_frequency)
    query, shown = (None, "") if node is None else translation.translate(node)
    matched = data.live.copy() if query is None else match_mask(searcher, query, data, cache)
    shown = " AND ".join([s for s in [shown, *(str(d) for d in dates)] if s])
    return Understood(query, matched, shown, parsed, translation, dates, dropped)


def _best_matches(searcher, data, plan: BestPlan, cache, allowed) -> tuple[np.ndarray, int]:
    """The question's hits among ``allowed``: those with at least ``need`` of its words,
    or with the most any allowed article has when none has that many; and that most."""
    counts = np.zeros(data.size, dtype=np.int16)
    for query in plan.should:
        counts += match_mask(searcher, query, data, cache)
    base = allowed.copy()
    for query in plan.rest:
        base &= match_mask(searcher, query, data, cache)
    most = int(counts[base].max()) if base.any() else 0
    need = max(1, min(plan.node.need, most))
    return base & (counts >= need), most


@dataclass
class _Lexicon:
    """This index's words, for 'did you mean' (``search.corrections``)."""

    reader: object

    def known(self, words: list[str]) -> set[str]:
        frequency = self.reader.doc_frequency
        return {w for w in words if frequency("body", w) or frequency("title", w)}

    def nearest(self, word: str, distance: int, prefix: int) -> str | None:
        reader = self.reader
        candidates = list(reader.terms_within("body", word, distance, prefix=prefix))
        if not candidates:
            return None
        best = max(candidates, key=lambda t: reader.doc_frequency("body", t))
        return best.decode() if isinstance(best, bytes) else best


def _suggestion(
    searcher, data, query: BackendQuery, translation, groups, stems, postings
) -> str | None:
    """A spelling correction from the index's own words, only when it finds hits."""

    def finds(corrected: str) -> bool:
        understood = _understand(searcher, data, corrected, stems, query.synonyms, postings)
        return understood.query is not None and bool(
            counting.filtered(understood.matched, groups).any()
        )

    words = translation.words
    return did_you_mean(query.request.q, words, _Lexicon(searcher.reader()), finds)


@dataclass
class Ranking:
    scores: np.ndarray
    concepts: list  # what the scores add up, the question's own first
    own: int  # how many of ``concepts`` the query itself has (the rest: feedback)
    scorer: Scorer
    nearness: dict = field(default_factory=dict)  # docnum -> bonus for words close together

    def explain(self, docnums: list[int]) -> list[Explanation]:
        return self.scorer.explain(self.concepts, docnums, self.own, self.nearness)


def _ranking(
    searcher,
    data,
    translation,
    allowed,
    postings,
    forms_of,
    texts: Texts,
    *,
    best: int | None = None,
    allowed_docs: np.ndarray | None = None,
    spans_of=word_spans,
) -> Ranking:
    """Scores of every document: BM25F; for a question a second pass with the words
    its first hits share (RM3); then a bonus for query words close together. With
    ``best``, only the scores that may put a document among the ``best`` first are
    exact (the others stay below them). ``allowed_docs``: the numbers of the
    ``allowed`` documents, when the caller has them; ``spans_of``: ``word_spans`` or
    the search's ``KeptSpans``."""
    allowed_docs = np.flatnonzero(allowed) if allowed_docs is None else allowed_docs
    scorer = Scorer(searcher, data, postings)
    concepts = translation.concepts
    scores = scorer.scores(concepts)
    ranking = Ranking(scores, concepts, len(concepts), scorer)
    if translation.best:
        first = dict(top_scored(scores, allowed_docs, FEEDBACK_DOCS))
        read = _texts(data, list(first), texts)
        model = feedback_words(list(read.values()), [first[d] for d in read])
        ranking.concepts = with_feedback(concepts, model, forms_of)
        if best is None:
            ranking.scores = scorer.scores(ranking.concepts)
        else:  # the proximity bonus below goes to the best few: they must be exact too
            limit = max(best, PROXIMITY_DOCS)
            ranking.scores = scorer.best_scores(ranking.concepts, allowed, limit, allowed_docs)
    own = ranking.concepts[: ranking.own]
    if not 2 <= len(own) <= PROXIMITY_MAX_CONCEPTS:
        return ranking
    best = top_scored(ranking.scores, allowed_docs, PROXIMITY_DOCS)
    read = _parts(data, [docnum for docnum, _ in best], texts)
    idfs = [scorer.concept_part(c).idf for c in own]
    bonuses = proximity_bonus(list(read.values()), own, idfs, spans_of)
    for docnum, bonus in zip(read, bonuses, strict=True):
        ranking.scores[docnum] += bonus
        ranking.nearness[docnum] = bonus
    return ranking


def _texts(data, docnums: list[int], texts: Texts) -> dict[int, str]:
    """{docnum: title and text} of these documents, in their order."""
    return {docnum: "\n".join(parts) for docnum, parts in _parts(data, docnums, texts).items()}


def _parts(data, docnums: list[int], texts: Texts) -> dict[int, tuple[str, str]]:
    """{docnum: (title, text)} of these documents, in their order."""
    ids = {int(data.columns.ids[docnum]): docnum for docnum in docnums}
    found = texts(list(ids))
    return {ids[i]: found[i] for i in ids if i in found}


def _highlights(
    ids: list[int], terms: set[str], texts: Texts, spans_of=word_spans
) -> dict[int, Highlights]:
    return {
        article_id: Highlights(
            highlight_title(title, terms, spans_of), highlight_body(body, terms, spans_of)
        )
        for article_id, (title, body) in texts(ids).items()
    }


def run_explain(backend, query: BackendQuery, article_id: int) -> Explanation | None:
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    docnums = data.docnums_for_ids({article_id})
    if not len(docnums):
        return None
    docnum, postings, stems = int(docnums[0]), Reading(query.budget), backend.stem_terms
    stems(searcher)  # built once per index segment, before the clock starts
    query.budget.start()
    understood = _understand(searcher, data, query.request.q, stems, query.synonyms, postings)
    translation = understood.translation
    if understood.query is None:
        return None
    matched = understood.matched
    if translation.best is not None:
        matched, _ = _best_matches(searcher, data, translation.best, postings, data.live)
    ranking = _ranking(searcher, data, translation, matched, postings, stems(searcher), query.texts)
    return replace(ranking.explain([docnum])[0], matched=bool(matched[docnum]))


@dataclass
class Matching:
    """What a request matches: ``full`` under every filter, ``matched`` before them."""

    searcher: object
    data: FacetData
    understood: Understood
    postings: Reading
    groups: dict[str, np.ndarray]
    matched: np.ndarray
    full: np.ndarray
    notes: list[str]


def match_request(backend, query: BackendQuery) -> Matching:
    """The documents a request matches (its query, its filters, a question's best)."""
    request = query.request
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    stems, postings = backend.stem_terms, Reading(query.budget, backend.postings)
    stems(searcher)  # built once per index segment, before the clock starts
    query.budget.start()
    understood = _understand(searcher, data, request.q, stems, query.synonyms, postings)
    matched, translation = understood.matched, understood.translation
    notes = list(understood.parsed.notes)
    if understood.dropped:
        notes.append(dropped_note(understood.dropped))
    groups = counting.filter_masks(request, query.filters, data, understood.dates)
    full = counting.filtered(matched, groups)
    if translation.best is not None:
        full, most = _best_matches(
            searcher, data, translation.best, postings, counting.filtered(data.live, groups)
        )
        matched = matched | full
        notice = best_notice(translation.best.node, most)
        if notice:
            notes.append(notice)
    return Matching(searcher, data, understood, postings, groups, matched, full, notes)


def run_search(backend, query: BackendQuery) -> BackendResult:
    request = query.request
    found = match_request(backend, query)
    searcher, data, understood = found.searcher, found.data, found.understood
    postings, groups, full = found.postings, found.groups, found.full
    translation, stems = understood.translation, backend.stem_terms
    full_docs = np.flatnonzero(full)  # found once: for the ranking, the page and the counts
    spans = KeptSpans()  # the words of the texts the nearness bonus and highlights read
    articles = len(full_docs)
    units = data.units(request.collapse)
    start, size = (request.page - 1) * request.page_size, request.page_size
    ranking = None
    if understood.query is not None and request.sort == "relevance":
        forms = stems(searcher)
        # A unit's place is that of its best member: all are scored when units fold.
        best = start + size if units is None or not units.shared[full_docs].any() else None
        ranking = _ranking(
            searcher,
            data,
            translation,
            full,
            postings,
            forms,
            query.texts,
            best=best,
            allowed_docs=full_docs,
            spans_of=spans,
        )
        scores = ranking.scores
        shown, shown_docs = counting.shown(
            full, full_docs, units, lambda docs: (docs, -scores[docs])
        )
        page = top_scored(scores, shown_docs, start + size)[start:]
    else:
        order = data.oldest if request.sort == "oldest" else data.newest
        shown, shown_docs = counting.shown(
            full, full_docs, units, lambda docs: (data.rank_of(order)[docs],)
        )
        page = [(int(d), None) for d in order[shown[order]][start : start + size]]
    total = len(shown_docs)
    folded = counting.folded(data, full_docs, shown, units, [docnum for docnum, _ in page])
    ids = [int(data.columns.ids[docnum]) for docnum, _ in page]
    explanations = {}
    if request.explain and ranking is not None:
        explained = ranking.explain([docnum for docnum, _ in page])
        explanations = dict(zip(ids, explained, strict=True))
    highlights = {}
    if request.highlight and understood.query is not None and ids:
        highlights = _highlights(ids, translation.terms, query.texts, spans_of=spans)
    suggestion = None
    if request.spelling and translation.words and articles < SUGGEST_BELOW and not query.budget.cut:
        try:
            suggestion = _suggestion(searcher, data, query, translation, groups, stems, postings)
        except SearchTooCostly:
            suggestion = None  # the results are found: an optional step out of time is skipped
        query.budget.cut = False  # a correction tried partly cuts nothing of the results
    return BackendResult(
        total=total,
        total_articles=articles,
        hits=[
            BackendHit(
                i,
                None if s is None else float(s),
                highlights.get(i, Highlights()),
                explanations.get(i),
                *folded.get(docnum, ((), 0)),
            )
            for i, (docnum, s) in zip(ids, page, strict=True)
        ],
        counts=counting.facets(request, data, found.matched, groups),
        days=data.day_counts(shown, docs=shown_docs),
        suggestion=suggestion,
        parsed=understood.shown,
        query_error=" ".join(understood.parsed.errors) or None,
        notices=notices_of(found, query),
    )


def notices_of(found: Matching, query: BackendQuery) -> tuple[str, ...]:
    notes = [*found.notes, *found.understood.translation.notes, *query.budget.notices()]
    return tuple(dict.fromkeys(notes))


def run_matches_among(backend, query: BackendQuery) -> set[int]:
    """The ids the request matches among ``query.filters.ids`` (a filter of its own)."""
    found = match_request(backend, query)
    return set(found.data.columns.ids[np.flatnonzero(found.full)].tolist())


def run_matching_ids(backend, query: BackendQuery) -> tuple[np.ndarray, Matching]:
    """Every hit's article id in the search's order (the page's order, uncapped, copies
    folded as the request says): by score with ties to the lower docnum, as
    ``top_scored`` ranks a page, or by date."""
    request = query.request
    found = match_request(backend, query)
    searcher, data, understood = found.searcher, found.data, found.understood
    units = data.units(request.collapse)
    full, full_docs = found.full, np.flatnonzero(found.full)
    if understood.query is not None and request.sort == "relevance":
        translation, forms = understood.translation, backend.stem_terms(searcher)
        scores = _ranking(
            searcher,
            data,
            translation,
            full,
            found.postings,
            forms,
            query.texts,
            allowed_docs=full_docs,
        ).scores
        _shown_mask, docs = counting.shown(
            full, full_docs, units, lambda docs: (docs, -scores[docs])
        )
        docnums = docs[np.lexsort((docs, -scores[docs]))]
    else:
        order = data.oldest if request.sort == "oldest" else data.newest
        shown, _docs = counting.shown(
            full, full_docs, units, lambda docs: (data.rank_of(order)[docs],)
        )
        docnums = order[shown[order]]
    return data.columns.ids[docnums].copy(), found
