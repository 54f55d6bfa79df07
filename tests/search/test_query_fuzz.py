"""Hostile queries: whatever is typed, the parser and every backend answer, fast, and say
what they cut (length, terms, nesting, prefix expansion).

Hypothesis runs derandomized with fixed example counts, so CI sees the same queries each
time; the module stays within about 30 seconds.
"""

import itertools
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import query as query_module
from search.nodes import And, Best, DateRange, Not, Or, Phrase, Synonyms, Word
from search.query import is_question, parse_query
from search.question import best_match
from search.service import search
from search.types import SearchRequest
from tests.factories import make_article, make_outlet, make_tag

# Pieces of the query language and of what people (or scripts) paste into a search box.
PIECES = [
    "AND", "OR", "NOT", "&&", "||", "-", "+", "(", ")", '"', "[", "]", "{", "}", "*", "?",
    "~", "~2", ":", "TO", "title:", "outlet:", "author:", "tag:", "published:", "colour:",
    "published:[2018 TO 2019]", "published:[* TO 2018-05]", "published:2018-13",
    "published:[2018-02-30 TO *]", "a*", "*", "?*", "ab*", "summ*", "kim", "Kim", "summit",
    "Pyongyng~", "US", "U.S.", "Jong-un's", "\x00", "\u0301", "é", "ß", "ǅ*", "İ", "🙂",
    "<script>alert(1)</script>", "'; DROP TABLE archive_article; --", "%", "_", "\\",
    "http://example.org/a:b", "&", "'", "\t", "\n",
]  # fmt: skip
SEPARATORS = st.sampled_from([" ", "", "  ", "\t"])
WORDS = st.text(min_size=1, max_size=12)


@st.composite
def queries(draw) -> str:
    """A query built from the language's pieces and arbitrary text."""
    parts = draw(st.lists(st.one_of(st.sampled_from(PIECES), WORDS), max_size=30))
    separator = draw(SEPARATORS)
    return separator.join(parts)


@st.composite
def nested(draw) -> str:
    """Brackets or NOTs hundreds deep, closed or not."""
    depth = draw(st.integers(1, 400))
    opener = draw(st.sampled_from(["(", "NOT ", "-", "( NOT ", '("', "(title:"]))
    closing = draw(st.integers(0, depth))
    return opener * depth + draw(st.sampled_from(["kim", "a*", "", '"x'])) + ")" * closing


@st.composite
def huge(draw) -> str:
    """About 10 KB of repeated pieces."""
    piece = draw(st.sampled_from(["kim ", "a* ", "(x OR y) ", '"', "(", "ab* OR ", "-k "]))
    return piece * (10_000 // len(piece))


HOSTILE = st.one_of(queries(), nested(), huge(), st.text(max_size=600))


def _typed_length(text: str) -> int:
    """The length the parser sees: control characters are blanks."""
    return len(query_module._CONTROL.sub(" ", text).strip())


def _leaves(node) -> int:
    if isinstance(node, And | Or):
        return sum(_leaves(child) for child in node.nodes)
    if isinstance(node, Not):
        return _leaves(node.node)
    return 1


def _depth(node) -> int:
    if isinstance(node, And | Or):
        return 1 + max(_depth(child) for child in node.nodes)
    if isinstance(node, Not):
        return 1 + _depth(node.node)
    return 0


# -- the parser alone -------------------------------------------------------------------


@settings(max_examples=1500, deadline=None, derandomize=True, database=None)
@given(HOSTILE)
def test_the_parser_never_raises_and_keeps_within_its_caps(text):
    # CPU time, not wall time: a runaway parse (a backtracking pattern, a quadratic walk)
    # burns CPU, while a shared machine that stalls this process for a moment does not.
    started = time.process_time()
    parsed = parse_query(text)
    assert time.process_time() - started < 0.5
    assert all(isinstance(m, str) and m for m in parsed.errors + parsed.notes)
    if parsed.node is not None:
        # A question keeps more words until the engine picks its rarest MAX_CLAUSES.
        cap = (
            query_module.MAX_QUESTION_WORDS
            if is_question(parsed.node)
            else query_module.MAX_CLAUSES
        )
        assert _leaves(parsed.node) <= cap
        searched, _ = best_match(parsed.node)
        if isinstance(searched, Best):
            assert len(searched.should) <= query_module.MAX_CLAUSES
        assert _depth(parsed.node) <= 2 * query_module.MAX_DEPTH + 2
    if _typed_length(text) > query_module.MAX_QUERY_CHARS:
        assert any("longer than" in note for note in parsed.notes)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(HOSTILE)
def test_every_leaf_is_something_an_engine_can_search(text):
    stack = [parse_query(text).node]
    while stack:
        node = stack.pop()
        if isinstance(node, And | Or):
            assert node.nodes
            stack.extend(node.nodes)
        elif isinstance(node, Not):
            stack.append(node.node)
        elif isinstance(node, Word):
            assert node.text.strip() and "\x00" not in node.text
            assert not node.prefix or len(node.text) >= query_module.MIN_PREFIX
        else:
            assert node is None or isinstance(node, Phrase | DateRange | Synonyms)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(" * 300 + "kim" + ")" * 300, "nested more than 16 deep"),
        ("NOT " * 100 + "kim", "nested more than 16 deep"),
        ("kim " * 2500, "longer than 500 characters"),
        (" OR ".join(f"w{i}" for i in range(60)), "28 were left out"),
        ("a*", "too short a prefix"),
        ("*", "works only at a word's end"),
        ("?*", "too short a prefix"),
        ('"kim jong', "never closed"),
        ("(kim OR (summit", "never closed"),
    ],
)
def test_what_was_cut_or_not_understood_is_said(text, message):
    parsed = parse_query(text)
    assert message in " ".join(parsed.errors + parsed.notes)


