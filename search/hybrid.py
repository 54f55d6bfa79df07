"""Searching by meaning: the semantic and hybrid modes of a search, on any backend.

A hybrid search takes the ``CANDIDATES`` best keyword hits and the ``CANDIDATES``
articles nearest the query in meaning (``search.semantic.nearest``, among the articles
that pass the filters), and fuses the two rankings (``search.fusion``); a semantic
search takes the nearest alone. The candidates are the result: one more backend search
restricted to their ids (``Filters.ids``, as alerts restrict theirs) applies the
filters and counts the total, the facets and the histogram over them, and orders them
by date when a date sort is asked. The page's hits are highlighted and explained by the
keyword query restricted to their ids (an article found by meaning alone has no marks).

Articles not embedded yet are found by their words (hybrid). A query that says how to
match (quotes, fields, ``-word``: ``search.query.explicit``) stays keyword-strict.
"""

from dataclasses import replace

from search.backends.base import BackendHit, BackendQuery, BackendResult, SearchBackend
from search.fusion import Fused, rank_fusion
from search.query import explicit
from search.question import read
from search.semantic import nearest
from search.types import Explanation, SearchRequest

CANDIDATES = 100  # of each kind; PostgreSQL pages keyword hits by 100 at most
KEYWORD_ONLY = "Quotes, fields and operators are searched by keywords only."
_NO_PAGE = dict(page=1, facets=(), highlight=False, explain=False, spelling=False)


def by_meaning(request: SearchRequest) -> bool:
    """Whether the request is searched by meaning: a semantic or hybrid mode and words
    that do not say how to match them."""
    return request.mode != "keyword" and bool(request.q.strip()) and not keyword_strict(request)


def keyword_strict(request: SearchRequest) -> bool:
    """A semantic or hybrid request whose query says how to match (searched by keywords)."""
    return request.mode != "keyword" and explicit(read(request.q).node)


def meaning_search(backend: SearchBackend, query: BackendQuery) -> BackendResult:
    """The request's semantic or hybrid result, in the shape of any backend's."""
    request = query.request
    keyword, fused = candidates(backend, query)
    # The keyword hits' folded copies too: not candidates, but listed with their group.
    copies = {i for h in keyword.hits for i in h.folded} if keyword else set()
    ids = frozenset(fused) | copies
    shown = backend.search(_restricted(query, ids, sort=_date_sort(request), **_NO_PAGE))
    hits = shown.hits
    if request.sort == "relevance":
        hits = [_shown_by_rank(h, fused) for h in hits]
        hits = sorted(hits, key=lambda h: (-_best(fused, h).score, h.id))
    start = (request.page - 1) * request.page_size
    page = _marked(backend, query, hits[start : start + request.page_size], fused)
    if keyword is None:  # by meaning alone: the query's syntax is read all the same
        said = read(request.q)
        error, notices = " ".join(said.errors) or None, tuple(said.notes)
    else:
        error, notices = keyword.query_error, keyword.notices
    return replace(
        shown,
        hits=page,
        suggestion=keyword.suggestion if keyword else None,
        parsed=keyword.parsed if keyword else f"meaning of: {request.q}",
        query_error=error,
        notices=notices,
    )


def candidates(
    backend: SearchBackend, query: BackendQuery
) -> tuple[BackendResult | None, dict[int, Fused]]:
    """The keyword hits (hybrid; None: semantic) and the fused candidates of a request."""
    keyword = _keyword_hits(backend, query) if query.request.mode == "hybrid" else None
    ids = [h.id for h in keyword.hits] if keyword else []
    return keyword, rank_fusion(ids, _nearest(backend, query))


def _keyword_hits(backend: SearchBackend, query: BackendQuery) -> BackendResult:
    lean = dict(_NO_PAGE, spelling=query.request.spelling, sort="relevance")
    return backend.search(_asked(query, page_size=CANDIDATES, **lean))


def _nearest(backend: SearchBackend, query: BackendQuery) -> list[tuple[int, float]]:
    """The articles nearest the query among those its filters let through."""
    among = _filtered_ids(backend, query) if _filters(query) else None
    if among is not None and not among:
        return []
    return nearest(query.request.q, CANDIDATES, among=among)


