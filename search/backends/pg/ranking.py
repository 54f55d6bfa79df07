"""BM25 ranking of the matching articles (``ts_rank`` has no inverse document frequency).

Each positive leaf of the query is one term: a word with all its forms and spellings,
a phrase, a name. An article scores, summed over the terms it has,

    idf(t) · tf · (K1 + 1) / (tf + K1 · (1 − B + B · dl / avgdl))

with Lucene's idf, ln(1 + (N − df + 0.5) / (df + 0.5)); ``tf`` counts an occurrence in
the title TITLE_WEIGHT times and in the summary SUMMARY_WEIGHT times before it
saturates (BM25F-style), and ``dl`` is the article's number of distinct stems
(``length(doc)``). ``ts_rank_cd`` of one term with the weights below is exactly that
weighted count of its occurrences (each occurrence is a cover of its own), so a word's
spellings and forms count as one term. Document frequencies are those of
``search_pgterm`` (topped up by ``index()``, recounted by a rebuild).
"""

import math
import re
import time
from collections import Counter
from dataclasses import dataclass

from search.backends.pg.facets import source

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 2.0  # a title occurrence counts twice (the Whoosh schema boosts titles 2x)
SUMMARY_WEIGHT = 1.0  # the summary is body text, as in the Whoosh schema
# Query words close together add to the score of short queries (see backends/whoosh/ranking.py).
PROXIMITY_WEIGHT = 0.3
PROXIMITY_MAX_TERMS = 4
STATS_SECONDS = 60  # how long a process reuses the archive's size and mean length
_SAMPLE = 2000  # documents read to estimate the mean length of a large archive

_SCALE = max(TITLE_WEIGHT, SUMMARY_WEIGHT, 1.0)
# ts_rank_cd's weights, in its order D, C (body), B (summary), A (title); at most 1.
WEIGHTS = [1 / _SCALE, 1 / _SCALE, SUMMARY_WEIGHT / _SCALE, TITLE_WEIGHT / _SCALE]
_LEXEME = re.compile(r"'((?:[^']|'')*)'(:[*A-D]+)?")
_stats: dict[str, tuple[float, int, float]] = {}


def scale() -> float:
    """What ``WEIGHTS`` divide occurrences by (ts_rank_cd's weights are at most 1)."""
    return _SCALE


@dataclass(frozen=True)
class Score:
    """SQL of a score: ``parts`` (expression, name) are computed once a row from the
    document ``x``, ``expression`` combines them (as ``d.<name>``)."""

    expression: str
    params: list
    parts: tuple[tuple[str, str], ...] = ()

    @property
    def columns(self) -> str:
        return ", ".join(f"{sql} AS {name}" for sql, name in self.parts)

    def columns_when(self, flag: str) -> str:
        """The columns computed only where ``flag`` holds (NULL elsewhere)."""
        return ", ".join(f"CASE WHEN {flag} THEN {sql} END AS {name}" for sql, name in self.parts)


NO_SCORE = Score("NULL::real", [])


def ts_rank(query: str) -> Score:
    return Score("d.rank", [query], (("ts_rank(x.doc, %s::tsquery)", "rank"),))


@dataclass(frozen=True)
class Term:
    query: str  # a tsquery: a word in all its forms and spellings, a phrase, a name
    idf: float
    repeats: int = 1  # how many times the query names it

    @property
    def weight(self) -> float:
        return self.idf * self.repeats


@dataclass(frozen=True)
class Terms:
    """A query's terms and the archive's mean document length."""

    items: tuple[Term, ...]
    mean_length: float

    def weight(self, query: str) -> float:
        key = _key(query)
        return next((t.weight for t in self.items if _key(t.query) == key), 0.0)

    def bm25(self) -> Score:
        norm = f"{K1 / _SCALE!r} * ({1 - B!r} + {B / self.mean_length!r} * d.dl)"
        columns, params, sums = [("length(x.doc)", "dl")], [], []
        for i, term in enumerate(self.items):
            columns.append(("ts_rank_cd(%s::float4[], x.doc, %s::tsquery)", f"tf{i}"))
            params += [WEIGHTS, term.query]
            sums.append(f"{term.weight * (K1 + 1)!r} * d.tf{i} / (d.tf{i} + {norm})")
        for k, (query, weight) in enumerate(self.pairs()):
            # ts_rank_cd of "a & b" adds up its covers, each the more the shorter it is.
            columns.append(("ts_rank_cd(x.doc, %s::tsquery)", f"near{k}"))
            params.append(query)
            sums.append(f"{weight * (K1 + 1)!r} * d.near{k} / (d.near{k} + {K1!r})")
        return Score(" + ".join(sums) or "0", params, tuple(columns))

    def pairs(self) -> list[tuple[str, float]]:
        """(tsquery, weight) of each pair of words whose nearness adds to the score
        (queries of two to PROXIMITY_MAX_TERMS words, as on Whoosh)."""
        words = [t for t in self.items if "<" not in t.query]
        if not 2 <= len(words) <= PROXIMITY_MAX_TERMS or len(words) != len(self.items):
            return []
        total = sum(t.repeats for t in words)
        return [
            (f"({a.query}) & ({b.query})", PROXIMITY_WEIGHT * min(1.0, a.idf, b.idf) * 2 / total)
            for n, a in enumerate(words)
            for b in words[n + 1 :]
        ]


