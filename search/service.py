"""The query service: the one entry point for everything that searches.

Views, the REST API and the admin build a ``SearchRequest`` and read a
``SearchResult``; they never touch an engine.
"""

import threading
import time

from django.conf import settings

from search.backends import backend_class
from search.backends.base import BackendHit, SearchBackend
from search.query import printable
from search.request import validate_request
from search.selectors import (
    article_duplicate_ids,
    article_link,
    articles_by_id,
    link_of,
    name_suggestions,
)
from search.types import Explanation, Hit, SearchRequest, SearchResult, Suggestion

_backends: dict[tuple[str, str], SearchBackend] = {}
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


def search(request: SearchRequest) -> SearchResult:
    """Answer a search; the page's hits carry their ``Article`` loaded in one query.

    The request is checked by the parameters' rules (``search.request.validate_request``:
    the page size is capped, control characters read as spaces); a page past the end
    has no hits (``total`` still says how many there are). Raises InvalidQuery (bad
    sort, page, facet, month or dates) and SearchUnavailable (the index cannot be read).
    """
    started = time.perf_counter()
    request = validate_request(request)
    found = get_backend().search(request)
    return SearchResult(
        total=found.total,
        page=request.page,
        page_size=request.page_size,
        hits=_with_articles(found.hits),
        facets=found.facets,
        histogram=found.histogram,
        suggestion=found.suggestion,
        parsed=found.parsed,
        query_error=found.query_error,
        notices=found.notices,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
    )


def _with_articles(hits: list[BackendHit]) -> list[Hit]:
    articles = articles_by_id([h.id for h in hits])
    return [Hit(h.id, h.score, h.highlights, articles.get(h.id), h.explanation) for h in hits]


def explain(q: str, article_id: int) -> Explanation | None:
    """Why this article is a hit of ``q``, term by term (None: not in the index).

    Raises SearchUnavailable when the index cannot be read."""
    q = printable(q or "").strip()
    if not q:
        return None
    return get_backend().explain(q, article_id)


def more_like_this(article_id: int, *, limit: int = 5) -> list[Hit]:
    """The articles most like this one, without itself and its duplicates."""
    exclude = article_duplicate_ids(article_id)
    found = get_backend().more_like_this(article_id, limit=limit, exclude=exclude)
    return _with_articles([h for h in found if h.id not in exclude][:limit])


def suggest(prefix: str, *, limit: int = 10) -> list[Suggestion]:
    """Autocomplete: outlets, tags, authors and titles that start with ``prefix``."""
    prefix = printable(prefix or "").strip()[:100]
    if not prefix:
        return []
    limit = max(1, min(limit, 50))
    found = [
        Suggestion(text, kind, link_of(obj))
        for text, kind, obj in name_suggestions(prefix, limit=limit)
    ]
    found += [
        Suggestion(title, "title", article_link(article_id, title))
        for article_id, title in get_backend().suggest_titles(prefix, limit=limit)
    ]
    seen: set[tuple[str, str]] = set()
    unique = []
    for suggestion in found:
        key = (suggestion.kind, suggestion.text.casefold())
        if key not in seen:
            seen.add(key)
            unique.append(suggestion)
    return unique[:limit]