def _filters(query: BackendQuery) -> bool:
    filters, request = query.filters, query.request
    by_ids = filters.outlets is not None or filters.authors is not None or filters.ids is not None
    by_values = request.languages or request.years or request.months
    dates = request.date_from or request.date_to
    return bool(by_ids or filters.tags or filters.scope or by_values or dates)


def _filtered_ids(backend: SearchBackend, query: BackendQuery) -> list[int]:
    """Every article the filters let through (the words aside)."""
    browse = _asked(query, q="", sort="newest", collapse="none", **_NO_PAGE)
    found = backend.matching_ids(browse, batch=5000)
    try:
        return [i for batch in found.batches for i in batch]
    finally:
        found.close()


def _restricted(query: BackendQuery, ids: frozenset[int], **changes) -> BackendQuery:
    """A browse of these articles under the request's filters, facets and folding."""
    changes = {**changes, "facets": query.request.facets}
    restricted = _asked(query, q="", page_size=max(len(ids), 1), **changes)
    if query.filters.ids is not None:
        ids &= query.filters.ids
    return replace(restricted, filters=replace(query.filters, ids=ids))


def _asked(query: BackendQuery, **changes) -> BackendQuery:
    changes = {"facets": (), **changes}
    return replace(query, request=replace(query.request, **changes))


def _date_sort(request: SearchRequest) -> str:
    return "newest" if request.sort == "relevance" else request.sort


def _shown_by_rank(hit: BackendHit, fused: dict[int, Fused]) -> BackendHit:
    """A group shown by its best-fused member (of equals, the oldest), as a keyword
    search shows its best-ranked one; the others stay folded, oldest first."""
    # The browse sorted by date shows a group's newest member, its others oldest first.
    members = (*hit.folded, hit.id)
    best = max(members, key=lambda i: fused[i].score if i in fused else 0.0)
    if best == hit.id:
        return hit
    folded = tuple(i for i in members if i != best)[: len(hit.folded)]
    return replace(hit, id=best, folded=folded)


def _best(fused: dict[int, Fused], hit: BackendHit) -> Fused:
    """A hit's fused score: its best article's (a folded copy may be the candidate)."""
    scores = [fused[i] for i in (hit.id, *hit.folded) if i in fused]
    return max(scores, key=lambda f: f.score, default=Fused(0.0))


def _marked(
    backend: SearchBackend, query: BackendQuery, hits: list[BackendHit], fused: dict[int, Fused]
) -> list[BackendHit]:
    """The page's hits with their fused scores, and the keyword query's highlights and
    explanations where the words are in them."""
    request = query.request
    words: dict[int, BackendHit] = {}
    if hits and (request.highlight or request.explain):
        ids = frozenset(h.id for h in hits)
        # Ranked only to explain: ordering by date skips the ranking's reading of texts.
        sort = "relevance" if request.explain else "newest"
        # Never a correction: the keyword candidates looked for it already.
        page = dict(page=1, page_size=len(ids), collapse="none", sort=sort, spelling=False)
        asked = _asked(query, **page)
        asked = replace(asked, filters=replace(query.filters, ids=ids))
        words = {h.id: h for h in backend.search(asked).hits}
    return [_hit(h, _best(fused, h), words.get(h.id), explain=request.explain) for h in hits]


def _hit(hit: BackendHit, fused: Fused, words: BackendHit | None, *, explain: bool):
    explanation = explained(words.explanation if words else None, fused) if explain else None
    highlights = words.highlights if words else hit.highlights
    return replace(hit, score=fused.score, highlights=highlights, explanation=explanation)


def explained(keyword: Explanation | None, fused: Fused) -> Explanation:
    """The keyword explanation of a fused hit, its terms' shares scaled to leave meaning
    its share (all add up to 1); a hit found by meaning alone has no terms."""
    rest = 1.0 - fused.semantic_share
    matches = ()
    if keyword is not None and keyword.matched:
        matches = tuple(
            replace(m, share=m.share * rest, score=m.share * rest * fused.score)
            for m in keyword.matches
        )
    return Explanation(
        score=fused.score,
        matches=matches,
        missing=keyword.missing if keyword else (),
        semantic_share=fused.semantic_share,
        similarity=fused.similarity,
    )