def terms(cursor, queries: list[str], repeats: Counter | None = None) -> Terms:
    """The terms of these tsqueries (those searching the same lexemes are one), with
    their idf and how often ``repeats`` (tsquery -> count) says the query names them."""
    unique = list({_key(q): q for q in queries}.values())
    counts = Counter()
    for query, count in (repeats or {}).items():
        counts[_key(query)] += count
    documents, mean_length = collection(cursor)
    frequencies = document_frequencies(cursor, unique, documents)
    items = tuple(
        Term(q, math.log(1 + (documents - df + 0.5) / (df + 0.5)), max(counts[_key(q)], 1))
        for q, df in zip(unique, frequencies, strict=True)
    )
    return Terms(items, mean_length)


def scored(
    match: tuple[str, list], score: Score, *, text: bool, only: tuple[str, list] | None = None
) -> tuple[str, list]:
    """The CTE ``m``: the facet rows ``d`` matching ``match``, with their score; with
    ``only`` (SQL on ``d``, params), scored only where it holds (elsewhere NULL): the
    rows a page may show. The facets count the others too, but never read a score, and
    reading a vector to rank it is most of a match's cost."""
    sql, params = match
    if score.parts and only is not None:
        rows = (
            f"SELECT d.*, {score.columns_when('k.ranked')} FROM {source(True)}"
            f" CROSS JOIN LATERAL (SELECT ({only[0]}) AS ranked) k WHERE {sql} OFFSET 0"
        )
        return (
            f"m AS MATERIALIZED (SELECT d.*, {score.expression} AS score FROM ({rows}) d)",
            score.params + only[1] + params,
        )
    if not score.parts:
        # A text match is computed once; without one, each count scans the narrow facet
        # table itself (cheaper than a materialised copy of it, and parallel when large).
        materialized = "MATERIALIZED" if text else "NOT MATERIALIZED"
        rows = f"SELECT d.*, {score.expression} AS score FROM {source(text)} WHERE {sql}"
        return f"m AS {materialized} ({rows})", score.params + params
    # OFFSET 0: the columns are computed once, not once for each use in the expression.
    rows = f"SELECT d.*, {score.columns} FROM {source(True)} WHERE {sql} OFFSET 0"
    return (
        f"m AS MATERIALIZED (SELECT d.*, {score.expression} AS score FROM ({rows}) d)",
        score.params + params,
    )


def _key(query: str) -> tuple:
    """Tsqueries that search the same lexemes in another order are one term."""
    return (tuple(sorted(set(_LEXEME.findall(query)))), "<" in query or "&" in query)


def document_frequencies(cursor, terms: list[str], documents: int) -> list[int]:
    """How many articles have each term: the sum over its alternatives (a word's
    spellings), the least of its words for a phrase, at most ``documents``."""
    parsed = [[(m[0].replace("''", "'"), "*" in m[1]) for m in _LEXEME.findall(t)] for t in terms]
    exact = sorted({lexeme for lexemes in parsed for lexeme, prefix in lexemes if not prefix})
    prefixes = sorted({lexeme for lexemes in parsed for lexeme, prefix in lexemes if prefix})
    counts: dict[tuple[str, bool], int] = {}
    cursor.execute("SELECT lexeme, ndoc FROM search_pgterm WHERE lexeme = ANY(%s)", [exact])
    counts.update(((lexeme, False), n) for lexeme, n in cursor.fetchall())
    if prefixes:
        cursor.execute(
            "SELECT p, sum(ndoc) FROM unnest(%s::text[]) AS p JOIN search_pgterm"
            " ON starts_with(lexeme, p) GROUP BY p",
            [prefixes],
        )
        counts.update(((p, True), int(n)) for p, n in cursor.fetchall())
    frequencies = []
    for term, keys in zip(terms, parsed, strict=True):
        found = [counts.get(key, 0) for key in keys]
        df = (min(found) if "<" in term or "&" in term else sum(found)) if found else 0
        frequencies.append(min(df, documents))
    return frequencies


def collection(cursor) -> tuple[int, float]:
    """(documents, mean distinct stems per document), reused for STATS_SECONDS."""
    name = cursor.db.settings_dict["NAME"]
    cached = _stats.get(name)
    if cached and time.monotonic() - cached[0] < STATS_SECONDS:
        return cached[1], cached[2]
    cursor.execute("SELECT count(*) FROM search_pgfacet")
    documents = cursor.fetchone()[0]
    # A repeatable sample of pages: the same mean (and scores) for the same table.
    share = min(100.0, 100.0 * _SAMPLE / max(documents, 1))
    cursor.execute(
        "SELECT avg(length(doc)) FROM search_pgdocument TABLESAMPLE SYSTEM (%s) REPEATABLE (0)",
        [share],
    )
    mean = float(cursor.fetchone()[0] or 1.0)
    _stats[name] = (time.monotonic(), documents, max(mean, 1.0))
    return documents, max(mean, 1.0)


def forget() -> None:
    """Drop the cached sizes (after this process changed the index)."""
    _stats.clear()
