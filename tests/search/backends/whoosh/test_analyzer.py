"""The Whoosh analyzer gives the words of ``search.analysis``, positions across gaps."""

from search.analysis import VALUE_SEPARATOR, analyze
from search.backends.whoosh.analyzer import EXACT, NewsAnalyzer


def test_the_analyzer_yields_the_analysis_terms():
    text = "Pyongyang's U.S. organisation, Kim Jong-un"
    assert [t.text for t in EXACT(text)] == analyze(text, stem=False)
    assert [t.text for t in NewsAnalyzer(stem=True)(text)] == analyze(text, stem=True)


def test_a_gap_between_values_keeps_phrases_apart():
    positions = [t.pos for t in EXACT(f"Kim {VALUE_SEPARATOR} Jong", positions=True)]
    assert positions[1] - positions[0] > 1
