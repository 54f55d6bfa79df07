"""Answer a ``SearchRequest`` in two SQL statements: page, counts and facets; highlights."""

from search import selectors
from search.analysis import STOP_WORDS, analyze, fold
from search.backends.base import BackendHit, BackendResult
from search.backends.pg.compile import Compiler
from search.backends.pg.facets import aggregate_sql, read_rows, source
from search.backends.pg.filters import combine, fixed_filters, request_filters
from search.backends.pg.highlight import highlights
from search.query import And, Or, Word, expand_synonyms, synonym_table
from search.question import read
from search.types import MAX_PAGE_SIZE, Highlights, SearchRequest

_ORDER = {
    "newest": "d.published DESC NULLS LAST, d.article_id DESC",
    "oldest": "d.published ASC NULLS LAST, d.article_id ASC",
}


def run_search(cursor, request: SearchRequest) -> BackendResult:
    parsed = read(request.q)
    node = parsed.node
    if node is not None:
        node = expand_synonyms(node, synonym_table(selectors.tag_spellings()))
    compiler = Compiler(cursor)
    compiled = compiler.compile(node) if node is not None else None
    filters = request_filters(request)
    page, total, facets, hist = _aggregate(cursor, request, compiled, filters)
    if total == 0 and isinstance(node, And) and node.implicit and compiled is not None:
        loose = compiler.relaxed(node)
        if loose is not None:
            compiled = loose
            page, total, facets, hist = _aggregate(cursor, request, compiled, filters)
    marks = {}
    if request.highlight and page:
        marks = highlights(cursor, [i for i, _ in page], _rank(compiled))
    hits = [BackendHit(i, score, marks.get(i, Highlights())) for i, score in page]
    suggestion = None
    if node is not None and total < 5:
        suggestion = did_you_mean(cursor, compiler, request, node, filters)
    return BackendResult(
        total=total,
        hits=hits,
        facets=facets,
        histogram=hist,
        suggestion=suggestion,
        parsed=compiled.echo if compiled else "",
        query_error=" ".join(parsed.errors) or None,
        notices=tuple(dict.fromkeys(parsed.notes + compiler.notes)),
    )


def _rank(compiled) -> str | None:
    """The tsquery to rank and highlight by: every positive word, any of them."""
    if compiled is None or not compiled.rank:
        return None
    return " | ".join(f"({r})" for r in compiled.rank)


def _aggregate(cursor, request, compiled, filters):
    fixed_sql, fixed_params = fixed_filters(request)
    sql, params = compiled.as_sql() if compiled else ("TRUE", [])
    match = (f"({sql}) AND {fixed_sql}", params + fixed_params)
    rank = _rank(compiled)
    score = ("ts_rank(x.doc, %s::tsquery)", [rank]) if rank else ("NULL::real", [])
    order = _ORDER.get(request.sort) or _ORDER["newest"]
    if rank and request.sort == "relevance":
        order = f"d.score DESC, {order}"
    size = min(request.page_size, MAX_PAGE_SIZE)
    page = (order, size, (request.page - 1) * size)
    sql, params = aggregate_sql(
        request.facets, filters, match, text=compiled is not None, score=score, page=page
    )
    cursor.execute(sql, params)
    return read_rows(cursor.fetchall(), request.facets, _selected(request), request.years)


def _selected(request: SearchRequest) -> dict[str, set]:
    values = {
        "outlet": set(request.outlets),
        "author": set(request.authors),
        "language": set(request.languages),
        "year": {str(y) for y in request.years},
        "month": set(request.months),
    }
    for tag in request.tags:
        kind, _, _slug = tag.rpartition(":")
        if kind:
            values.setdefault(kind, set()).add(tag)
    return values


def did_you_mean(cursor, compiler: Compiler, request: SearchRequest, node, filters) -> str | None:
    """The query with unknown words replaced by the most common indexed word one
    (or, for long words, two) typing mistakes away; only when it finds hits."""
    corrected, changed = request.q, False
    for word in dict.fromkeys(w.text for w in _plain_words(node)):
        terms = analyze(word, stem=False)
        if len(terms) != 1 or len(terms[0]) < 4 or not terms[0].isalpha():
            continue
        best = _nearest(cursor, fold(word))
        if best:
            corrected, changed = corrected.replace(word, best, 1), True
    if not changed:
        return None
    new_node = read(corrected).node
    compiled = compiler.compile(new_node) if new_node is not None else None
    if compiled is None:
        return None
    sql, params = compiled.as_sql()
    all_sql, all_params = combine(filters)
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {source(True)} WHERE ({sql}) AND {all_sql})",
        params + all_params,
    )
    return corrected if cursor.fetchone()[0] else None


def _nearest(cursor, word: str) -> str | None:
    cursor.execute("SELECT 1 FROM search_pgword WHERE word = %s", [word])
    if cursor.fetchone():
        return None
    # The first letters are rarely mistyped (as in the Whoosh backend).
    for distance, keep in ((1, 2), (2, 3)):
        if distance == 2 and len(word) < 6:
            break
        cursor.execute(
            "SELECT word FROM search_pgword WHERE word LIKE %s"
            " AND levenshtein(word, %s) <= %s ORDER BY ndoc DESC, word LIMIT 1",
            [word[:keep].replace("%", "").replace("_", "") + "%", word, distance],
        )
        row = cursor.fetchone()
        if row:
            return row[0]
    return None


def _plain_words(node):
    """The positive plain words of the query (what a spelling mistake can be in)."""
    if isinstance(node, Word) and not node.field and not node.prefix and not node.fuzzy:
        if fold(node.text) not in STOP_WORDS:
            yield node
    elif isinstance(node, And | Or):
        for child in node.nodes:
            yield from _plain_words(child)
