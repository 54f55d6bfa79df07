"""Questions typed in plain words, read for PostgreSQL (``search.question`` has the rules).

The order is the one both engines use: parse, tag names as synonyms, then
``best_match``, which keeps the rarest words of a long question by their document
frequency in ``search_pgterm``.
"""

from collections import Counter
from dataclasses import dataclass, field, replace

from search.analysis import analyze
from search.backends.pg.compile import Compiler
from search.backends.pg.facets import source
from search.backends.pg.ranking import Terms
from search.nodes import And, Best, Or, Word
from search.question import best_match, dropped_note, is_common
from search.synonyms import expand_synonyms

RERANK = 500  # a question's articles scored by BM25: the best this many by their words
# A reranked article's vector read once into the row (a copy): else each of the many
# terms' functions would fetch and decompress it again.
_DOCUMENT = "x.doc || ''::tsvector AS doc, x.exact"


@dataclass
class Tree:
    """The query as searched, with what BM25 and the notices need to know of it."""

    node: object | None
    notes: list[str] = field(default_factory=list)
    # How often the query names each term (tsquery -> count): a word asked twice
    # weighs twice (BM25's query term frequency).
    repeats: Counter = field(default_factory=Counter)


def question_tree(cursor, compiler: Compiler, node, synonyms) -> Tree:
    """The parsed ``node`` with tag names as synonyms (``synonyms``: a synonym table) and
    questions as ``Best``."""
    if node is None:
        return Tree(None)
    compiler.prefetch(plain_words(node))
    repeats = Counter(
        rank for word in plain_words(node) if (part := compiler.compile(word)) for rank in part.rank
    )
    words = expand_synonyms(node, synonyms)
    node, dropped = best_match(words, _frequencies(cursor, words))
    if isinstance(node, Best):
        node = compiler.distinct(node)
        if not node.should:  # none of its words is indexed: searched as typed
            node, dropped = words, 0
    return Tree(node, [dropped_note(dropped)] if dropped else [], repeats)


def question_matches(
    compiler: Compiler, node: Best, terms: Terms, conditions, filters, *, relevance: bool
) -> tuple[str, list]:
    """The CTEs ending with ``m``: the articles with at least ``need`` of the words
    (and every must, no must_not) meeting ``conditions`` (SQL, params: the query's
    own filters), with how many they have; ranked by BM25 for the RERANK best by the
    idf of their words among those meeting ``filters`` too, below them by that idf.

    Which articles have a word is read from its index alone (one scan a word); only
    the reranked articles' vectors are read."""
    words, params = word_counts(compiler, node, terms)
    rest, rest_params = question_rest(compiler, node)
    sql = (
        f"w AS ({words}), c AS MATERIALIZED (SELECT d.*, w.matched, w.weight FROM w"
        f" JOIN {source(True)} ON x.article_id = w.article_id WHERE ({rest}) AND {conditions[0]})"
    )
    params += rest_params + conditions[1]
    if not relevance:
        return f"{sql}, m AS MATERIALIZED (SELECT d.*, d.weight AS score FROM c d)", params
    score = terms.bm25()
    top = (
        f"SELECT d.article_id, d.weight FROM c d WHERE {filters[0]}"
        f" ORDER BY d.weight DESC, d.article_id LIMIT {RERANK}"
    )
    docs = (
        f"SELECT top.article_id, {_DOCUMENT} FROM top"
        " JOIN search_pgdocument x ON x.article_id = top.article_id OFFSET 0"
    )
    sql += (
        f", top AS ({top}), t AS (SELECT d.article_id, {score.expression} AS score FROM"
        f" (SELECT x.article_id, {score.columns} FROM ({docs}) x OFFSET 0) d),"
        # Below the reranked ones, in the order of their words' idf.
        " m AS MATERIALIZED (SELECT d.*, coalesce(t.score, (SELECT min(score) FROM t)"
        " * d.weight / (SELECT greatest(min(weight), 1e-9) FROM top)) AS score"
        " FROM c d LEFT JOIN t ON t.article_id = d.article_id)"
    )
    return sql, params + filters[1] + score.params


def word_counts(compiler: Compiler, node: Best, terms: Terms | None = None) -> tuple[str, list]:
    """SELECT (article_id, matched, weight) of the articles with at least ``need`` of
    the words: how many they have and the sum of those words' weights."""
    branches, params = [], []
    for part in compiler.should(node):
        sql, part_params = part.as_sql()
        weight = max((terms.weight(r) for r in part.rank), default=0.0) if terms else 0.0
        branches.append(
            f"SELECT x.article_id, {weight!r}::real AS weight FROM search_pgdocument x WHERE {sql}"
        )
        params += part_params
    union = (
        " UNION ALL ".join(branches)
        or "SELECT 0::bigint AS article_id, 0::real AS weight WHERE FALSE"
    )
    return (
        "SELECT article_id, count(*)::int AS matched, sum(weight) AS weight"
        f" FROM ({union}) u GROUP BY article_id HAVING count(*) >= {int(node.need)}",
        params,
    )


def most_words(cursor, compiler: Compiler, node: Best, conditions: tuple[str, list]) -> int:
    """The most of the question's words one article has, among those meeting
    ``conditions`` (SQL, params: the filters)."""
    words, params = word_counts(compiler, replace(node, need=1))
    rest, rest_params = question_rest(compiler, node)
    cursor.execute(
        f"SELECT coalesce(max(w.matched), 0) FROM ({words}) w JOIN {source(True)}"
        f" ON x.article_id = w.article_id WHERE ({rest}) AND {conditions[0]}",
        params + rest_params + conditions[1],
    )
    return cursor.fetchone()[0]


def question_rest(compiler: Compiler, node: Best) -> tuple[str, list]:
    """SQL of the question's musts and must-nots (TRUE when it has none)."""
    part = compiler.compile(replace(node, should=()))
    return part.as_sql() if part is not None else ("TRUE", [])


def _frequencies(cursor, node):
    """doc_frequency for ``best_match``: how many articles have a word's stem (one
    lookup for all the tree's words, made only when a question has too many)."""
    counts: dict[str, int] = {}
    looked_up = []

    def frequency(child) -> int:
        if not isinstance(child, Word):
            return 0  # a tag's name: kept
        if not looked_up:
            stems = {t for w in plain_words(node) for t in analyze(w.text, stem=True)}
            cursor.execute(
                "SELECT lexeme, ndoc FROM search_pgterm WHERE lexeme = ANY(%s)", [sorted(stems)]
            )
            counts.update(cursor.fetchall())
            looked_up.append(True)
        return min((counts.get(t, 0) for t in analyze(child.text, stem=True)), default=0)

    return frequency


def plain_words(node):
    """The positive plain words of the query, common words left out."""
    if isinstance(node, Word) and not node.field and not node.prefix and not node.fuzzy:
        if not is_common(node):
            yield node
    elif isinstance(node, And | Or):
        for child in node.nodes:
            yield from plain_words(child)