def test_a_nested_query_within_the_limit_keeps_its_meaning():
    parsed = parse_query("(" * 10 + "kim OR summit" + ")" * 10)
    assert parsed.errors == parsed.notes == []
    assert parsed.node == Or((Word("kim"), Word("summit")))


# -- the search service on every backend ------------------------------------------------


@pytest.fixture
def small_archive(db, search_backend):
    reuters = make_outlet("Reuters")
    kim = make_tag("Kim Jong-un", kind="person", aliases=["Kim Jong Un"])
    articles = [
        make_article(
            "Kim meets envoys on denuclearization",
            "Kim Jong-un met U.S. envoys in Pyongyang; the summit was about denuclearization.",
            outlet=reuters,
        ),
        make_article("Crude oil prices rise", "Crude oil rose as OPEC cut output, traders said."),
        make_article("Café owners protest", "Owners of cafés in Zürich protested the new rent."),
    ]
    articles[0].tags.add(kim)
    search_backend.index(articles)
    return articles


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=HOSTILE)
def test_the_service_answers_every_query_on_every_backend(small_archive, text):
    started = time.perf_counter()
    result = search(SearchRequest(q=text, facets=("outlet", "person")))
    assert time.perf_counter() - started < 5  # generous: a shared, slow CI machine
    assert 0 <= result.total <= len(small_archive)
    assert result.query_error is None or result.query_error.strip()
    assert all(notice.strip() for notice in result.notices)
    if _typed_length(text) > query_module.MAX_QUERY_CHARS:
        assert "longer than" in " ".join(result.notices)


def test_a_query_nested_too_deep_is_searched_literally(small_archive):
    result = search(SearchRequest(q="(" * 200 + "denuclearization" + ")" * 200))
    assert result.total == 1
    assert "nested more than" in result.query_error


# -- term expansion on a large vocabulary ------------------------------------------------


def _many_words(count: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [
        "ab" + "".join(t) for t in itertools.islice(itertools.product(letters, repeat=3), count)
    ]


@pytest.fixture
def large_vocabulary(db, search_backend):
    """3,000 distinct words starting with "ab" spread over 30 articles."""
    words = _many_words(3000)
    articles = [
        make_article(f"Wordlist {n}", " ".join(words[n * 100 : (n + 1) * 100])) for n in range(30)
    ]
    search_backend.index(articles)
    return words


@pytest.mark.slow
def test_prefix_expansion_is_capped_and_says_so(large_vocabulary):
    started = time.perf_counter()
    result = search(SearchRequest(q="ab*"))
    took = time.perf_counter() - started
    cap = query_module.MAX_EXPANSION
    assert f"ab* matches more than {cap} words" in " ".join(result.notices)
    assert result.query_error is None
    assert 0 < result.total <= 30
    assert took < 10
    assert search(SearchRequest(q="a*")).query_error.count("too short a prefix") == 1


@pytest.mark.slow
def test_many_capped_prefixes_in_one_query_stay_bounded(large_vocabulary):
    q = " OR ".join(f"ab{letter}*" for letter in "abcdefghijklmnopqrstuvwxyz")
    started = time.perf_counter()
    result = search(SearchRequest(q=q))
    assert time.perf_counter() - started < 20
    assert result.total > 0
    assert "matches more than" in " ".join(result.notices)


def test_a_narrow_prefix_is_not_capped(large_vocabulary):
    result = search(SearchRequest(q="abaa*"))
    assert result.total == 1
    assert result.query_error is None
    assert result.notices == ()


def test_fuzzy_words_past_the_cap_are_searched_as_typed_and_it_is_said():
    cap = query_module.MAX_FUZZY
    parsed = parse_query(" OR ".join(f"word{i}~2" for i in range(cap + 3)))
    fuzzy = [w for w in parsed.node.nodes if w.fuzzy]
    assert len(fuzzy) == cap
    assert f"more than {cap} fuzzy words (~): 3 were searched as typed" in parsed.notes[0]
    assert parsed.errors == []


@pytest.mark.slow
def test_many_fuzzy_words_stay_bounded_on_a_large_vocabulary(large_vocabulary):
    q = " OR ".join(f"ab{a}{b}x~2" for a in "abcde" for b in "abcdef")  # 30 fuzzy words
    started = time.perf_counter()
    result = search(SearchRequest(q=q))
    assert time.perf_counter() - started < 10
    assert "were searched as typed" in " ".join(result.notices)


def test_a_capped_fuzzy_word_keeps_the_closest_words(large_vocabulary):
    one_edit = search(SearchRequest(q="abaax~1", page_size=100))
    two_edits = search(SearchRequest(q="abaax~2", page_size=100))
    assert "abaax~ matches more than" in " ".join(two_edits.notices)
    assert {h.id for h in one_edit.hits} <= {h.id for h in two_edits.hits}
