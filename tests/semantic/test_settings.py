"""SEARCH_SEMANTIC: off by default; on without the extra, a system check says what is missing."""

from search import semantic
from search.checks import semantic_extra_check


def test_semantic_search_is_off_unless_asked_for(settings):
    settings.SEARCH_SEMANTIC = False
    assert not semantic.semantic_enabled()
    assert semantic_extra_check() == []


def test_on_without_the_extra_the_check_names_what_is_missing(settings, monkeypatch):
    settings.SEARCH_SEMANTIC = True
    monkeypatch.setattr("search.semantic.availability.semantic_missing", lambda: ("torch",))
    monkeypatch.setattr(semantic, "semantic_missing", lambda: ("torch",))
    [error] = semantic_extra_check()
    assert error.id == "search.E002" and "torch" in error.msg
    assert not semantic.semantic_enabled()
