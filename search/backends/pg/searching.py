"""Answer a ``SearchRequest`` in two SQL statements: page, counts and facets; highlights.
An export declares a cursor over every hit instead (``declare_ids``).

A question (``search.query.Best``) that no article answers with ``need`` of its words
takes two more: the most words any article has, and the search asking for that many.
"""

from dataclasses import dataclass, replace

from search.backends.base import BackendHit, BackendQuery, BackendResult, Filters
from search.backends.pg import archive_counts, explain, ranking
from search.backends.pg.browsing import kept_answer
from search.backends.pg.compile import Compiler
from search.backends.pg.facets import (
    UNITS,
    Counts,
    aggregate_sql,
    folding_ctes,
    read_rows,
    source,
)
from search.backends.pg.filters import combine, fixed_filters, request_filters
from search.backends.pg.highlight import highlights
from search.backends.pg.planner import index_scans
from search.backends.pg.questions import (
    Tree,
    most_words,
    plain_words,
    question_matches,
    question_tree,
)
from search.corrections import SUGGEST_BELOW, did_you_mean
from search.nodes import Best
from search.question import best_notice, read
from search.types import MAX_PAGE_SIZE, Highlights, SearchRequest

_ORDER = {
    "newest": "d.published DESC NULLS LAST, d.article_id DESC",
    "oldest": "d.published ASC NULLS LAST, d.article_id ASC",
}


def prepared(cursor, query: BackendQuery):
    """The query as read, its compiler, its tree (a question's words looked up) and the
    request's statements."""
    parsed = read(query.request.q)
    compiler = Compiler(cursor)
    tree = question_tree(cursor, compiler, parsed.node, query.synonyms)
    filters = request_filters(query.request, query.filters)
    search = _Search(cursor, query.request, compiler, filters, tree, query.filters)
    return parsed, compiler, tree, search


def _settled(search: "_Search", node) -> tuple[object, Counts]:
    """The node as answered and its counts: a question no article answers with ``need``
    of its words asks for the most words any article has (fewer, never none)."""
    counts = search.aggregate(node)
    if isinstance(node, Best):
        if counts.total == 0:
            most = most_words(search.cursor, search.compiler, node, search.conditions())
            if most:
                node = replace(node, need=min(node.need, most))
                counts = search.aggregate(node)
        search.tree.notes.append(best_notice(node, counts.most))
    return node, counts


def run_search(cursor, query: BackendQuery) -> BackendResult:
    request = query.request
    parsed, compiler, tree, search = prepared(cursor, query)
    node, counts = _settled(search, tree.node)
    compiled = compiler.compile(node) if node is not None else None
    marks = {}
    if request.highlight and counts.hits:
        marks = highlights(cursor, [i for i, _ in counts.hits], _rank(compiled))
    explained = {}
    if request.explain and compiled is not None:
        explained = {
            i: explain.explain(cursor, request.q, i, query.synonyms) for i, _ in counts.hits
        }
    hits = [
        BackendHit(
            i, score, marks.get(i, Highlights()), explained.get(i), *counts.folded.get(i, ((), 0))
        )
        for i, score in counts.hits
    ]
    suggestion = None
    if request.spelling and node is not None and counts.total < SUGGEST_BELOW:
        suggestion = _suggestion(cursor, compiler, query, parsed.node, search.filters)
    notices = [n for n in parsed.notes + tree.notes + compiler.notes if n]
    return BackendResult(
        total=counts.total,
        total_articles=counts.articles,
        hits=hits,
        counts=counts.counts,
        days=counts.days,
        suggestion=suggestion,
        parsed=compiled.echo if compiled else "",
        query_error=" ".join(parsed.errors) or None,
        notices=tuple(dict.fromkeys(notices)),
    )


def _rank(compiled) -> str | None:
    """The tsquery to highlight by: every positive word, any of them."""
    if compiled is None or not compiled.rank:
        return None
    return " | ".join(f"({r})" for r in compiled.rank)


