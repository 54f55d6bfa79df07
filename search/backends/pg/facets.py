"""Total, facet counts and the date histogram in one SQL statement over the matching set.

The matching set ``m`` (the query and the date range) is materialised once; each facet
counts it under every filter except its own, facets that share a condition share a
scan, and the histogram counts it under all filters (the total is the histogram's sum,
undated rows included: one scan of the whole archive less when browsing). Counts are by id or value:
labels are the query service's (``search.shaping``).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from search.backends.pg import archive_counts
from search.backends.pg.filters import combine
from search.shaping import CONTENDERS, FACET_SIZE
from search.types import MAX_COPIES_LISTED, TAG_KINDS

# Months as numbers (year * 12 + month - 1, ``search.shaping.month_number``).
_MONTH = "extract(year FROM d.published)::int * 12 + extract(month FROM d.published)::int - 1"
# What one hit stands for (``SearchRequest.collapse``): the unit's key, and whether a row
# may share it with others (only those are numbered within their unit; every other row
# is its own unit). ``fold_groups`` holds the copy groups that have copies (``_SHARED_GROUPS``).
# Rows of older indexes that have no copy group yet stand for themselves.
_GROUP = "coalesce(d.copy_group, d.article_id)"
_IN_SHARED_GROUP = f"{_GROUP} IN (SELECT k FROM fold_groups)"
UNITS = {
    "none": None,
    "copies": (_GROUP, _IN_SHARED_GROUP),
    "stories": (
        f"coalesce(-d.story_id, {_GROUP})",
        f"(d.story_id IS NOT NULL OR {_IN_SHARED_GROUP})",
    ),
}
# Served by the partial index of migration 0102: as many rows as there are copies.
_SHARED_GROUPS = (
    "fold_groups AS MATERIALIZED (SELECT DISTINCT copy_group AS k FROM search_pgfacet"
    " WHERE copy_group <> article_id)"
)
# {n}: how a row counts (each row, or each unit once); {k} and {sh}: the unit's key and
# whether it may be shared, for the selects that unnest first and count with {nk} after.
_SELECTS = {
    "outlet": (
        "SELECT 'outlet', d.outlet_id::text, NULL::text, {n} FROM m d"
        " WHERE d.outlet_id IS NOT NULL AND {where} GROUP BY d.outlet_id"
    ),
    # Original reporting only: each row credited to the outlet of its copy group's original.
    "outlet_original": (
        "SELECT 'outlet', o::text, NULL::text, {nk} FROM (SELECT coalesce(og.outlet_id,"
        f" d.outlet_id) AS o, {{k}} AS k, {{sh}} AS sh FROM m d LEFT JOIN search_pgfacet og"
        f" ON og.article_id = {_GROUP} WHERE {{where}}) u WHERE o IS NOT NULL GROUP BY o"
    ),
    # Group by a number first, format the few groups after: cheaper than per-row text.
    "year": (
        "SELECT 'year', k::text, NULL::text, c FROM (SELECT extract(year FROM d.published)::int"
        " AS k, {n} AS c FROM m d WHERE d.published IS NOT NULL AND {where} GROUP BY 1) s"
    ),
    "month": (
        f"SELECT 'month', k::text, NULL::text, c FROM (SELECT {_MONTH} AS k, {{n}} AS c"
        " FROM m d WHERE d.published IS NOT NULL AND {where} GROUP BY 1) s"
    ),
    "language": (
        "SELECT 'language', d.language::text, NULL::text, {n} FROM m d"
        " WHERE d.language <> '' AND {where} GROUP BY 2"
    ),
    "author": (
        "SELECT 'author', i::text, NULL::text, {nk} FROM (SELECT unnest(d.author_ids) AS i,"
        " {k} AS k, {sh} AS sh FROM m d WHERE {where}) u GROUP BY i"
    ),
    # The tag table only for the kind: a facet per kind.
    "tags": (
        "SELECT t.kind, x.i::text, NULL::text, c FROM (SELECT i, {nk} AS c"
        " FROM (SELECT unnest(d.tag_ids) AS i, {k} AS k, {sh} AS sh FROM m d WHERE {where}) u"
        " GROUP BY 1) x"
        " JOIN archive_tag t ON t.id = x.i WHERE t.kind = ANY(%s)"
    ),
    "articles": "SELECT 'articles', NULL::text, NULL::text, count(*) FROM m d WHERE {where}",
    "most": "SELECT 'most', NULL::text, NULL::text, max(d.matched) FROM m d WHERE {where}",
    # Days as ``date.toordinal()`` (1 January of year 1 is day 1); undated rows under NULL,
    # so that the days add up to the total.
    "histogram": (
        "SELECT 'histogram', k::text, NULL::text, c FROM (SELECT d.published - date '0001-01-01'"
        " + 1 AS k, count(*) AS c FROM m d WHERE {where} GROUP BY 1) s"
    ),
}
_ALL_ROWS = ("hit", "histogram", "year", "month", "most", "articles", "group", "copy")


@dataclass(frozen=True)
class Counts:
    """What the aggregate statement answers."""

    hits: list[tuple[int, float | None]]
    total: int
    counts: dict[str, dict]  # facet -> {id, year, month number or language: hits}
    days: dict[int, int]  # day (``date.toordinal()``) -> hits under every filter
    most: int = 0  # the most words of the question one hit has (asked with ``most``)
    articles: int | None = None  # matching articles, when a collapse folded them
    # With a collapse: hit id -> (ids folded into it, oldest first, at most
    # MAX_COPIES_LISTED; how many in all).
    folded: dict[int, tuple[tuple[int, ...], int]] = field(default_factory=dict)


def aggregate_sql(
    facets,
    filters,
    matches: tuple[str, list],
    *,
    page,
    most=False,
    unit=None,
    original=False,
    whole=False,
):
    """(SQL, params) answering rows (facet, value, label, count): the page's hits
    ('hit', id, score, position), the histogram (its sum is the total) and the facets; with
    ``most``, the most words of the question one hit has ('most').

    ``matches`` is (SQL, params) of the CTEs ending with ``m``, the matching facet rows
    with their ``score`` (and, for a question, ``matched``: how many of its words);
    ``page`` is (ORDER BY, limit, offset). With ``unit`` (an expression of ``UNITS``)
    the list shows the first row of each unit under the order (``fold_shared`` numbers
    the rows that may share one),
    the total and the histogram count those, the facets count units, and rows say the
    articles matched ('articles'), each hit's unit ('group') and what was folded into
    it ('copy', id, unit, rank). With ``original`` the outlet facet credits each row
    to its copy group's original's outlet. With ``whole`` (no query, no filter: ``m`` is
    every row; ``archive_counts.answers`` the facets) the counts are the kept ones."""
    parts, params = [], list(matches[1])
    ctes = matches[0]
    if whole:
        ctes += f", {archive_counts.KEPT}"
    all_sql, all_params = combine(filters)
    order, limit, offset = page
    if unit is None:
        counting = {"n": "count(*)", "nk": "count(*)", "k": "NULL", "sh": "false"}
        parts.append(
            # The position is numbered after LIMIT: a top-N sort, not a sort of every match.
            "SELECT 'hit', p.article_id::text, p.score::text, row_number() OVER () FROM"
            f" (SELECT d.article_id, d.score FROM m d WHERE {all_sql} ORDER BY {order}"
            " LIMIT %s OFFSET %s) p"
        )
        params += [*all_params, limit, offset]
        if whole:
            parts.append(archive_counts.histogram(folding=False))
        else:
            parts.append(_SELECTS["histogram"].format(where=all_sql))
            params += all_params
    else:
        key = unit[0]
        counting = {"n": "count(*)", "nk": "count(*)", "k": "NULL", "sh": "false"}
        # Each facet counts rows (a hash aggregate), and a second select over the rows that
        # may share their unit says how many of those rows repeat a unit ('fold:<facet>',
        # subtracted by ``read_rows``): a DISTINCT over every row would sort them all.
        folding = {
            "n": f"count(*) - count(DISTINCT {key})",
            "nk": "count(*) - count(DISTINCT k)",
            "k": key,
            "sh": "true",
        }
        folded, shown = folding_ctes(unit, order, all_sql, whole=whole)
        ctes += (
            f"{folded},"
            " fold_page AS MATERIALIZED (SELECT q.*, row_number() OVER () AS pos FROM (SELECT"
            f" d.article_id, d.score, {key} AS gk FROM m d WHERE ({all_sql}) AND {shown}"
            f" ORDER BY {order} LIMIT %s OFFSET %s) q)"
        )
        params += [*all_params, *all_params, limit, offset]
        parts += [
            "SELECT 'hit', p.article_id::text, p.score::text, p.pos FROM fold_page p",
            "SELECT 'group', p.article_id::text, p.gk::text, p.pos FROM fold_page p",
            "SELECT 'copy', c.article_id::text, c.gk::text, c.n FROM (SELECT d.article_id,"
            " d.gk, row_number() OVER (PARTITION BY d.gk ORDER BY d.published ASC NULLS LAST,"
            " d.article_id) AS n FROM fold_shared d WHERE d.gr > 1"
            " AND d.gk IN (SELECT gk FROM fold_page)) c",
        ]
        if whole:
            parts += [archive_counts.ARTICLES, archive_counts.histogram(folding=True)]
        else:
            parts += [
                _SELECTS["articles"].format(where=all_sql),
                _SELECTS["histogram"].format(where=f"({all_sql}) AND {shown}"),
            ]
            params += [*all_params, *all_params]
    if most:
        parts.append(_SELECTS["most"].format(where=all_sql))
        params += all_params
    tag_kinds_by_condition = defaultdict(list)
    for facet in facets:
        # The year facet ignores the month filter too: a ticked month keeps its year's siblings.
        without = ("year", "month") if facet == "year" else (facet,)
        where, where_params = combine(filters, without=without)
        if facet in TAG_KINDS:
            tag_kinds_by_condition[(where, repr(where_params))].append((facet, where_params))
            continue
        name = "outlet_original" if facet == "outlet" and original else facet
        if whole:
            parts.append(archive_counts.facet_select(facet))
        else:
            parts.append(_SELECTS[name].format(where=where, **counting))
            params += where_params
        if unit is not None:
            parts.append(_repeats(_SELECTS[name], where, folding))
            params += where_params
    for (where, _), kinds in tag_kinds_by_condition.items():
        if whole:
            parts.append(archive_counts.facet_select(kinds[0][0]))
            params.append([k for k, _ in kinds])
        else:
            parts.append(_SELECTS["tags"].format(where=where, **counting))
            params += [*kinds[0][1], [k for k, _ in kinds]]
        if unit is not None:
            parts.append(_repeats(_SELECTS["tags"], where, folding))
            params += [*kinds[0][1], [k for k, _ in kinds]]
    # A facet's contenders (``search.shaping.contenders``): counted at least as often as
    # its FACET_SIZE-th value, at most CONTENDERS of them, smaller ids first.
    ranked = (
        "SELECT f, v, l, c FROM (SELECT f, v, l, c, rank() OVER (PARTITION BY f ORDER BY c DESC)"
        " AS r, row_number() OVER (PARTITION BY f ORDER BY c DESC, length(v), v) AS n FROM ("
        + " UNION ALL ".join(f"({p})" for p in parts)
        + ") AS u(f, v, l, c)) AS x"
        f" WHERE (r <= %s AND n <= %s) OR f IN {_ALL_ROWS!r} OR f LIKE 'fold:%%'"
    )
    params += [FACET_SIZE, CONTENDERS]
    return f"WITH {ctes} {ranked}", params


def folding_ctes(
    unit: tuple[str, str], order: str, where: str, *, whole: bool = False
) -> tuple[str, str]:
    """CTEs to add after those of ``matches`` (taking the params of ``where`` once), and
    the condition on ``d`` that keeps the first row of each unit under ``order``.

    fold_rows: the matching rows that may share their unit (few: copies and their
    originals, stories); fold_shared: those under every filter (``where``), numbered in
    their unit (names that do not clash with the CTEs of ``matches``). A row is shown
    unless it comes after the first of its unit. With ``whole`` (``m`` is every row,
    folded by copies) fold_rows is read through the indexes."""
    key, shared = unit
    rows = f"fold_rows AS MATERIALIZED (SELECT d.* FROM m d WHERE {shared})"
    if whole:
        rows = archive_counts.FOLD_ROWS
    ctes = (
        f", {_SHARED_GROUPS}, {rows},"
        f" fold_shared AS MATERIALIZED (SELECT d.article_id, d.published, {key} AS gk,"
        f" row_number() OVER (PARTITION BY {key} ORDER BY {order}) AS gr"
        f" FROM fold_rows d WHERE {where})"
    )
    return ctes, "d.article_id NOT IN (SELECT article_id FROM fold_shared WHERE gr > 1)"


def _repeats(select: str, where: str, folding: dict) -> str:
    """A facet's select counting, per value, the rows that repeat a unit already counted
    (rows minus units, over ``fold_rows``), as rows of 'fold:<facet>'."""
    inner = select.replace("FROM m d", "FROM fold_rows d").format(where=where, **folding)
    return f"SELECT 'fold:' || f, v, l, c FROM ({inner}) z(f, v, l, c) WHERE c > 0"


def source(text: bool) -> str:
    """The FROM clause: facet rows ``d``, with their document rows ``x`` when needed."""
    if text:
        return "search_pgfacet d JOIN search_pgdocument x ON x.article_id = d.article_id"
    return "search_pgfacet d"


def read_rows(rows, facets) -> Counts:
    """The ``Counts`` in the aggregate rows."""
    total, most, articles, days, hits = 0, 0, None, {}, []
    found, groups, copies = defaultdict(dict), {}, defaultdict(list)
    repeats = defaultdict(dict)  # facet -> {value: rows that repeat a unit}
    for facet, value, label, count in rows:
        if facet == "hit":
            hits.append((count, int(value), None if label is None else float(label)))
        elif facet == "articles":
            articles = count
        elif facet == "group":
            groups[int(value)] = int(label)
        elif facet == "copy":
            copies[int(label)].append((count, int(value)))
        elif facet == "most":
            most = count or 0
        elif facet == "histogram":
            total += count
            if value is not None:
                days[int(value)] = count
        elif facet.startswith("fold:"):
            repeats[facet[5:]][value if facet == "fold:language" else int(value)] = count
        else:
            found[facet][value if facet == "language" else int(value)] = count
    for facet, values in repeats.items():
        for value, n in values.items():
            if value in found[facet]:  # values cut from the contenders stay cut
                found[facet][value] -= n
    counts = {facet: found.get(facet, {}) for facet in facets}
    hits = [(i, score) for _, i, score in sorted(hits)]
    folded = {}
    for hit, group in groups.items():
        members = [i for _, i in sorted(copies.get(group, []))]
        folded[hit] = (tuple(members[:MAX_COPIES_LISTED]), len(members))
    return Counts(hits, total, counts, days, most, articles, folded)
