"""The Whoosh schema; the document that fills it is built in ``search.documents``.

Words are indexed once, unstemmed (folded, possessives stripped, one spelling for
British and American): names stay exact, and a lower-case query word is expanded
at query time to every indexed word with the same Snowball stem. One positional
text field instead of a stemmed and an exact copy halves the indexing work.

Only the title is stored as text (for autocomplete); highlights are cut from the
page's articles, so the body is indexed but not stored, which keeps rebuilds fast.
``meta`` holds the compact facet data (ids, date) read once per index segment.
"""

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Positions

from search.analysis import term_positions
from search.backends.whoosh.analyzer import EXACT, NewsAnalyzer


class NewsPositions(Positions):
    """Positions, computed by the analyzer's fast path when it is ours (same result)."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, NewsAnalyzer) or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for term, positions in term_positions(value, stem=analyzer.stem).items():
            yield term, len(positions), len(positions) * boost, self.encode(positions)


def _text(**options) -> TEXT:
    field = TEXT(analyzer=EXACT, phrase=True, **options)
    field.format = NewsPositions(field_boost=options.get("field_boost", 1.0))
    return field


def build_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        version=STORED,
        meta=STORED,
        title=_text(stored=True, field_boost=2.0),
        body=_text(),
        outlet=_text(),
        author=_text(),
        tag=_text(),
        date=NUMERIC(int, bits=32, signed=False),
    )