@dataclass
class _Search:
    """One request's aggregate statements."""

    cursor: object
    request: SearchRequest
    compiler: Compiler
    filters: dict
    tree: Tree
    id_filters: Filters | None = None  # the request's filters as ids (``Filters.ids`` restricts)

    def conditions(self) -> tuple[str, list]:
        """Every filter of the request, as SQL on ``d``."""
        fixed_sql, fixed_params = fixed_filters(self.request, self.id_filters)
        all_sql, all_params = combine(self.filters)
        return f"{fixed_sql} AND {all_sql}", fixed_params + all_params

    def matches(self, node, compiled) -> tuple[str, list]:
        """The CTEs ending with ``m``: matching rows scored by BM25 for relevance,
        by ``ts_rank`` for the other sorts (which do not read the score)."""
        relevance = self.request.sort == "relevance"
        if isinstance(node, Best):
            terms = ranking.terms(self.cursor, compiled.rank, self.tree.repeats)
            own, filters = fixed_filters(self.request, self.id_filters), combine(self.filters)
            return question_matches(self.compiler, node, terms, own, filters, relevance=relevance)
        fixed_sql, fixed_params = fixed_filters(self.request, self.id_filters)
        sql, params = compiled.as_sql() if compiled else ("TRUE", [])
        match = (f"({sql}) AND {fixed_sql}", params + fixed_params)
        if not (compiled and compiled.rank):
            score = ranking.NO_SCORE
        elif relevance:
            score = ranking.terms(self.cursor, compiled.rank, self.tree.repeats).bm25()
        else:
            score = ranking.ts_rank(_rank(compiled))
        only = combine(self.filters) if self.filters else None
        return ranking.scored(match, score, text=compiled is not None, only=only)

    def order(self, compiled) -> str:
        """ORDER BY of the hits: by score for relevance (when there is one), then by date."""
        order = _ORDER.get(self.request.sort) or _ORDER["newest"]
        if compiled and compiled.rank and self.request.sort == "relevance":
            order = f"d.score DESC, {order}"
        return order

    def ids(self, node) -> tuple[str, list]:
        """(SQL, params) of every hit's id, in the order ``aggregate`` pages them."""
        compiled = self.compiler.compile(node) if node is not None else None
        matches_sql, params = self.matches(node, compiled)
        all_sql, all_params = combine(self.filters)
        order, unit = self.order(compiled), UNITS[self.request.collapse]
        if unit is None:
            sql = f"WITH {matches_sql} SELECT d.article_id FROM m d WHERE {all_sql}"
            return f"{sql} ORDER BY {order}", params + all_params
        folded, shown = folding_ctes(unit, order, all_sql)
        sql = (
            f"WITH {matches_sql}{folded} SELECT d.article_id FROM m d WHERE ({all_sql}) AND {shown}"
        )
        return f"{sql} ORDER BY {order}", params + all_params + all_params

    def aggregate(self, node) -> Counts:
        request = self.request
        compiled = self.compiler.compile(node) if node is not None else None
        order = self.order(compiled)
        # A search restricted to ids (alerts) may have them all in one page: they are few.
        restricted = self.id_filters is not None and self.id_filters.ids is not None
        size = request.page_size if restricted else min(request.page_size, MAX_PAGE_SIZE)
        page = (order, size, (request.page - 1) * size)
        question = isinstance(node, Best)
        original = request.outlet_credit == "original"
        whole = (
            compiled is None
            and not self.filters
            and fixed_filters(request, self.id_filters)[0] == "TRUE"
            and archive_counts.answers(request.facets, collapse=request.collapse, original=original)
        )
        sql, params = aggregate_sql(
            request.facets,
            self.filters,
            self.matches(node, compiled),
            page=page,
            most=question,
            unit=UNITS[request.collapse],
            original=original,
            whole=whole,
        )

        def rows() -> list[tuple]:
            # Browsing reads its few rows through the indexes: the planner would scan
            # every facet row for the copies, misjudging their partial index.
            with index_scans(self.cursor, question or whole):
                self.cursor.execute(sql, params)
                return self.cursor.fetchall()

        if restricted:  # ids of new articles (alerts): asked once, not worth keeping
            return read_rows(rows(), request.facets)
        return read_rows(kept_answer(self.cursor, f"{sql} {params!r}", rows), request.facets)


