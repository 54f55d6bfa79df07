"""A result set's words against the index's, for significant terms (``search.significance``).

The words are the folded, unstemmed lexemes of the ``exact`` vectors of the matching
documents (all of them, or an even sample in article id order, the same sample the
Whoosh backend reads); the index's document frequencies are ``search_pgword``'s, which
holds the alphabetic words of three letters or more of those same vectors. The matching
documents' words are counted first and looked up after, one lookup a word.
"""

from search.backends.base import BackendQuery, TermCounts
from search.backends.pg import ranking
from search.backends.pg.filters import combine
from search.backends.pg.searching import matched_node

_COUNT = (
    "WITH {matches}, s AS (SELECT d.article_id, row_number() OVER (ORDER BY d.article_id) AS n,"
    " count(*) OVER () AS total FROM m d WHERE {where}),"
    " chosen AS (SELECT article_id FROM s"
    " WHERE (n - 1) %% greatest(1, ceil(total::numeric / %s)::int) = 0)"
    " SELECT u.lexeme, count(*), 0::bigint FROM chosen c"
    " JOIN search_pgdocument x ON x.article_id = c.article_id"
    " CROSS JOIN LATERAL unnest(tsvector_to_array(x.exact)) AS u(lexeme)"
    " GROUP BY u.lexeme HAVING count(*) >= %s"
    " UNION ALL SELECT NULL, (SELECT count(*) FROM chosen), (SELECT count(*) FROM s)"
)


def term_counts(cursor, query: BackendQuery, *, sample: int, least: int = 1) -> TermCounts:
    search, node = matched_node(cursor, query)
    compiled = search.compiler.compile(node) if node is not None else None
    matches, params = search.matches(node, compiled)
    where, where_params = combine(search.filters)
    sql = _COUNT.format(matches=matches, where=where)
    cursor.execute(sql, [*params, *where_params, max(1, sample), least])
    counted, matched, read_ = {}, 0, 0
    for word, count, total in cursor.fetchall():
        if word is None:
            read_, matched = count, total
        else:
            counted[word] = count
    # The words looked up once each, in a statement of their own, as a join: either plan
    # (index lookups, or one hash of the words) is fast, where ``word = ANY(…)`` may
    # compare every row of the table with every word when statistics are stale.
    cursor.execute(
        "SELECT w.word, w.ndoc FROM unnest(%s::text[]) AS k(word)"
        " JOIN search_pgword w ON w.word = k.word",
        [list(counted)],
    )
    words = {w: (counted[w], max(ndoc, counted[w])) for w, ndoc in cursor.fetchall()}
    documents, _ = ranking.collection(cursor)
    return TermCounts(matched, read_, documents, words)
