"""Answering requests on a Whoosh index: match with Whoosh, filter and count with
numpy arrays (``columns``), score only the page, highlight only the page."""

from dataclasses import dataclass, field, replace

import numpy as np
from whoosh import query as wq

from search.analysis import analyze, fold
from search.backends.base import BackendHit, BackendQuery, BackendResult, Filters, Texts
from search.backends.whoosh.columns import FacetData, Units
from search.backends.whoosh.highlight import (
    KeptSpans,
    highlight_body,
    highlight_title,
    word_spans,
)
from search.backends.whoosh.matching import Reading, budget_of, match_mask, score_array, top_scored
from search.backends.whoosh.maxscore import best_of_words
from search.backends.whoosh.ranking import (
    FEEDBACK_DOCS,
    PROXIMITY_DOCS,
    PROXIMITY_MAX_CONCEPTS,
    Scorer,
    feedback_words,
    proximity_bonus,
    with_feedback,
)
from search.backends.whoosh.similar import key_terms
from search.backends.whoosh.translate import BestPlan, Translation
from search.budget import Budget
from search.corrections import SUGGEST_BELOW, did_you_mean
from search.documents import TAG_KIND_CODES
from search.nodes import ParsedQuery
from search.question import best_match, best_notice, dropped_note, read, split_dates
from search.shaping import contenders, month_of
from search.synonyms import expand_synonyms
from search.types import (
    MAX_COPIES_LISTED,
    TAG_KINDS,
    Explanation,
    Highlights,
    SearchRequest,
    SearchTooCostly,
)


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


def _filter_masks(
    request: SearchRequest, filters: Filters, data: FacetData, dates
) -> dict[str, np.ndarray]:
    """One mask per active filter group; values within a group are ORed."""
    groups = {}
    if filters.outlets is not None:
        groups["outlet"] = data.outlet_mask(filters.outlets)
    if filters.authors is not None:
        groups["author"] = data.author_mask(filters.authors)
    if request.languages:
        groups["language"] = data.language_mask(request.languages)
    if request.years:
        groups["year"] = data.year_mask([int(y) for y in request.years])
    if request.months:
        groups["month"] = data.month_mask([month_of(m) for m in request.months])
    for kind, ids in filters.tags.items():
        groups[f"tag:{kind}"] = data.tag_mask(ids)
    if filters.scope:  # named after no facet: every count keeps it
        field, ids = filters.scope
        masks = {"outlet": data.outlet_mask, "author": data.author_mask, "tag": data.tag_mask}
        groups["scope"] = masks[field](ids)
    if filters.ids is not None:  # named after no facet: every count keeps it
        groups["ids"] = data.mask_of(data.docnums_for_ids(filters.ids))
    if request.date_from or request.date_to:
        start = request.date_from.toordinal() if request.date_from else None
        end = request.date_to.toordinal() if request.date_to else None
        groups["date"] = data.date_mask(start, end)
    for number, date_range in enumerate(dates):
        start = date_range.start.toordinal() if date_range.start else None
        end = date_range.end.toordinal() if date_range.end else None
        groups[f"date{number}"] = data.date_mask(start, end)
    return groups


def _without(matched, groups, *names) -> np.ndarray:
    mask = matched.copy()
    for name, group in groups.items():
        if name not in names:
            mask &= group
    return mask


def _counts(request: SearchRequest, data: FacetData, matched, groups) -> dict[str, dict]:
    """Each facet asked for, counted under every filter but its own, in the request's
    unit (a copy group or story once per value any of its matching articles has)."""
    wanted, counts = set(request.facets), {}
    units = data.units(request.collapse)
    under: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def without(*names) -> tuple[np.ndarray, np.ndarray]:
        """The mask and documents of the matches under every filter but ``names``:
        facets under the same filters (all of them when none is set) share one."""
        key = tuple(name for name in groups if name not in names)
        if key not in under:
            mask = _without(matched, groups, *names)
            under[key] = mask, np.flatnonzero(mask)
        return under[key]

    if "outlet" in wanted:
        mask, docs = without("outlet")
        original = request.outlet_credit == "original"
        counts["outlet"] = contenders(data.outlet_counts(mask, units, original=original, docs=docs))
    if "author" in wanted:
        mask, _docs = without("author")
        counts["author"] = contenders(data.author_counts(mask, units))
    for kind in TAG_KINDS:
        if kind in wanted:
            mask, docs = without(f"tag:{kind}")
            counts[kind] = contenders(data.tag_counts(mask, TAG_KIND_CODES[kind], units, docs=docs))
    if "year" in wanted:
        mask, docs = without("year", "month")
        counts["year"] = data.year_counts(mask, units, docs=docs)
    if "month" in wanted:
        mask, docs = without("month")
        counts["month"] = data.month_counts(mask, units, docs=docs)
    if "language" in wanted:
        mask, docs = without("language")
        counts["language"] = data.language_counts(mask, units, docs=docs)
    return counts


