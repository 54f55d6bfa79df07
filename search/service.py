"""The query service: the one entry point for everything that searches.

Views, the REST API and the admin build a ``SearchRequest`` and read a
``SearchResult``; they never touch an engine. A search asks the database at most
four times whatever its filters: the names it filters by and the tags' spellings (one
query, none for a browse without filters), the articles whose texts the engine reads
(the page's, and for a question first the best few), and the labels of what the
result shows with the page's tags and bylines (one query).
"""

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from django.conf import settings

from search import selectors
from search.backends import backend_class
from search.backends.base import (
    BackendHit,
    BackendQuery,
    BackendResult,
    Filters,
    MatchingIds,
    SearchBackend,
    TermCounts,
)
from search.budget import Budget
from search.hybrid import (
    KEYWORD_ONLY,
    by_meaning,
    candidates,
    explained,
    keyword_strict,
    meaning_search,
)
from search.query import nothing_to_search, parse_query, printable
from search.request import validate_request
from search.shaping import Labels, facets_shape, histogram_shape, labelled
from search.synonyms import synonym_table
from search.types import (
    Explanation,
    Hit,
    SearchError,
    SearchRequest,
    SearchResult,
    Suggestion,
)

_backends: dict[tuple[str, str], SearchBackend] = {}
MATCHING_SECONDS = 300.0  # the most one saved search's matching may take
_backends_lock = threading.Lock()


def get_backend() -> SearchBackend:
    """The configured backend, one instance per process (and per index directory)."""
    key = (settings.SEARCH_BACKEND, str(settings.SEARCH_INDEX_DIR))
    with _backends_lock:
        if key not in _backends:
            _backends[key] = backend_class(settings.SEARCH_BACKEND)()
        return _backends[key]


def reset_backends() -> None:
    """Forget every backend instance (tests, after a settings change)."""
    with _backends_lock:
        for backend in _backends.values():
            close = getattr(backend, "close", None)
            if close:
                close()
        _backends.clear()


