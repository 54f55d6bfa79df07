"""The request's filters as SQL on ``d`` (the article's facet row), grouped by facet.

Several values of one filter combine with OR, different filters with AND. A facet's
counts leave out that facet's own filter (multi-select faceting), so each filter is
kept under the name of the facet it belongs to.
"""

import datetime as dt

from search.backends.base import Filters
from search.types import InvalidQuery, SearchRequest

ANY_TAG = "tag"  # a bare slug: any kind; not a facet of its own
_SCOPE = {
    "outlet": "d.outlet_id = ANY(%s::bigint[])",
    "author": "d.author_ids && %s::bigint[]",
    "tag": "d.tag_ids && %s::bigint[]",
}


def request_filters(request: SearchRequest, ids: Filters) -> dict[str, tuple[str, list]]:
    """Facet name -> (SQL condition, params) for every filter the request sets; outlets,
    authors and tags by the ids the query service looked up."""
    filters: dict[str, tuple[str, list]] = {}
    if ids.outlets is not None:
        filters["outlet"] = ("d.outlet_id = ANY(%s::bigint[])", [sorted(ids.outlets)])
    for kind, tags in ids.tags.items():
        filters[kind or ANY_TAG] = ("d.tag_ids && %s::bigint[]", [sorted(tags)])
    if ids.authors is not None:
        filters["author"] = ("d.author_ids && %s::bigint[]", [sorted(ids.authors)])
    if ids.scope:  # named after no facet: every count keeps it
        field, scope = ids.scope
        filters["scope"] = (_SCOPE[field], [sorted(scope)])
    if request.languages:
        filters["language"] = ("d.language = ANY(%s)", [list(request.languages)])
    if request.years:
        filters["year"] = _periods([(dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in request.years])
    if request.months:
        filters["month"] = _periods([_month(m) for m in request.months])
    return filters


def fixed_filters(request: SearchRequest, ids: Filters | None = None) -> tuple[str, list]:
    """Filters that are no facet: the date range, and the articles a search is restricted
    to (``Filters.ids``: in the match itself, so only those are read)."""
    conditions, params = [], []
    if ids is not None and ids.ids is not None:
        conditions.append("d.article_id = ANY(%s::bigint[])")
        params.append(sorted(ids.ids))
    if request.date_from:
        conditions.append("d.published >= %s")
        params.append(request.date_from)
    if request.date_to:
        conditions.append("d.published <= %s")
        params.append(request.date_to)
    return " AND ".join(conditions) or "TRUE", params


def combine(filters: dict[str, tuple[str, list]], *, without: tuple[str, ...] = ()):
    """All filters but those named in ``without``, ANDed: (SQL, params)."""
    parts = [(sql, params) for name, (sql, params) in filters.items() if name not in without]
    if not parts:
        return "TRUE", []
    return " AND ".join(f"({sql})" for sql, _ in parts), [p for _, ps in parts for p in ps]


def _periods(ranges: list[tuple[dt.date, dt.date]]) -> tuple[str, list]:
    sql = " OR ".join("d.published BETWEEN %s AND %s" for _ in ranges)
    return sql, [d for pair in ranges for d in pair]


def _month(value: str) -> tuple[dt.date, dt.date]:
    try:
        start = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise InvalidQuery(f"{value!r} is not a month (YYYY-MM).") from None
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, following - dt.timedelta(days=1)
