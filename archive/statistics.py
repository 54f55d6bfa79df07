"""Planner statistics after bulk writes.

PostgreSQL plans from statistics that autovacuum gathers some time after a write (or
never, where it is off). A query planned before them reads a freshly filled table as
empty: at 10x Reuters, the page's prefetch of article tags was planned as a scan of
400,000 rows (170 ms a search instead of 25). Whoever fills tables in bulk (an import,
an index rebuild, the regrouping, the benchmarks) analyses them at its end, here.
"""

import logging
from collections.abc import Iterable

from django.db import connection

from archive.models import Article, CopyBand, CopySignature, Story

# An import storing fewer articles than this leaves the statistics to autovacuum: a few
# rows do not change a plan, and ANALYZE reads a sample of every table named.
ANALYZE_FROM = 500
log = logging.getLogger(__name__)


def article_tables() -> tuple[str, ...]:
    """The tables an import or a regrouping fills: articles, their links, copy detection,
    stories."""
    return (
        Article._meta.db_table,
        Article.tags.through._meta.db_table,
        Article.authors.through._meta.db_table,
        CopySignature._meta.db_table,
        CopyBand._meta.db_table,
        Story._meta.db_table,
    )


def tables_analyze(tables: Iterable[str]) -> tuple[str, ...]:
    """Gather the planner statistics of ``tables`` (SQLite's too) and return their names."""
    names = tuple(dict.fromkeys(tables))
    if not names:
        return ()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(quote(n) for n in names))
        else:  # SQLite analyses one table a statement
            for name in names:
                cursor.execute(f"ANALYZE {quote(name)}")
    log.info("planner statistics gathered: %s", ", ".join(names))
    return names


def statistics_note(tables: tuple[str, ...]) -> str:
    """What a command prints after ``tables_analyze``."""
    return f"Planner statistics gathered (ANALYZE): {', '.join(tables)}." if tables else ""


def import_analyze(*, stored: int) -> tuple[str, ...]:
    """After an import: the article tables analysed when it stored ANALYZE_FROM articles
    or more (their names), else nothing."""
    return tables_analyze(article_tables()) if stored >= ANALYZE_FROM else ()
