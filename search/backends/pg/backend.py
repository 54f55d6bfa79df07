"""PostgreSQL full-text search behind the same interface as Whoosh.

The index is two tables (migration ``search/0100_postgres_fts``): ``search_pgdocument``
(weighted tsvectors) and ``search_pgfacet`` (what filters and facets read), kept current
by triggers in the same transaction as the article (switched on by the first use of
this backend), so ``index()`` only recomputes and
tops up the word counts, and the outbox has nothing to repair. The work is done by the
modules of ``search/backends/pg/``.
"""

import logging
import uuid
from collections.abc import Iterable
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, connections, router, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from archive.statistics import tables_analyze
from search.backends.base import (
    BackendHit,
    BackendQuery,
    BackendResult,
    MatchingIds,
    SearchBackend,
    TermCounts,
    Texts,
)
from search.backends.pg import (
    among,
    browsing,
    explain,
    maintenance,
    ranking,
    searching,
    similar,
    terms,
)
from search.budget import TOO_COSTLY, Budget
from search.types import SearchTooCostly, SearchUnavailable

STALE = "stale"
AMONG_BATCH = 100  # saved searches matched in one statement (alerts)
QUERY_CANCELED = "57014"  # SQLSTATE of a statement stopped by statement_timeout
log = logging.getLogger(__name__)


class _TimedCursor:
    """A cursor that gives each statement only the budget's time left: a search of many
    statements (a fuzzy word's expansions, a question's retry) ends in time as a whole."""

    def __init__(self, cursor, budget: Budget, milliseconds: int):
        self._cursor, self._budget, self._limit = cursor, budget, milliseconds

    def execute(self, sql, params=None):
        left = int(self._budget.remaining_seconds() * 1000)
        if left <= 0:
            raise SearchTooCostly(TOO_COSTLY)
        if left < self._limit * 0.8:  # reset only when it matters: one statement more
            self._cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(left)])
            self._limit = left
        return self._cursor.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self._cursor, name)


def read_alias() -> str:
    """The database a search reads: a replica when the router allows one (reads of a
    public page), else the primary ("default")."""
    return router.db_for_read(None)


@contextmanager
def bounded(budget: Budget, using: str | None = None):
    """A cursor whose statements each stop after the budget's time (``SET LOCAL
    statement_timeout``, inside a transaction of their own), a stopped one raising
    SearchTooCostly and any other database error SearchUnavailable.

    Its statements are not JIT-compiled: at 10x Reuters a search's estimated cost passes
    ``jit_above_cost`` and compiling its many expressions takes longer than running them
    (one term with facets: ~0.5 s of compiling for a statement that runs in ~0.1 s)."""
    milliseconds = max(1, int(budget.remaining_seconds() * 1000))
    using = using or read_alias()
    nested = connections[using].in_atomic_block
    try:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('statement_timeout'), current_setting('jit'),"
                " set_config('statement_timeout', %s, true), set_config('jit', 'off', true)",
                [str(milliseconds)],
            )
            before, jit = cursor.fetchone()[:2]
            yield _TimedCursor(cursor, budget, milliseconds)
            if nested:  # a savepoint's release keeps the settings: put them back
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true), set_config('jit', %s, true)",
                    [before, jit],
                )
    except DatabaseError as error:
        if getattr(error.__cause__, "pgcode", None) == QUERY_CANCELED:
            log.warning("search stopped after %d ms: %s", milliseconds, budget)
            raise SearchTooCostly(TOO_COSTLY) from error
        raise SearchUnavailable(f"The search tables cannot be read: {error}") from error


class _HeldCursor:
    """Reads and closes a cursor declared ``WITH HOLD`` (``searching.declare_ids``)."""

    def __init__(self, name: str, using: str):
        self.name, self.using, self.open = name, using, True

    def batches(self, size: int):
        try:
            while self.open:
                with connections[self.using].cursor() as cursor:
                    cursor.execute(f'FETCH FORWARD {int(size)} FROM "{self.name}"')
                    rows = cursor.fetchall()
                if not rows:
                    break
                yield [row[0] for row in rows]
        finally:
            self.close()

    def close(self) -> None:
        """Free the rows the server keeps; a lost connection took them already."""
        if not self.open:
            return
        self.open = False
        try:
            with connections[self.using].cursor() as cursor:
                cursor.execute(f'CLOSE "{self.name}"')
        except DatabaseError:
            log.warning("export cursor %s was gone before it was closed", self.name)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        raise ImproperlyConfigured(
            "SEARCH_BACKEND=postgres needs PostgreSQL as the database "
            f"(DATABASE_URL points to {connection.vendor}); use SEARCH_BACKEND=whoosh."
        )


