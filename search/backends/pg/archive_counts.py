"""Browsing the whole archive counted from ``search_pgcount``: the counts of every facet
value and day, kept by statement triggers on the facet rows (migration
``search/0107_pg_archive_counts``), instead of scanning every facet row once a facet.

Used by ``search.backends.pg.facets.aggregate_sql`` when the search has no query and no
filter. Folding copies stays exact: the rows that share a copy group (few, read through
the indexes) are counted apart and subtracted, as the scan does (``fold:`` rows).
"""

from search.types import TAG_KINDS

# Each key's count: a key has a few rows (one per writer in flight), summed.
KEPT = (
    "kept AS MATERIALIZED (SELECT facet, value, sum(n)::bigint AS c FROM search_pgcount"
    " GROUP BY 1, 2 HAVING sum(n) <> 0)"
)
# The facets kept, by the key they count under (tag kinds read the tag's kind).
_KEYS = {"outlet": "outlet", "year": "year", "month": "month", "language": "language"}
_KEYS |= {"author": "author"} | {kind: "tag" for kind in TAG_KINDS}
# The day of a facet row ``s`` as kept ('' when undated).
_DAY = "coalesce((s.published - date '0001-01-01' + 1)::text, '')"


def answers(facets, *, collapse: str, original: bool) -> bool:
    """Whether the kept counts answer these facets under this collapse (the scan answers
    the others): stories fold more rows than the indexes find cheaply, and outlets
    credited to the original read each copy's original."""
    if collapse not in ("none", "copies"):
        return False
    if original and "outlet" in facets:
        return False
    return all(facet in _KEYS for facet in facets)


def facet_select(facet: str) -> str:
    """The counts of one facet (a tag kind takes its kinds as a parameter)."""
    if _KEYS[facet] == "tag":
        return (
            "SELECT t.kind, k.value, NULL::text, k.c FROM kept k"
            " JOIN archive_tag t ON t.id = k.value::bigint"
            " WHERE k.facet = 'tag' AND t.kind = ANY(%s)"
        )
    return f"SELECT '{facet}', value, NULL::text, c FROM kept WHERE facet = '{_KEYS[facet]}'"


def histogram(folding: bool) -> str:
    """The days; when folding, less the rows after the first of their unit
    (``fold_shared``)."""
    days = "SELECT value, c FROM kept WHERE facet = 'day'"
    if folding:
        days += f" UNION ALL SELECT {_DAY}, -count(*) FROM fold_shared s WHERE s.gr > 1 GROUP BY 1"
    return (
        "SELECT 'histogram', nullif(value, ''), NULL::text, c FROM (SELECT value, sum(c)::bigint"
        f" AS c FROM ({days}) x GROUP BY 1 HAVING sum(c) <> 0) y"
    )


ARTICLES = "SELECT 'articles', NULL::text, NULL::text, sum(c)::bigint FROM kept WHERE facet = 'day'"

# The rows of the groups that have copies, found by the indexes: the copies (partial
# index of migration 0102) and their originals (by id).
FOLD_ROWS = (
    "fold_rows AS MATERIALIZED (SELECT d.* FROM m d WHERE d.copy_group <> d.article_id"
    " UNION ALL SELECT d.* FROM m d WHERE d.article_id IN (SELECT k FROM fold_groups)"
    " AND (d.copy_group IS NULL OR d.copy_group = d.article_id))"
)
