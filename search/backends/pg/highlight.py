"""Highlights with ``ts_headline``: the text is HTML-escaped first, then marked.

Escaping before marking means an article's own ``<script>`` reaches the page as text
and the only tags in a highlight are the ``<mark>`` added here.
"""

from search.types import Highlights

_FRAGMENT_BREAK = "\u241e"
_TITLE_OPTIONS = "HighlightAll=true, StartSel=<mark>, StopSel=</mark>"
_BODY_OPTIONS = (
    "StartSel=<mark>, StopSel=</mark>, MaxFragments=3, MaxWords=30, MinWords=12, "
    f'FragmentDelimiter="{_FRAGMENT_BREAK}"'
)


def escaped(column: str) -> str:
    """SQL for ``column`` with &, <, >, " and ' escaped as HTML entities."""
    sql = column
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        sql = f"replace({sql}, '{char}', '{entity}')"
    return f"replace({sql}, '''', '&#x27;')"


def highlights(cursor, ids: list[int], tsquery: str | None) -> dict[int, Highlights]:
    """The title and up to three body fragments of each article, matches in <mark>."""
    if not ids or not tsquery:  # nothing searched, nothing to mark (as with Whoosh)
        return {}
    body = "concat_ws(E'\\n\\n', nullif(summary, ''), body)"
    cursor.execute(
        f"SELECT id, ts_headline('archive_en', {escaped('title')}, q, %s),"
        f" ts_headline('archive_en', {escaped(body)}, q, %s)"
        " FROM archive_article, CAST(%s AS tsquery) AS q WHERE id = ANY(%s)",
        [_TITLE_OPTIONS, _BODY_OPTIONS, tsquery, ids],
    )
    return {row[0]: Highlights(title=row[1], body=_fragments(row[2])) for row in cursor.fetchall()}


def _fragments(text: str) -> tuple[str, ...]:
    parts = [p.strip() for p in (text or "").split(_FRAGMENT_BREAK) if p.strip()]
    marked = [p for p in parts if "<mark>" in p]
    return tuple((marked or parts)[:3])
