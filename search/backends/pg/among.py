"""Which of a few given articles each of many searches matches (alerts), in one statement.

The given articles' rows are read once, by primary key, into a materialised CTE (the
vectors copied, so each is decompressed once), and each search is a branch of a UNION
ALL that tests its compiled query and filters on those rows alone: the work follows the
number of articles times the number of searches, not the size of the archive. (Left to
itself, the planner would start a rare word from its GIN index and then, misjudging how
many rows that gives, scan the facet table once for each of them.)
"""

from dataclasses import replace

from search.backends.base import BackendQuery
from search.backends.pg.compile import Compiler
from search.backends.pg.questions import plain_words, question_rest
from search.backends.pg.searching import prepared
from search.nodes import Best
from search.question import read

# The given articles: facet columns and vectors in one row, each table read by primary key
# (the planner carries no list of ids across a join by itself).
_ROWS = (
    "r AS MATERIALIZED (SELECT d.*, x.doc || ''::tsvector AS doc, x.exact || ''::tsvector"
    " AS exact FROM search_pgfacet d LEFT JOIN search_pgdocument x ON x.article_id ="
    " d.article_id AND x.article_id = ANY(%s::bigint[]) WHERE d.article_id = ANY(%s::bigint[]))"
)
# Compiled SQL reads facets as ``d`` and vectors as ``x``: both are the row's own columns.
_FACETS = "r d"
_TEXTS = "r d, LATERAL (SELECT d.doc, d.exact) x"
# Room for the rows in memory (the default 4 MB spills 2,000 articles to a temporary file,
# read again by every search); for this statement's transaction only.
_WORK_MEM = "64MB"


def matches_among(cursor, queries: list[BackendQuery]) -> list[set[int]]:
    """For each query (all restricted to the same ids), the ids it matches."""
    ids = {query.filters.ids for query in queries}
    if len(ids) != 1 or None in ids:
        raise ValueError("queries asked together are restricted to the same ids")
    among = sorted(ids.pop())
    # Every query's words analysed in one round trip, not one a query.
    Compiler(cursor).prefetch(w for q in queries for w in plain_words(read(q.request.q).node))
    branches, params = [], [among, among]
    for number, query in enumerate(queries):
        sql, branch_params = _branch(cursor, query)
        branches.append(f"SELECT {number} AS n, article_id FROM ({sql}) b{number}")
        params += branch_params
    cursor.execute(
        "SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [_WORK_MEM]
    )
    before = cursor.fetchone()[0]
    cursor.execute(f"WITH {_ROWS} " + " UNION ALL ".join(branches), params)
    rows = cursor.fetchall()
    cursor.execute("SELECT set_config('work_mem', %s, true)", [before])
    found = [set() for _ in queries]
    for number, article_id in rows:
        found[number].add(article_id)
    return found


def _branch(cursor, query: BackendQuery) -> tuple[str, list]:
    """(SQL, params) of the ids one query matches among the CTEs' rows: its filters and
    compiled query as a search has them (the ids are the CTEs' already)."""
    query = replace(query, filters=replace(query.filters, ids=None))
    _parsed, compiler, tree, search = prepared(cursor, query)
    conditions, params = search.conditions()
    node = tree.node
    if isinstance(node, Best):
        return _best(compiler, node, conditions, params)
    compiled = compiler.compile(node) if node is not None else None
    text_sql, text_params = compiled.as_sql() if compiled else ("TRUE", [])
    source = _TEXTS if compiled else _FACETS
    return f"SELECT d.article_id FROM {source} WHERE {conditions} AND ({text_sql})", (
        params + text_params
    )


def _best(compiler: Compiler, node: Best, conditions: str, params: list):
    """A question: the rows with ``need`` of its words, or, when none has that many, with
    the most any of them has (as a search settles it: ``searching._settled``)."""
    should = compiler.should(node)
    if not should:
        return "SELECT NULL::bigint AS article_id WHERE FALSE", []
    count_sql, count_params = compiler.matched_count(should)
    rest_sql, rest_params = question_rest(compiler, node)
    counted = (
        f"SELECT d.article_id, {count_sql} AS matched FROM {_TEXTS}"
        f" WHERE {conditions} AND ({rest_sql})"
    )
    need = int(min(node.need, len(should)))
    sql = (
        "SELECT article_id FROM (SELECT article_id, matched, max(matched) OVER () AS most"
        f" FROM ({counted}) c) c WHERE matched >= 1 AND matched >= least({need}, most)"
    )
    return sql, count_params + params + rest_params