class PageArticles:
    """The articles one search reads, each loaded once (with its outlet): their texts
    for the engine (highlights, feedback, nearness), then the page itself."""

    def __init__(self):
        self.loaded: dict[int, object] = {}
        self.missing: set[int] = set()

    def texts(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        return {i: selectors.article_text(a) for i, a in self.articles(ids).items()}

    def articles(self, ids: list[int]) -> dict:
        wanted = [i for i in ids if i not in self.loaded and i not in self.missing]
        if wanted:
            self.loaded.update(selectors.articles_by_id(wanted))
            self.missing.update(i for i in wanted if i not in self.loaded)
        return {i: self.loaded[i] for i in ids if i in self.loaded}


def backend_query(
    request: SearchRequest,
    articles: PageArticles | None = None,
    *,
    looked_up: "LookedUp | None" = None,
) -> BackendQuery:
    """The request as a backend reads it: its outlet, author and tag slugs as ids, and the
    spellings of tags with aliases when there are words to search (one query at most;
    none with ``looked_up``, what ``look_up`` read for it and other requests at once)."""
    looked_up = looked_up or look_up([request], spellings=bool(request.q.strip()))
    vocabulary = looked_up.vocabulary
    tags: dict[str, set[int]] = {}
    for value in request.tags:
        kind, _, _ = value.rpartition(":")
        tags.setdefault(kind, set()).update(_tag_ids(vocabulary, value))
    filters = Filters(
        outlets=_ids(vocabulary.outlets, request.outlets) if request.outlets else None,
        authors=_ids(vocabulary.authors, request.authors) if request.authors else None,
        tags={kind: frozenset(ids) for kind, ids in tags.items()},
        scope=_scope_ids(vocabulary, request.scope) if request.scope else None,
    )
    articles = articles or PageArticles()
    synonyms = looked_up.synonyms if request.q.strip() else {}
    return BackendQuery(request, filters, synonyms, articles.texts)


@dataclass(frozen=True)
class LookedUp:
    """The names some requests filter by, and the tags' spellings as a synonym table."""

    vocabulary: selectors.Vocabulary
    synonyms: Mapping


def look_up(requests: list[SearchRequest], *, spellings: bool) -> LookedUp:
    """What these requests filter by (outlet, author and tag slugs, their scopes), and
    with ``spellings`` the spellings of tags with aliases: one query at most."""
    outlets, authors, tags = set(), set(), set()
    for request in requests:
        field, value = request.scope or ("", "")
        outlets.update(request.outlets, [value] if field == "outlet" else [])
        authors.update(request.authors, [value] if field == "author" else [])
        tags.update(request.tags, [value] if field == "tag" else [])
    vocabulary = selectors.search_vocabulary(
        outlets=sorted(outlets), authors=sorted(authors), tags=sorted(tags), spellings=spellings
    )
    return LookedUp(vocabulary, synonym_table(vocabulary.spellings))


def _ids(found: dict[str, int], slugs) -> frozenset[int]:
    return frozenset(found[s] for s in slugs if s in found)


def _tag_ids(vocabulary: selectors.Vocabulary, value: str) -> set[int]:
    """The ids of a tag value: ``kind:slug`` or a bare slug of any kind."""
    kind, _, slug = value.rpartition(":")
    return {i for i, k, s in vocabulary.tags if s == slug and (not kind or k == kind)}


def _scope_ids(vocabulary: selectors.Vocabulary, scope: tuple[str, str]):
    """The scope as ids; an unknown outlet, author or tag leaves none (and no hits)."""
    field, value = scope
    if field == "tag":
        return field, frozenset(_tag_ids(vocabulary, value))
    return field, _ids(vocabulary.outlets if field == "outlet" else vocabulary.authors, [value])


def search(request: SearchRequest) -> SearchResult:
    """Answer a search; the page's hits carry their ``Article`` (with its outlet, tags
    and bylines).

    The request is checked by the parameters' rules (``search.request.validate_request``:
    the page size is capped, control characters read as spaces); a page past the end
    has no hits (``total`` still says how many there are). Raises InvalidQuery (bad
    sort, page, facet, month or dates) and SearchUnavailable (the index cannot be read).
    """
    result, _days = search_with_days(request)
    return _corrected(request, result)


def search_with_days(request: SearchRequest) -> tuple[SearchResult, dict[int, int]]:
    """A search (never corrected) and its hits per day (``date.toordinal()`` -> hits,
    the histogram's raw material) for time series (``search.compare``)."""
    started = time.perf_counter()
    request = validate_request(request)
    if nothing := nothing_to_search(request.q):
        error, notes = " ".join(nothing.errors), tuple(nothing.notes)
        empty = SearchResult(
            0, request.page, request.page_size, [], query_error=error, notices=notes
        )
        return empty, {}
    articles = PageArticles()
    query = backend_query(request, articles)
    found = _found(get_backend(), query)
    folded = [i for h in found.hits for i in h.folded]
    loaded = articles.articles([h.id for h in found.hits] + folded)  # one query for both
    page = {h.id: loaded[h.id] for h in found.hits if h.id in loaded}
    labels = _labels_and_links(found, query, page)
    histogram = histogram_shape(found.days, request.histogram_bin)
    result = SearchResult(
        total=found.total,
        page=request.page,
        page_size=request.page_size,
        hits=[_hit(h, loaded) for h in found.hits],
        facets=facets_shape(request, found.counts, labels),
        histogram=histogram.buckets,
        histogram_bin=histogram.bin,
        histogram_bins=histogram.bins,
        histogram_outside=histogram.outside,
        suggestion=found.suggestion,
        parsed=found.parsed,
        query_error=found.query_error,
        notices=found.notices,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        total_articles=found.total if found.total_articles is None else found.total_articles,
        collapse=request.collapse,
    )
    return result, found.days


def _found(backend: SearchBackend, query: BackendQuery) -> BackendResult:
    """The backend's answer, or the semantic or hybrid one (``search.hybrid``)."""
    if by_meaning(query.request):
        return meaning_search(backend, query)
    found = backend.search(query)
    if keyword_strict(query.request):
        return replace(found, notices=(*found.notices, KEYWORD_ONLY))
    return found


def matching_ids(request: SearchRequest, *, batch: int = 500) -> MatchingIds:
    """Every hit of the full search (query, filters, sort; relevance included) in the
    order its pages show them, without the page cap, ``batch`` ids at a time; ``total``
    before the first batch. Call ``close()`` when done (or read every batch).

    Finding and ordering the hits is the search's own work, within the same budget as a
    search (``search.budget``): what a search of it can answer, its export can; what
    the budget cut is said in ``notices``. Reading the ids after that has no time limit:
    an export is as long as its result. Never autocorrected: an export is of what was asked.
    """
    request = _whole_search(request)
    if nothing := nothing_to_search(request.q):
        errors, notes = " ".join(nothing.errors) or None, tuple(nothing.notes)
        return MatchingIds(0, iter(()), query_error=errors, notices=notes)
    return get_backend().matching_ids(backend_query(request), batch=batch)


def _hit(found: BackendHit, loaded: dict) -> Hit:
    """A hit with its article and the articles folded into it (those still stored)."""
    copies = tuple(loaded[i] for i in found.folded if i in loaded)
    article = loaded.get(found.id)
    return Hit(
        found.id,
        found.score,
        found.highlights,
        article,
        found.explanation,
        copies,
        found.folded_total,
    )


def matches_among(
    requests: list[SearchRequest],
    ids: Iterable[int],
    *,
    possible: Callable[[Filters], bool] | None = None,
) -> list[set[int] | SearchError]:
    """For each request, the articles among ``ids`` it finds: its words and filters
    alone, without order, ranking, facets, highlights or spelling, and with no work limit
    (alerts' reverse search of new articles, in the worker). The engine is asked for all
    at once (``SearchBackend.matches_among``); the tags' spellings are read once.
    ``possible`` may say from a request's filters, as ids, that none of the articles can
    match: then the engine is not asked for it. A request that fails has its SearchError
    in its place, and fails none of the others."""
    within = frozenset(int(i) for i in ids)
    found: list[set[int] | SearchError] = [set() for _ in requests]
    if not within:
        return found
    lean = {}
    for number, request in enumerate(requests):
        try:
            lean[number] = _among_request(request)
        except SearchError as exc:
            found[number] = exc
    lean = {number: request for number, request in lean.items() if request is not None}
    looked_up = look_up(list(lean.values()), spellings=True)
    asked: dict[int, BackendQuery] = {}
    for number, request in lean.items():
        query = _among_query(request, within, looked_up)
        if possible is None or possible(query.filters):
            asked[number] = query
    answers = _among(get_backend(), list(asked.values()))
    for number, answer in zip(asked, answers, strict=True):
        found[number] = answer
    return found


def _among_request(request: SearchRequest) -> SearchRequest | None:
    """The request as matching asks it (None: it has nothing to search)."""
    # Every article, copies too: alerts fold copies themselves ("also in").
    lean = dict(sort="newest", page=1, facets=(), highlight=False, explain=False, collapse="none")
    request = validate_request(replace(request, **lean, autocorrect=False, spelling=False))
    return None if nothing_to_search(request.q) else request


def _among_query(request: SearchRequest, within: frozenset[int], looked_up) -> BackendQuery:
    query = backend_query(request, looked_up=looked_up)
    return replace(query, filters=replace(query.filters, ids=within), budget=_matching_budget())


def _among(backend: SearchBackend, queries: list[BackendQuery]) -> list[set[int] | SearchError]:
    """The backend's answers; when the queries fail together, each is asked alone, under
    a budget of its own (the first attempt's time is spent)."""
    try:
        return list(backend.matches_among(queries))
    except SearchError as exc:
        if len(queries) < 2:
            return [exc]
    answers: list[set[int] | SearchError] = []
    for query in queries:
        try:
            answers += backend.matches_among([replace(query, budget=_matching_budget())])
        except SearchError as exc:
            answers.append(exc)
    return answers


def _matching_budget() -> Budget:
    """No work limit and minutes, not a second: the search budget keeps web searches
    quick, and would leave matches out here (a phrase checked in part); matching runs in
    the worker, where a saved search may take its time. (Finite: PostgreSQL's
    statement_timeout takes milliseconds.)"""
    return Budget(units=10**15, seconds=MATCHING_SECONDS)


def query_problem(q: str) -> str | None:
    """Why ``q`` cannot be understood as written (a search reads its words literally then,
    or finds nothing when it has none), else None: the ``query_error`` its search gives."""
    return " ".join(parse_query(q).errors) or None


def term_counts(request: SearchRequest, *, sample: int, least: int = 1) -> TermCounts:
    """The words of the full search's hits (``SearchBackend.term_counts``), for
    significant terms. A query with nothing to search finds nothing (as its search
    does), so it has no words: never the whole archive's."""
    request = _whole_search(request)
    if nothing_to_search(request.q):
        return TermCounts(matched=0, read=0, documents=0)
    return get_backend().term_counts(backend_query(request), sample=sample, least=least)


def _whole_search(request: SearchRequest) -> SearchRequest:
    """The request validated as the service answers it, as a whole result: no page,
    facets, highlights or explanations, never autocorrected."""
    return validate_request(
        replace(request, page=1, facets=(), highlight=False, explain=False, autocorrect=False)
    )


def _corrected(request: SearchRequest, result: SearchResult) -> SearchResult:
    """With ``autocorrect``, the results of the suggestion when the query found nothing
    (the correction was checked to find something: ``search.corrections``)."""
    if not (request.autocorrect and result.total == 0 and result.suggestion):
        return result
    # Its own suggestion is never shown: the correction's is.
    again = search(replace(request, q=result.suggestion, autocorrect=False, spelling=False))
    return replace(again, suggestion=result.suggestion, corrected_from=request.q)


def _labels_and_links(found: BackendResult, query: BackendQuery, page: dict) -> Labels:
    """The labels of the counted and the selected outlets, authors and tags, and the
    page's tags and bylines attached to its articles: one query."""
    ids = labelled(found.counts)
    filters = query.filters
    ids["outlet"] |= filters.outlets or set()
    ids["author"] |= filters.authors or set()
    for kind, tags in filters.tags.items():
        if kind:  # a bare slug is no facet value: never shown as selected
            ids["tag"] |= tags
    names = selectors.names_and_links(
        outlets=ids["outlet"], authors=ids["author"], tags=ids["tag"], articles=list(page)
    )
    selectors.attach_links(page.values(), names)
    return Labels(
        outlet=names.outlets,
        author=names.authors,
        tag={pk: (f"{kind}:{slug}", name) for pk, (kind, slug, name) in names.tags.items()},
    )


def _with_articles(hits: list[BackendHit]) -> list[Hit]:
    """The hits with their articles, tags and bylines (two queries)."""
    articles = selectors.articles_by_id([h.id for h in hits])
    names = selectors.names_and_links(articles=list(articles))
    selectors.attach_links(articles.values(), names)
    return [Hit(h.id, h.score, h.highlights, articles.get(h.id), h.explanation) for h in hits]


def explain(search: SearchRequest, article_id: int) -> Explanation | None:
    """Why this article is a hit of ``search``, term by term (None: not in the index); in
    a semantic or hybrid mode, with the share of its score that meaning gave among the
    candidates the search's filters let through.

    Raises SearchUnavailable when the index cannot be read."""
    q = printable(search.q or "").strip()
    if not q:
        return None
    # An explanation offers no correction: none is looked for.
    request = validate_request(replace(search, q=q, spelling=False))
    backend, query = get_backend(), backend_query(request)
    words = backend.explain(query, article_id)
    if not by_meaning(request) or words is None:
        return words
    _keyword, fused = candidates(backend, query)
    if article_id not in fused:
        return replace(words, matched=False)
    return explained(words, fused[article_id])


def more_like_this(article_id: int, *, limit: int = 5) -> list[Hit]:
    """The articles most like this one, without itself and its duplicates."""
    exclude = selectors.article_duplicate_ids(article_id)
    texts = PageArticles().texts
    found = get_backend().more_like_this(article_id, texts=texts, limit=limit, exclude=exclude)
    return _with_articles([h for h in found if h.id not in exclude][:limit])


def suggest(prefix: str, *, limit: int = 10) -> list[Suggestion]:
    """Autocomplete: outlets, tags, authors and titles that start with ``prefix``."""
    prefix = printable(prefix or "").strip()[:100]
    if not prefix:
        return []
    limit = max(1, min(limit, 50))
    found = [
        Suggestion(text, kind, selectors.link_of(obj))
        for text, kind, obj in selectors.name_suggestions(prefix, limit=limit)
    ]
    ids = get_backend().suggest_titles(prefix, limit=limit)
    titles = selectors.article_titles(ids)
    found += [
        Suggestion(titles[i], "title", selectors.article_link(i, titles[i]))
        for i in ids
        if i in titles
    ]
    seen: set[tuple[str, str]] = set()
    unique = []
    for suggestion in found:
        key = (suggestion.kind, suggestion.text.casefold())
        if key not in seen:
            seen.add(key)
            unique.append(suggestion)
    return unique[:limit]
