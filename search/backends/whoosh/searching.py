"""Answering requests on a Whoosh index: match with Whoosh, filter and count with
numpy arrays (``columns``), score only the page, highlight only the page."""

import calendar
import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
from whoosh import query as wq

from search import selectors
from search.analysis import analyze, fold
from search.backends.base import BackendHit, BackendResult
from search.backends.whoosh.columns import FacetData
from search.backends.whoosh.highlight import highlight_body, highlight_title
from search.backends.whoosh.matching import match_mask, score_array, top_scored
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
from search.documents import TAG_KIND_CODES
from search.query import ParsedQuery, expand_synonyms, split_dates, synonym_table
from search.question import best_match, best_notice, dropped_note, read
from search.types import (
    TAG_KINDS,
    Explanation,
    FacetValue,
    Highlights,
    HistogramBucket,
    SearchRequest,
)

FACET_SIZE = 20
MLT_TERMS = 12  # an article's most distinctive words used to find similar ones
_YEARLY_AFTER_MONTHS = 36


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


def _understand(searcher, data: FacetData, text: str, backend_stems, cache=None) -> Understood:
    parsed = read(text)
    node, dates = split_dates(parsed.node)
    translation = Translation(searcher.reader(), backend_stems(searcher))
    dropped = 0
    if node is not None:
        node = expand_synonyms(node, synonym_table(selectors.tag_spellings()))
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


def _month_number(value: str) -> int:
    year, month = str(value).split("-")
    return int(year) * 12 + int(month) - 1


def _filter_masks(request: SearchRequest, data: FacetData, dates) -> dict[str, np.ndarray]:
    """One mask per active filter group; values within a group are ORed."""
    groups = {}
    if request.outlets:
        groups["outlet"] = data.outlet_mask(selectors.outlet_ids(request.outlets))
    if request.authors:
        groups["author"] = data.author_mask(selectors.author_ids(request.authors))
    if request.languages:
        groups["language"] = data.language_mask(request.languages)
    if request.years:
        groups["year"] = data.year_mask([int(y) for y in request.years])
    if request.months:
        groups["month"] = data.month_mask([_month_number(m) for m in request.months])
    for kind, ids in selectors.tag_ids(request.tags).items():
        groups[f"tag:{kind}"] = data.tag_mask(ids)
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


def _contenders(counts: dict, size: int = FACET_SIZE) -> list:
    """The values that may be among the ``size`` biggest: all counted at least as often
    as the size-th biggest, so that ties are cut by label (as PostgreSQL does), not by
    the order of ids. Bounded, for a facet where thousands of values tie."""
    ordered = sorted(counts, key=counts.get, reverse=True)
    if len(ordered) <= size:
        return ordered
    floor = counts[ordered[size - 1]]
    return [k for k in ordered[: size * 10] if counts[k] >= floor]


def _top(counts: dict, selected: set, labels: dict, *, size=FACET_SIZE) -> list[FacetValue]:
    """The biggest values (and every selected one), biggest first; ties by label."""
    labelled = (k for k in counts if k in labels)
    keys = sorted(labelled, key=lambda k: (-counts[k], labels[k][1], labels[k][0]))[:size]
    chosen_values = {labels.get(k, (str(k),))[0] for k in keys}
    extra = [
        k for k, label in labels.items() if label[0] in selected and label[0] not in chosen_values
    ]
    return [
        FacetValue(labels[k][0], labels[k][1], counts.get(k, 0), labels[k][0] in selected)
        for k in [*keys, *extra]
        if k in labels
    ]


def _labels(ids: dict[str, set[int]], request: SearchRequest) -> dict[str, dict]:
    """{kind: {id: (filter value, label)}} of the shown and the selected values."""
    if request.outlets:
        ids["outlet"] |= selectors.outlet_ids(request.outlets)
    if request.authors:
        ids["author"] |= selectors.author_ids(request.authors)
    typed_tags = [v for v in request.tags if ":" in v]
    if typed_tags:
        ids["tag"] |= {i for group in selectors.tag_ids(typed_tags).values() for i in group}
    return {
        "outlet": selectors.outlet_labels(ids["outlet"]),
        "author": selectors.author_labels(ids["author"]),
        "tag": selectors.tag_labels(ids["tag"]),
    }


