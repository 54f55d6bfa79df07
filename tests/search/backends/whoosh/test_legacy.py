"""An index written before the Whoosh modules moved still opens after an upgrade."""

import pickle

from search.backends.whoosh.analyzer import NewsAnalyzer
from search.backends.whoosh.schema import NewsPositions
from search.backends.whoosh.store import IndexStore  # noqa: F401  (registers the old names)


def test_the_old_class_paths_in_a_table_of_contents_resolve_to_today_s_classes():
    # What a table of contents written before the move holds: module path, class name.
    assert pickle.loads(b"csearch.analysis\nNewsAnalyzer\n.") is NewsAnalyzer
    assert pickle.loads(b"csearch.schema\nNewsPositions\n.") is NewsPositions
