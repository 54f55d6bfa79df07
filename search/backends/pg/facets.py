"""Total, facet counts and the date histogram in one SQL statement over the matching set.

The matching set ``m`` (the query and the date range) is materialised once; each facet
counts it under every filter except its own, facets that share a condition share a
scan, and the total and histogram count it under all filters.
"""

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from search.backends.pg.filters import combine
from search.types import TAG_KINDS, FacetValue, HistogramBucket

FACET_LIMIT = 20
_YEARLY_AFTER_MONTHS = 36  # a longer span is shown by year

_SELECTS = {
    "outlet": (
        "SELECT 'outlet', o.slug, o.name, c FROM (SELECT d.outlet_id, count(*) AS c FROM m d"
        " WHERE {where} GROUP BY 1) x JOIN archive_outlet o ON o.id = x.outlet_id"
    ),
    # Group by a number first, format the few groups after: cheaper than per-row text.
    "year": (
        "SELECT 'year', k::text, NULL::text, c FROM (SELECT extract(year FROM d.published)::int"
        " AS k, count(*) AS c FROM m d WHERE d.published IS NOT NULL AND {where} GROUP BY 1) s"
    ),
    "month": (
        "SELECT 'month', to_char(k, 'YYYY-MM'), NULL::text, c FROM (SELECT date_trunc('month',"
        " d.published::timestamp) AS k, count(*) AS c FROM m d"
        " WHERE d.published IS NOT NULL AND {where} GROUP BY 1) s"
    ),
    "language": (
        "SELECT 'language', d.language::text, NULL::text, count(*) FROM m d"
        " WHERE d.language <> '' AND {where} GROUP BY 2"
    ),
    "author": (
        "SELECT 'author', a.slug, a.name, c FROM (SELECT i, count(*) AS c FROM (SELECT"
        " unnest(d.author_ids) AS i FROM m d WHERE {where}) u GROUP BY 1) x"
        " JOIN archive_author a ON a.id = x.i"
    ),
    "tags": (
        "SELECT t.kind, t.kind || ':' || t.slug, t.name, c FROM (SELECT i, count(*) AS c"
        " FROM (SELECT unnest(d.tag_ids) AS i FROM m d WHERE {where}) u GROUP BY 1) x"
        " JOIN archive_tag t ON t.id = x.i WHERE t.kind = ANY(%s)"
    ),
    "total": "SELECT 'total', NULL::text, NULL::text, count(*) FROM m d WHERE {where}",
    "most": "SELECT 'most', NULL::text, NULL::text, max(d.matched) FROM m d WHERE {where}",
    "histogram": (
        "SELECT 'histogram', to_char(k, 'YYYY-MM'), NULL::text, c FROM (SELECT date_trunc("
        "'month', d.published::timestamp) AS k, count(*) AS c FROM m d"
        " WHERE d.published IS NOT NULL AND {where} GROUP BY 1) s"
    ),
}


@dataclass(frozen=True)
class Counts:
    """What the aggregate statement answers."""

    hits: list[tuple[int, float | None]]
    total: int
    facets: dict[str, list[FacetValue]]
    histogram: list[HistogramBucket]
    most: int = 0  # the most words of the question one hit has (asked with ``most``)