def _facets(request: SearchRequest, data: FacetData, matched, groups) -> dict[str, list]:
    wanted = set(request.facets)
    facets: dict[str, list[FacetValue]] = {}
    pending: dict[str, tuple[dict, set, str]] = {}  # facet -> (counts, selected, label kind)
    if "outlet" in wanted:
        pending["outlet"] = (
            data.outlet_counts(_without(matched, groups, "outlet")),
            set(request.outlets),
            "outlet",
        )
    if "author" in wanted:
        pending["author"] = (
            data.author_counts(_without(matched, groups, "author")),
            set(request.authors),
            "author",
        )
    selected_tags = set(request.tags)
    for kind in TAG_KINDS:
        if kind in wanted:
            counts = data.tag_counts(_without(matched, groups, f"tag:{kind}"), TAG_KIND_CODES[kind])
            pending[kind] = (counts, selected_tags, "tag")
    ids = {"outlet": set(), "author": set(), "tag": set()}
    for counts, _selected, kind in pending.values():
        ids[kind].update(_contenders(counts))
    labels = _labels(ids, request)
    for name, (counts, selected, kind) in pending.items():
        facet_labels = labels[kind]
        if kind == "tag":
            facet_labels = {k: v for k, v in facet_labels.items() if v[0].startswith(f"{name}:")}
        facets[name] = _top(counts, selected, facet_labels)
    if "year" in wanted:
        counts = data.year_counts(_without(matched, groups, "year", "month"))
        chosen = {int(y) for y in request.years}
        years = sorted(set(counts) | chosen, reverse=True)
        facets["year"] = [FacetValue(str(y), str(y), counts.get(y, 0), y in chosen) for y in years]
    if "month" in wanted:
        facets["month"] = _month_facet(request, data, matched, groups)
    if "language" in wanted:
        counts = data.language_counts(_without(matched, groups, "language"))
        chosen = set(request.languages)
        facets["language"] = [
            FacetValue(code, code, counts.get(code, 0), code in chosen)
            for code in sorted(set(counts) | chosen, key=lambda c: -counts.get(c, 0))
        ]
    return facets


def _month_facet(request, data, matched, groups) -> list[FacetValue]:
    """Months within the selected year(s), or within the only year of the hits."""
    base = _without(matched, groups, "month")
    years = {int(y) for y in request.years}
    if not years:
        found = data.year_counts(base)
        if len(found) != 1:
            return []
        years = set(found)
    counts = data.month_counts(base & data.year_mask(years))
    chosen = {_month_number(m) for m in request.months}
    values = []
    for number in sorted(set(counts) | chosen):
        year, month = divmod(number, 12)
        value = f"{year:04d}-{month + 1:02d}"
        label = f"{calendar.month_name[month + 1]} {year}"
        values.append(FacetValue(value, label, counts.get(number, 0), number in chosen))
    return values


def _histogram(data: FacetData, mask) -> list[HistogramBucket]:
    bounds = data.date_bounds(mask)
    if bounds is None:
        return []
    first, last = bounds
    counts = data.month_counts(mask)
    if last - first > _YEARLY_AFTER_MONTHS:
        per_year: dict[int, int] = {}
        for number, count in counts.items():
            per_year[number // 12] = per_year.get(number // 12, 0) + count
        return [
            HistogramBucket(str(y), per_year.get(y, 0), dt.date(y, 1, 1), dt.date(y, 12, 31))
            for y in range(first // 12, last // 12 + 1)
        ]
    buckets = []
    for number in range(first, last + 1):
        year, month = divmod(number, 12)
        end = dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])
        buckets.append(
            HistogramBucket(
                f"{year:04d}-{month + 1:02d}",
                counts.get(number, 0),
                dt.date(year, month + 1, 1),
                end,
            )
        )
    return buckets