def _answered(search: "_Search", node):
    """The node the search answers: a question settled to the words its articles have."""
    return _settled(search, node)[0] if isinstance(node, Best) else node


def matched_node(cursor, query: BackendQuery) -> tuple["_Search", object]:
    """The request's statements and the node its search answers (a question's ``need``
    settled as a search settles it): what an export or significant terms read."""
    _parsed, _compiler, tree, search = prepared(cursor, query)
    return search, _answered(search, tree.node)


@dataclass(frozen=True)
class DeclaredIds:
    """A cursor over every hit's id (``declare_ids``) and what the query reads as."""

    total: int
    parsed: str
    query_error: str | None
    notices: tuple[str, ...]


def declare_ids(cursor, query: BackendQuery, name: str) -> DeclaredIds:
    """Declare the cursor ``name`` over every hit's id in the search's order, run it
    once (the total, under the budget's statement time) and rewind it. It is held
    (``WITH HOLD``): at the commit the server keeps its rows (rewinding the sort just
    made, or running it again: the same work, not timed), read by FETCH until CLOSE, so
    an export keeps no transaction open while it streams."""
    parsed, compiler, tree, search = prepared(cursor, query)
    node = _answered(search, tree.node)
    sql, params = search.ids(node)
    with index_scans(cursor, isinstance(node, Best)):
        cursor.execute(f'DECLARE "{name}" SCROLL CURSOR WITH HOLD FOR {sql}', params)
        cursor.execute(f'MOVE FORWARD ALL IN "{name}"')
        total = cursor.rowcount
        cursor.execute(f'MOVE ABSOLUTE 0 IN "{name}"')
    compiled = compiler.compile(node) if node is not None else None
    notices = [n for n in parsed.notes + tree.notes + compiler.notes if n]
    return DeclaredIds(
        total=total,
        parsed=compiled.echo if compiled else "",
        query_error=" ".join(parsed.errors) or None,
        notices=tuple(dict.fromkeys(notices)),
    )


@dataclass
class _Lexicon:
    """The indexed words (``search_pgword``), for 'did you mean' (``search.corrections``)."""

    cursor: object

    def known(self, words: list[str]) -> set[str]:
        self.cursor.execute("SELECT word FROM search_pgword WHERE word = ANY(%s)", [words])
        return {row[0] for row in self.cursor.fetchall()}

    def nearest(self, word: str, distance: int, prefix: int) -> str | None:
        self.cursor.execute(
            "SELECT word FROM search_pgword WHERE word LIKE %s"
            " AND levenshtein(word, %s) <= %s ORDER BY ndoc DESC, word LIMIT 1",
            [word[:prefix].replace("%", "").replace("_", "") + "%", word, distance],
        )
        row = self.cursor.fetchone()
        return row[0] if row else None


def _suggestion(cursor, compiler: Compiler, query: BackendQuery, node, filters) -> str | None:
    """A spelling correction from the indexed words, only when it finds hits."""

    def finds(corrected: str) -> bool:
        new_node = question_tree(cursor, compiler, read(corrected).node, query.synonyms).node
        compiled = compiler.compile(new_node) if new_node is not None else None
        if compiled is None:
            return False
        sql, params = compiled.as_sql()
        all_sql, all_params = combine(filters)
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {source(True)} WHERE ({sql}) AND {all_sql})",
            params + all_params,
        )
        return cursor.fetchone()[0]

    words = dict.fromkeys(w.text for w in plain_words(node))
    return did_you_mean(query.request.q, words, _Lexicon(cursor), finds)
