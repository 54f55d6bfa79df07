"""Old names of this wing's classes, so that indexes written before it moved stay readable.

An index's table of contents names the classes of its schema by module path. Indexes
written before the Whoosh modules moved into ``search/backends/whoosh/`` (December 2026)
name ``search.analysis.NewsAnalyzer`` and ``search.schema.NewsPositions``; without these
names an upgraded server could not open its index until a rebuild.
"""

import sys

from search import analysis
from search.backends.whoosh import analyzer, schema

OLD_NAMES = {
    ("search.analysis", "NewsAnalyzer"): analyzer.NewsAnalyzer,
    ("search.schema", "NewsPositions"): schema.NewsPositions,
}


def register() -> None:
    """Make the old paths resolve to today's classes (idempotent)."""
    setattr(analysis, "NewsAnalyzer", analyzer.NewsAnalyzer)  # noqa: B010
    sys.modules.setdefault("search.schema", schema)