def _did_you_mean(searcher, data, request, translation, groups, stems) -> str | None:
    """A spelling correction from the index's own words, only when it finds hits."""
    reader = searcher.reader()
    corrected, changed = request.q, False
    for word in translation.words:
        terms = analyze(word, stem=False)
        if len(terms) != 1 or len(terms[0]) < 4 or not terms[0].isalpha():
            continue
        if reader.doc_frequency("body", terms[0]) or reader.doc_frequency("title", terms[0]):
            continue
        best = None
        # The first letters are rarely mistyped; fixing them keeps the automaton small.
        for distance, prefix in ((1, 2), (2, 3)):
            if distance == 2 and len(terms[0]) < 6:
                break
            candidates = list(reader.terms_within("body", terms[0], distance, prefix=prefix))
            if candidates:
                best = max(candidates, key=lambda t: reader.doc_frequency("body", t))
                break
        if best:
            corrected = corrected.replace(
                word, best.decode() if isinstance(best, bytes) else best, 1
            )
            changed = True
    if not changed:
        return None
    understood = _understand(searcher, data, corrected, stems)
    if understood.query is None:
        return None
    return corrected if _without(understood.matched, groups).any() else None


@dataclass
class Ranking:
    scores: np.ndarray
    concepts: list  # what the scores add up, the question's own first
    own: int  # how many of ``concepts`` the query itself has (the rest: feedback)
    scorer: Scorer
    nearness: dict = field(default_factory=dict)  # docnum -> bonus for words close together

    def explain(self, docnum: int) -> Explanation:
        return self.scorer.explain(self.concepts, docnum, self.own, self.nearness.get(docnum, 0))


def _ranking(searcher, data, translation, allowed, postings, forms_of, read=None) -> Ranking:
    """Scores of every document: BM25F; for a question a second pass with the words
    its first hits share (RM3); then a bonus for query words close together."""
    scorer = Scorer(searcher, data, postings)
    read = {} if read is None else read
    concepts = translation.concepts
    scores = scorer.scores(concepts)
    ranking = Ranking(scores, concepts, len(concepts), scorer)
    if translation.best:
        first = dict(top_scored(scores, allowed, FEEDBACK_DOCS))
        texts = _texts(data, list(first), read)
        model = feedback_words(list(texts.values()), [first[d] for d in texts])
        ranking.concepts = with_feedback(concepts, model, forms_of)
        ranking.scores = scorer.scores(ranking.concepts)
    own = ranking.concepts[: ranking.own]
    if not 2 <= len(own) <= PROXIMITY_MAX_CONCEPTS:
        return ranking
    best = top_scored(ranking.scores, allowed, PROXIMITY_DOCS)
    texts = _texts(data, [docnum for docnum, _ in best], read)
    idfs = [scorer.idf(scorer.field_tf(c)) for c in own]
    for docnum, bonus in zip(texts, proximity_bonus(list(texts.values()), own, idfs), strict=True):
        ranking.scores[docnum] += bonus
        ranking.nearness[docnum] = bonus
    return ranking


def _texts(data, docnums: list[int], read: dict) -> dict[int, str]:
    """{docnum: title and text} of these documents, in their order; ``read`` keeps
    {article id: (title, text)} for the rest of the search (highlights)."""
    ids = {int(data.columns.ids[docnum]): docnum for docnum in docnums}
    missing = [i for i in ids if i not in read]
    if missing:
        read.update(selectors.article_texts(missing))
    return {ids[i]: f"{read[i][0]}\n{read[i][1]}" for i in ids if i in read}


def run_explain(backend, q: str, article_id: int) -> Explanation | None:
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    docnums = data.docnums_for_ids({article_id})
    if not len(docnums):
        return None
    docnum, postings = int(docnums[0]), {}
    understood = _understand(searcher, data, q, backend.stem_terms, postings)
    translation = understood.translation
    if understood.query is None:
        return None
    matched = understood.matched
    if translation.best is not None:
        matched, _ = _best_matches(searcher, data, translation.best, postings, data.live)
    ranking = _ranking(searcher, data, translation, matched, postings, backend.stem_terms(searcher))
    return replace(ranking.explain(docnum), matched=bool(matched[docnum]))


