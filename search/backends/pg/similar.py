"""More-like-this (an article's most telling stems as an OR query) and autocomplete."""

import re

from search.analysis import analyze, fold
from search.backends.base import BackendHit
from search.backends.pg.planner import index_scans

MLT_TERMS = 25
# The articles ranked: those with one of the most telling key stems whose document
# frequencies add up to at most this many (``candidate_stems``). The OR of all 25 matched
# a quarter of a 10x archive, each article's vector read and ranked for a top 5.
MLT_CANDIDATES = 3000

_TOP_TERMS = """
WITH t AS (
    SELECT u.lexeme, coalesce(array_length(u.positions, 1), 1)
        + CASE WHEN 'A' = ANY(u.weights) THEN 2 ELSE 0 END AS tf
    FROM search_pgdocument d, unnest(d.doc) AS u
    WHERE d.article_id = %s AND length(u.lexeme) > 2 AND u.lexeme !~ '^[0-9.,]+$'
), n AS (SELECT greatest(reltuples, 1) AS docs FROM pg_class
          WHERE oid = 'search_pgdocument'::regclass)
SELECT t.lexeme, coalesce(g.ndoc, 1) FROM t CROSS JOIN n
LEFT JOIN search_pgterm g ON g.lexeme = t.lexeme
-- Words in many articles ("said", "new") match half the archive and say little.
WHERE n.docs < 20 OR coalesce(g.ndoc, 1) <= n.docs * (CASE WHEN n.docs < 500 THEN 0.8 ELSE 0.05 END)
ORDER BY t.tf * ln(1 + n.docs::float / coalesce(g.ndoc, 1)) DESC, t.lexeme
LIMIT %s
"""

# Ranked by every key stem (q), among the articles with a candidate stem (c).
_SIMILAR = """
SELECT d.article_id, ts_rank(d.doc, q) AS score
FROM search_pgdocument d, CAST(%s AS tsquery) AS q, CAST(%s AS tsquery) AS c
WHERE d.doc @@ c AND d.article_id <> %s AND d.article_id <> ALL(%s)
ORDER BY score DESC, d.article_id DESC
LIMIT %s
"""


def more_like_this(cursor, article_id: int, limit: int, *, exclude=()) -> list[BackendHit]:
    """The articles sharing most of this one's telling stems, without it and ``exclude``
    (the query service passes its duplicates): ranked by all of them, among the
    articles that have one of the candidate stems (``candidate_stems``)."""
    cursor.execute(_TOP_TERMS, [article_id, MLT_TERMS])
    found = cursor.fetchall()
    if not found:
        return []
    query = " | ".join(_quote(lexeme) for lexeme, _ in found)
    candidates = " | ".join(_quote(lexeme) for lexeme in candidate_stems(found))
    params = [query, candidates, article_id, list(exclude), limit]
    with index_scans(cursor):
        cursor.execute(_SIMILAR, params)
        rows = cursor.fetchall()
    return [BackendHit(id=row[0], score=row[1]) for row in rows]


def candidate_stems(stems: list[tuple[str, int]]) -> list[str]:
    """Of (stem, articles that have it), most telling first, those whose articles add
    up to at most MLT_CANDIDATES (a stem that would pass it is skipped; when none fits,
    the rarest): the articles that share most key stems share one of these."""
    chosen, articles = [], 0
    for stem, ndoc in stems:
        if articles + ndoc <= MLT_CANDIDATES:
            chosen.append(stem)
            articles += ndoc
    return chosen or [min(stems, key=lambda s: (s[1], s[0]))[0]]


# Titles are the weight-A words of the document vector: the GIN index answers a prefix.
_TITLES = """
SELECT x.article_id FROM search_pgdocument x
JOIN search_pgfacet d ON d.article_id = x.article_id
WHERE x.doc @@ CAST(%s AS tsquery)
ORDER BY d.published DESC NULLS LAST, d.article_id DESC
LIMIT %s
"""


def title_suggestions(cursor, prefix: str, limit: int) -> list[int]:
    """Ids of the articles whose title has every typed word, the last one as a prefix."""
    words = [fold(w) for w in analyze(prefix, stem=False)]
    if not words:
        return []
    cursor.execute(
        "SELECT array(SELECT phraseto_tsquery('archive_en', w)::text FROM unnest(%s::text[]) AS w)",
        [words],
    )
    stems = cursor.fetchone()[0]
    last = _LEXEME.findall(stems[-1]) or [_quote(words[-1])]
    parts = [_LEXEME.sub(r"\1:A", q) for q in stems[:-1] if q]
    parts.append(f"({last[0]}:*A | {_quote(words[-1])}:*A)")
    cursor.execute(_TITLES, [" & ".join(parts), limit])
    return [row[0] for row in cursor.fetchall()]


_LEXEME = re.compile(r"('(?:[^']|'')*')")


def _quote(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"