def _shown(
    full: np.ndarray, full_docs, units: Units | None, order
) -> tuple[np.ndarray, np.ndarray]:
    """The documents of ``full`` (numbered ``full_docs``, ascending) the list shows, as a
    mask and as numbers: each that shares its unit with no other match, and the first
    match of each shared unit under the result's order (``order(docs)``: ``np.lexsort``
    keys, the last one primary). ``full`` itself when nothing folds."""
    if units is None:
        return full, full_docs
    docs = full_docs[units.shared[full_docs]]
    if not len(docs):
        return full, full_docs
    shown = full & ~units.shared
    shown[units.first_of_each(docs, *order(docs))] = True
    return shown, np.flatnonzero(shown)


def _folded(data: FacetData, full_docs, shown, units: Units | None, page: list[int]) -> dict:
    """{docnum of the page: (ids of the matches folded into it, oldest first, at most
    MAX_COPIES_LISTED; how many in all)}; ``full_docs``: the matches, ascending."""
    if units is None or not page:
        return {}
    docs = full_docs[units.shared[full_docs] & ~shown[full_docs]]
    docs = docs[np.isin(units.key[docs], units.key[page])]
    docs = docs[np.argsort(data.rank_of(data.oldest)[docs], kind="stable")]
    members: dict[int, list[int]] = {}
    for docnum in docs.tolist():
        members.setdefault(int(units.key[docnum]), []).append(int(data.columns.ids[docnum]))
    folded = {}
    for docnum in page:
        ids = members.get(int(units.key[docnum]), [])
        folded[docnum] = (tuple(ids[:MAX_COPIES_LISTED]), len(ids))
    return folded


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
        return understood.query is not None and bool(_without(understood.matched, groups).any())

    words = translation.words
    return did_you_mean(query.request.q, words, _Lexicon(searcher.reader()), finds)


@dataclass
class Ranking:
    scores: np.ndarray
    concepts: list  # what the scores add up, the question's own first
    own: int  # how many of ``concepts`` the query itself has (the rest: feedback)
    scorer: Scorer
    nearness: dict = field(default_factory=dict)  # docnum -> bonus for words close together

    def explain(self, docnum: int) -> Explanation:
        return self.scorer.explain(self.concepts, docnum, self.own, self.nearness.get(docnum, 0))


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
    return replace(ranking.explain(docnum), matched=bool(matched[docnum]))


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
    groups = _filter_masks(request, query.filters, data, understood.dates)
    full = _without(matched, groups)
    if translation.best is not None:
        full, most = _best_matches(
            searcher, data, translation.best, postings, _without(data.live, groups)
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
        shown, shown_docs = _shown(full, full_docs, units, lambda docs: (docs, -scores[docs]))
        page = top_scored(scores, shown_docs, start + size)[start:]
    else:
        order = data.oldest if request.sort == "oldest" else data.newest
        shown, shown_docs = _shown(
            full, full_docs, units, lambda docs: (data.rank_of(order)[docs],)
        )
        page = [(int(d), None) for d in order[shown[order]][start : start + size]]
    total = len(shown_docs)
    folded = _folded(data, full_docs, shown, units, [docnum for docnum, _ in page])
    ids = [int(data.columns.ids[docnum]) for docnum, _ in page]
    explanations = {}
    if request.explain and ranking is not None:
        for (docnum, _), article_id in zip(page, ids, strict=True):
            explanations[article_id] = ranking.explain(docnum)
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
        counts=_counts(request, data, found.matched, groups),
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
        _shown_mask, docs = _shown(full, full_docs, units, lambda docs: (docs, -scores[docs]))
        docnums = docs[np.lexsort((docs, -scores[docs]))]
    else:
        order = data.oldest if request.sort == "oldest" else data.newest
        shown, _docs = _shown(full, full_docs, units, lambda docs: (data.rank_of(order)[docs],))
        docnums = order[shown[order]]
    return data.columns.ids[docnums].copy(), found


def run_more_like_this(
    backend, article_id: int, *, texts: Texts, limit: int, exclude
) -> list[BackendHit]:
    found = texts([article_id])
    if article_id not in found:
        return []
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    title, body = found[article_id]
    frequency = backend.body_frequency(searcher)
    documents = searcher.reader().doc_count_all()
    keys = key_terms(f"{title}\n{body}", frequency=frequency, documents=documents)
    if not keys:
        return []
    allowed = data.live.copy()
    allowed[data.docnums_for_ids({article_id, *exclude})] = False
    reading = Reading(Budget.from_settings(), backend.postings)
    best = best_of_words(
        searcher, data, "body", keys, allowed=allowed, limit=limit, reading=reading
    )
    return [BackendHit(int(data.columns.ids[docnum]), score) for docnum, score in best]


def run_title_suggestions(backend, prefix: str, *, limit: int) -> list[int]:
    """Ids of the best articles whose title has every typed word, the last one as a
    prefix."""
    words = analyze(prefix, stem=False)
    if not words:
        return []
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    last = fold(words[-1])
    reader = searcher.reader()
    expansions = [t for t, _ in zip(reader.expand_prefix("title", last), range(50), strict=False)]
    title_words = [wq.Or([wq.Term("title", t) for t in expansions] or [wq.NullQuery])]
    title_words += [wq.Term("title", w) for w in words[:-1]]
    query = wq.And(title_words)
    reading = Reading(Budget.from_settings())
    scores = score_array(searcher, query, data, reading)
    best = top_scored(scores, np.flatnonzero(match_mask(searcher, query, data, reading)), limit)
    return [int(data.columns.ids[docnum]) for docnum, _ in best]