def run_search(backend, request: SearchRequest) -> BackendResult:
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    stems, postings = backend.stem_terms, {}
    understood = _understand(searcher, data, request.q, stems, postings)
    query, matched, translation = understood.query, understood.matched, understood.translation
    notes = list(understood.parsed.notes)
    if understood.dropped:
        notes.append(dropped_note(understood.dropped))
    groups = _filter_masks(request, data, understood.dates)
    full = _without(matched, groups)
    if translation.best is not None:
        full, most = _best_matches(
            searcher, data, translation.best, postings, _without(data.live, groups)
        )
        matched = matched | full
        notice = best_notice(translation.best.node, most)
        if notice:
            notes.append(notice)
    total = int(full.sum())
    start, size = (request.page - 1) * request.page_size, request.page_size
    ranking, read = None, {}  # read: {article id: (title, text)}, fetched once
    if query is not None and request.sort == "relevance":
        ranking = _ranking(searcher, data, translation, full, postings, stems(searcher), read)
        page = top_scored(ranking.scores, full, start + size)[start:]
    else:
        order = data.oldest if request.sort == "oldest" else data.newest
        page = [(int(d), None) for d in order[full[order]][start : start + size]]
    ids = [int(data.columns.ids[docnum]) for docnum, _ in page]
    explanations = {}
    if request.explain and ranking is not None:
        for (docnum, _), article_id in zip(page, ids, strict=True):
            explanations[article_id] = ranking.explain(docnum)
    highlights = {}
    if request.highlight and query is not None and ids:
        missing = [i for i in ids if i not in read]
        if missing:
            read.update(selectors.article_texts(missing))
        texts = {i: read[i] for i in ids if i in read}
        terms = translation.terms
        for article_id, (title, body) in texts.items():
            highlights[article_id] = Highlights(
                highlight_title(title, terms), highlight_body(body, terms)
            )
    suggestion = None
    if translation.words and total < 5:
        suggestion = _did_you_mean(searcher, data, request, translation, groups, stems)
    return BackendResult(
        total=total,
        hits=[
            BackendHit(
                i,
                None if s is None else float(s),
                highlights.get(i, Highlights()),
                explanations.get(i),
            )
            for i, (_, s) in zip(ids, page, strict=True)
        ],
        facets=_facets(request, data, matched, groups),
        histogram=_histogram(data, full),
        suggestion=suggestion,
        parsed=understood.shown,
        query_error=" ".join(understood.parsed.errors) or None,
        notices=tuple(dict.fromkeys(notes + translation.notes)),
    )


def run_more_like_this(backend, article_id: int, *, limit: int, exclude) -> list[BackendHit]:
    texts = selectors.article_texts([article_id])
    if article_id not in texts:
        return []
    searcher = backend.searcher()
    data = backend.facet_data(searcher)
    title, body = texts[article_id]
    keys = searcher.key_terms_from_text("body", f"{title}\n{body}", numterms=MLT_TERMS)
    if not keys:
        return []
    query = wq.Or([wq.Term("body", term, boost=weight) for term, weight in keys])
    allowed = data.live.copy()
    allowed[data.docnums_for_ids({article_id, *exclude})] = False
    scores = score_array(searcher, query, data)
    best = top_scored(scores, allowed & (scores > 0), limit)
    return [BackendHit(int(data.columns.ids[docnum]), score) for docnum, score in best]


def run_title_suggestions(backend, prefix: str, *, limit: int) -> list[tuple[int, str]]:
    """(id, title) of the best articles whose title has every typed word, the last
    one as a prefix."""
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
    scores = score_array(searcher, query, data)
    best = top_scored(scores, match_mask(searcher, query, data), limit)
    ids = [int(data.columns.ids[docnum]) for docnum, _ in best]
    titles = selectors.article_titles(ids)
    return [(article_id, titles[article_id].title) for article_id in ids if article_id in titles]
