"""Why an article matches a query on PostgreSQL: each term's part in its BM25 score.

The terms, their idf and the score are those of ``search.backends.pg.ranking``, so the
parts add up to the score a search for the same query gives the article (for a
question, one of its reranked best).
"""

import re

from search.backends.pg import ranking
from search.backends.pg.compile import Compiler
from search.backends.pg.facets import source
from search.backends.pg.questions import question_tree
from search.question import read
from search.types import NEARNESS, Explanation, TermMatch

# Where a lexeme stands, by its weight label (see search/migrations/0100_postgres_fts.py).
FIELDS = (("title", "{a}"), ("summary", "{b}"), ("body", "{c,d}"))
_LEXEME = re.compile(r"'((?:[^']|'')*)'(:\*)?")


def explain(cursor, q: str, article_id: int, synonyms) -> Explanation | None:
    compiler = Compiler(cursor)
    tree = question_tree(cursor, compiler, read(q).node, synonyms)
    node = tree.node
    compiled = compiler.compile(node) if node is not None else None
    cursor.execute("SELECT length(doc) FROM search_pgdocument WHERE article_id = %s", [article_id])
    row = cursor.fetchone()
    if compiled is None or row is None:
        return None
    length = row[0]
    sql, params = compiled.as_sql()
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {source(True)} WHERE ({sql}) AND d.article_id = %s)",
        [*params, article_id],
    )
    matched = cursor.fetchone()[0]
    terms = ranking.terms(cursor, compiled.rank, tree.repeats)
    parts, missing = [], []
    _, mean_length = ranking.collection(cursor)
    norm = ranking.K1 / ranking.scale() * (1 - ranking.B + ranking.B * length / mean_length)
    for term in terms.items:
        tf, fields, forms = _occurrences(cursor, term.query, article_id)
        label = _label(term.query)
        if not tf:
            missing.append(label)
            continue
        score = term.weight * (ranking.K1 + 1) * tf / (tf + norm)
        parts.append((label, forms, fields, score))
    nearness = sum(
        weight * (ranking.K1 + 1) * near / (near + ranking.K1)
        for near, weight in _nearness(cursor, terms.pairs(), article_id)
    )
    if nearness:
        parts.append((NEARNESS, (), (), nearness))
    total = sum(p[3] for p in parts)
    matches = tuple(
        TermMatch(label, forms, fields, round(score, 4), score / total if total else 0.0)
        for label, forms, fields, score in sorted(parts, key=lambda p: -p[3])
    )
    return Explanation(round(total, 4), matches, tuple(missing), matched=matched)


def _occurrences(cursor, query: str, article_id: int):
    """(weighted occurrences, fields, the article's lexemes) of one term."""
    checks = ", ".join(f"ts_filter(x.doc, '{labels}') @@ %s::tsquery" for _, labels in FIELDS)
    lexemes = [m[0].replace("''", "'") for m in _LEXEME.findall(query)]
    cursor.execute(
        f"SELECT ts_rank_cd(%s::float4[], x.doc, %s::tsquery), {checks},"
        " ARRAY(SELECT u.lexeme FROM unnest(x.doc) u WHERE u.lexeme = ANY(%s)"
        " OR EXISTS (SELECT 1 FROM unnest(%s::text[]) p WHERE starts_with(u.lexeme, p)))"
        " FROM search_pgdocument x WHERE x.article_id = %s",
        [ranking.WEIGHTS, query, *([query] * len(FIELDS)), lexemes, _prefixes(query), article_id],
    )
    tf, *found, forms = cursor.fetchone()
    fields = tuple(name for (name, _), hit in zip(FIELDS, found, strict=True) if hit)
    return float(tf), fields, tuple(forms)


def _nearness(cursor, pairs, article_id: int) -> list[tuple[float, float]]:
    """(cover density, weight) of each pair of query words in the article."""
    if not pairs:
        return []
    cursor.execute(
        "SELECT ts_rank_cd(x.doc, p::tsquery) FROM search_pgdocument x,"
        " unnest(%s::text[]) WITH ORDINALITY AS u(p, n) WHERE x.article_id = %s ORDER BY n",
        [[query for query, _ in pairs], article_id],
    )
    return [
        (float(row[0]), weight) for row, (_, weight) in zip(cursor.fetchall(), pairs, strict=True)
    ]


def _prefixes(query: str) -> list[str]:
    return [m[0].replace("''", "'") for m in _LEXEME.findall(query) if m[1]]


def _label(query: str) -> str:
    """A tsquery as a person reads it: 'summit' | 'summitry' -> summit, a phrase quoted."""
    lexemes = [m[0].replace("''", "'") + ("*" if m[1] else "") for m in _LEXEME.findall(query)]
    if "<" in query:
        return '"' + " ".join(dict.fromkeys(lexemes)) + '"'
    return " | ".join(dict.fromkeys(lexemes))