class PostgresBackend(SearchBackend):
    """Full-text search in the database the web servers already share."""

    name = "postgres"

    def __init__(self, **_options):
        require_postgres()
        # The triggers that keep the vectors current are off while another engine is
        # used (they would slow every ingest for nothing): switch them on, catching up.
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_pg_live()")
            if not cursor.fetchone()[0]:
                with transaction.atomic():
                    if maintenance.go_live(cursor):
                        log.info("PostgreSQL search backend switched on: vectors rebuilt.")
        ranking.forget()

    def _cursor(self):
        return connection.cursor()

    def index(self, articles: Iterable) -> int:
        ids = [getattr(a, "pk", a) for a in articles]
        if not ids:
            return 0
        with transaction.atomic(), self._cursor() as cursor:
            count = maintenance.refresh(cursor, ids)
            maintenance.add_terms(cursor, ids)
            browsing.changes_prune(cursor)
        ranking.forget()
        return count

    def delete(self, ids: Iterable[int]) -> int:
        ids = [int(i) for i in ids]
        with self._cursor() as cursor:
            cursor.execute("DELETE FROM search_pgfacet WHERE article_id = ANY(%s)", [ids])
            cursor.execute("DELETE FROM search_pgdocument WHERE article_id = ANY(%s)", [ids])
            ranking.forget()
            return cursor.rowcount

    def search(self, query: BackendQuery) -> BackendResult:
        with bounded(query.budget) as cursor:
            return searching.run_search(cursor, query)

    def matching_ids(self, query: BackendQuery, *, batch: int) -> MatchingIds:
        """A held server-side cursor: found and counted within the budget, then read
        ``batch`` ids a FETCH (each a read of rows the server keeps: no time limit)."""
        name, using = f"export_{uuid.uuid4().hex}", read_alias()
        with bounded(query.budget, using) as cursor:
            declared = searching.declare_ids(cursor, query, name)
        held = _HeldCursor(name, using)
        return MatchingIds(
            total=declared.total,
            batches=held.batches(batch),
            parsed=declared.parsed,
            query_error=declared.query_error,
            notices=declared.notices,
            close=held.close,
        )

    def matches_among(self, queries: list[BackendQuery]) -> list[set[int]]:
        """AMONG_BATCH queries a statement (``among``), each under the first's budget,
        its clock started when the statement is sent."""
        found = []
        for start in range(0, len(queries), AMONG_BATCH):
            batch = queries[start : start + AMONG_BATCH]
            batch[0].budget.start()
            with bounded(batch[0].budget) as cursor:
                found += among.matches_among(cursor, batch)
        return found

    def explain(self, query: BackendQuery, article_id: int):
        with bounded(query.budget) as cursor:
            return explain.explain(cursor, query.request.q, article_id, query.synonyms)

    def more_like_this(
        self, article_id: int, *, texts: Texts, limit: int = 5, exclude: Iterable[int] = ()
    ) -> list[BackendHit]:
        """From the article's own vector (``texts`` is not read)."""
        with bounded(Budget.from_settings()) as cursor:
            return similar.more_like_this(cursor, article_id, limit, exclude=list(exclude))

    def term_counts(self, query: BackendQuery, *, sample: int, least: int = 1) -> TermCounts:
        """From the matching documents' ``exact`` vectors (``texts`` is not read)."""
        with bounded(query.budget) as cursor:
            return terms.term_counts(cursor, query, sample=sample, least=least)

    def suggest_titles(self, prefix: str, *, limit: int = 10) -> list[int]:
        with bounded(Budget.from_settings()) as cursor:
            return similar.title_suggestions(cursor, prefix, limit)

    def rebuild(self, articles: Iterable, *, total: int | None = None) -> int:
        """Recompute the vectors of ``articles`` from the database and drop every other
        document, in one transaction: readers see the old vectors until the commit."""
        if isinstance(articles, QuerySet):
            ids = list(articles.values_list("pk", flat=True))
        else:
            ids = [getattr(a, "pk", a) for a in articles]
        with transaction.atomic(), self._cursor() as cursor:
            count = maintenance.rebuild(cursor, ids)
        ranking.forget()
        return count

    def versions(self) -> dict[int, str]:
        from archive.models import Article
        from search.documents import article_version, articles_for_index

        with self._cursor() as cursor:
            cursor.execute("SELECT article_id FROM search_pgdocument")
            versions = {row[0]: STALE for row in cursor.fetchall()}
        queryset = Article.objects.filter(pk__in=RawSQL(maintenance.CURRENT_IDS, []))
        versions.update((a.pk, article_version(a)) for a in articles_for_index(queryset))
        return versions

    def stats(self) -> dict:
        with self._cursor() as cursor:
            return maintenance.stats(cursor)

    def tables_analyze(self) -> tuple[str, ...]:
        return tables_analyze(maintenance.TABLES)

    def close(self) -> None:
        """Nothing to release: Django owns the connection."""