def aggregate_sql(facets, filters, matches: tuple[str, list], *, page, most: bool = False):
    """(SQL, params) answering rows (facet, value, label, count): the page's hits
    ('hit', id, score, position), the total, the histogram and the facets; with
    ``most``, the most words of the question one hit has ('most').

    ``matches`` is (SQL, params) of the CTEs ending with ``m``, the matching facet rows
    with their ``score`` (and, for a question, ``matched``: how many of its words);
    ``page`` is (ORDER BY, limit, offset)."""
    parts, params = [], list(matches[1])
    all_sql, all_params = combine(filters)
    order, limit, offset = page
    parts.append(
        # The position is numbered after LIMIT: a top-N sort, not a sort of every match.
        "SELECT 'hit', p.article_id::text, p.score::text, row_number() OVER () FROM"
        f" (SELECT d.article_id, d.score FROM m d WHERE {all_sql} ORDER BY {order}"
        " LIMIT %s OFFSET %s) p"
    )
    params += [*all_params, limit, offset]
    for name in ("total", "histogram") + (("most",) if most else ()):
        parts.append(_SELECTS[name].format(where=all_sql))
        params += all_params
    tag_kinds_by_condition = defaultdict(list)
    for facet in facets:
        # The year facet ignores the month filter too: a ticked month keeps its year's siblings.
        without = ("year", "month") if facet == "year" else (facet,)
        where, where_params = combine(filters, without=without)
        if facet in TAG_KINDS:
            tag_kinds_by_condition[(where, repr(where_params))].append((facet, where_params))
            continue
        parts.append(_SELECTS[facet].format(where=where))
        params += where_params
    for (where, _), kinds in tag_kinds_by_condition.items():
        parts.append(_SELECTS["tags"].format(where=where))
        params += [*kinds[0][1], [k for k, _ in kinds]]
    ranked = (
        "SELECT f, v, l, c FROM (SELECT f, v, l, c, row_number() OVER"
        " (PARTITION BY f ORDER BY c DESC, l, v) AS r FROM ("
        + " UNION ALL ".join(f"({p})" for p in parts)
        + ") AS u(f, v, l, c)) AS x"
        " WHERE r <= %s OR f IN ('hit', 'histogram', 'year', 'month')"
    )
    params.append(FACET_LIMIT)
    return f"WITH {matches[0]} {ranked}", params


def source(text: bool) -> str:
    """The FROM clause: facet rows ``d``, with their document rows ``x`` when needed."""
    if text:
        return "search_pgfacet d JOIN search_pgdocument x ON x.article_id = d.article_id"
    return "search_pgfacet d"


def read_rows(rows, facets, selected: dict[str, set], years: tuple[int, ...]):
    """The ``Counts`` in the aggregate rows."""
    total, most, months, hits = 0, 0, {}, []
    found = defaultdict(list)
    for facet, value, label, count in rows:
        if facet == "hit":
            hits.append((count, int(value), None if label is None else float(label)))
        elif facet == "total":
            total = count
        elif facet == "most":
            most = count or 0
        elif facet == "histogram":
            months[value] = count
        else:
            found[facet].append((value, label or value, count))
    result = {}
    for facet in facets:
        chosen = selected.get(facet, set())
        values = found.get(facet, [])
        if facet == "month":
            values = _months_shown(values, years)
        values += [(v, _label(facet, v), 0) for v in chosen - {v for v, _, _ in values}]
        if facet == "year":
            values.sort(key=lambda v: v[0], reverse=True)
        elif facet == "month":
            values.sort(key=lambda v: v[0])
        else:
            values.sort(key=lambda v: (-v[2], v[1].casefold()))
        result[facet] = [FacetValue(v, lbl, c, v in chosen) for v, lbl, c in values]
    hits = [(i, score) for _, i, score in sorted(hits)]
    return Counts(hits, total, result, histogram(months), most)


def _months_shown(values, years: tuple[int, ...]):
    """Months within the selected year(s), or within the only year of the hits."""
    if years:
        return [(v, _label("month", v), c) for v, _, c in values if int(v[:4]) in years]
    if len({v[:4] for v, _, _ in values}) != 1:
        return []
    return [(v, _label("month", v), c) for v, _, c in values]


def histogram(months: dict[str, int]) -> list[HistogramBucket]:
    """Every month from the first hit to the last, or every year for a long span."""
    if not months:
        return []
    numbers = {int(k[:4]) * 12 + int(k[5:]) - 1: c for k, c in months.items()}
    first, last = min(numbers), max(numbers)
    if last - first > _YEARLY_AFTER_MONTHS:
        years = defaultdict(int)
        for number, count in numbers.items():
            years[number // 12] += count
        return [
            HistogramBucket(str(y), years.get(y, 0), dt.date(y, 1, 1), dt.date(y, 12, 31))
            for y in range(first // 12, last // 12 + 1)
        ]
    buckets = []
    for number in range(first, last + 1):
        year, month = divmod(number, 12)
        end = dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])
        key = f"{year:04d}-{month + 1:02d}"
        buckets.append(
            HistogramBucket(key, numbers.get(number, 0), dt.date(year, month + 1, 1), end)
        )
    return buckets


def _label(facet: str, value: str) -> str:
    if facet == "month":
        return dt.date(int(value[:4]), int(value[5:]), 1).strftime("%B %Y")
    return value
