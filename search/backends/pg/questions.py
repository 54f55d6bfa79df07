"""Questions typed in plain words, read for PostgreSQL (``search.question`` has the rules).

The order is the one both engines use: parse, tag names as synonyms, then
``best_match``, which keeps the rarest words of a long question by their document
frequency in ``search_pgterm``.
"""

from collections import Counter
from dataclasses import dataclass, field

from search import selectors
from search.analysis import analyze
from search.backends.pg.compile import Compiler
from search.backends.pg.facets import source
from search.query import And, Best, Or, Word, expand_synonyms, synonym_table
from search.question import best_match, dropped_note, is_common


@dataclass
class Tree:
    """The query as searched, with what BM25 and the notices need to know of it."""

    node: object | None
    notes: list[str] = field(default_factory=list)
    # How often the query names each term (tsquery -> count): a word asked twice
    # weighs twice (BM25's query term frequency).
    repeats: Counter = field(default_factory=Counter)


def question_tree(cursor, compiler: Compiler, node) -> Tree:
    """The parsed ``node`` with tag names as synonyms and questions as ``Best``."""
    if node is None:
        return Tree(None)
    repeats = Counter(
        rank for word in plain_words(node) if (part := compiler.compile(word)) for rank in part.rank
    )
    node = expand_synonyms(node, synonym_table(selectors.tag_spellings()))
    node, dropped = best_match(node, _frequencies(cursor, node))
    if isinstance(node, Best):
        node = compiler.distinct(node)
    return Tree(node, [dropped_note(dropped)] if dropped else [], repeats)


def most_words(cursor, compiler: Compiler, node: Best, conditions: tuple[str, list]) -> int:
    """The most of the question's words one article has, among those meeting
    ``conditions`` (SQL, params: the filters)."""
    loose = Best(node.should, 1, node.must, node.must_not)
    loose_sql, loose_params = compiler.compile(loose).as_sql()
    count_sql, count_params = compiler.matched_count(compiler.should(node))
    cursor.execute(
        f"SELECT coalesce(max({count_sql}), 0) FROM {source(True)}"
        f" WHERE ({loose_sql}) AND {conditions[0]}",
        count_params + loose_params + conditions[1],
    )
    return cursor.fetchone()[0]


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
