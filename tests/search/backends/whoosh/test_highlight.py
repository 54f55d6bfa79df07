"""Highlights cut from the text as written: escaped, the indexed words in <mark>."""

import random
import re

import pytest

from search.backends.whoosh.highlight import (
    FRAGMENT_CHARS,
    _found_in_ascii,
    _scanned,
    highlight_body,
    highlight_title,
    word_spans,
)


def test_a_title_is_marked_whole_and_escaped():
    marked = highlight_title("Kim & <Trump> meet", {"kim"})
    assert marked == "<mark>Kim</mark> &amp; &lt;Trump&gt; meet"


def test_words_match_as_indexed_possessives_and_spellings_included():
    assert highlight_title("Pyongyang's defence", {"pyongyang", "defense"}) == (
        "<mark>Pyongyang&#x27;s</mark> <mark>defence</mark>"
    )


def test_the_body_gives_up_to_three_fragments_in_reading_order():
    filler = "word " * 80
    text = f"summit at start. {filler} talks in the middle. {filler} summit talks at the end."
    fragments = highlight_body(text, {"summit", "talks"})
    assert 1 <= len(fragments) <= 3
    assert all("<mark>" in f for f in fragments)
    assert all(len(f) <= FRAGMENT_CHARS + 40 for f in fragments)


def test_a_body_without_matches_opens_with_its_first_words():
    text = "Nothing here matches. " * 30
    (fragment,) = highlight_body(text, {"summit"})
    assert fragment.startswith("Nothing here") and fragment.endswith(" …")
    assert highlight_body("", {"summit"}) == ()


# Words the reading of only the candidate places could get wrong: acronyms, apostrophes
# inside and after words, British spellings, words inside words, digits, underscores.
EDGES = (
    "U.S. oil and U.N. talks; O'Neil's oils' colour. Soil, oilseed and OIL.Prices rose: "
    "a_oil, oil's price, the u.s. colours, 1987 and 1,987.5; s.e. Asia's oil. Oil"
)
TERM_SETS = [
    {"oil"},
    {"oils"},
    {"us"},
    {"oneil"},
    {"color", "price"},
    {"s"},
    {"1987", "5"},
    {"asia", "a"},
    {"un", "talk", "talks"},
]


@pytest.mark.parametrize("terms", TERM_SETS, ids=lambda t: ",".join(sorted(t)))
def test_reading_the_candidate_places_finds_what_reading_every_word_finds(terms):
    assert word_spans(EDGES, terms) == _scanned(EDGES, terms)
    assert word_spans(EDGES.upper(), terms) == _scanned(EDGES.upper(), terms)
    words = EDGES.split()
    for n in range(len(words)):  # each word at the very start and end of a text
        text = " ".join(words[n:])
        assert word_spans(text, terms) == _scanned(text, terms)
        text = " ".join(words[: n + 1])
        assert word_spans(text, terms) == _scanned(text, terms)


def test_reuters_texts_give_the_same_spans_either_way(reuters_dir):
    raw = (reuters_dir / "reut2-000.xml").read_text(encoding="latin-1")
    texts = re.findall(r"<(?:TITLE|BODY)>(.*?)</(?:TITLE|BODY)>", raw, re.S)
    assert len(texts) > 1500
    for terms in [{"oil"}, {"said", "u", "s"}, {"us", "dlrs"}, {"labor", "program", "mln"}]:
        for text in texts:
            assert word_spans(text, terms) == _scanned(text, terms), (terms, text[:60])


def test_plain_words_are_found_without_reading_every_word():
    text = "Crude oil prices rose as the oil ministers met."
    assert _found_in_ascii(text, {"oil"}) == [(6, 9), (29, 32)]
    # Dropping the dots of U.S. makes "us" appear: only the whole reading is exact there.
    assert _found_in_ascii("The U.S. said", {"us"}) is None
    assert word_spans("The U.S. said", {"us"}) == [(4, 8)]


def test_a_possessive_is_read_where_its_word_starts_without_reading_every_word():
    """ "bank's" holds "banks" once its apostrophe is dropped, at the place where "bank"
    starts: the word there is read anyway, so the whole text need not be."""
    text = "The bank's rates and the banks' rates. O'Neil's bank."
    terms = {"bank", "banks", "rate"}
    assert _found_in_ascii(text, terms) == _scanned(text, terms)
    assert _found_in_ascii(text, {"oneil", "bank"}) is None  # "oneil" starts nowhere as written
    # A dot dropped just before the word: the place is still the word's first letter.
    assert _found_in_ascii("Rates rose.Bank's", {"rates", "bank", "banks"}) == [(0, 5), (11, 17)]


@pytest.mark.parametrize("seed", range(30))
def test_random_texts_of_dotted_and_possessive_words_give_the_same_spans(seed):
    randomly = random.Random(seed)
    pieces = [
        "bank",
        "bank's",
        "banks",
        "banks'",
        "u.s.",
        "U.S.",
        "us",
        "o'neil",
        "oneil",
        "a.b.",
        "ab",
        ".",
        "'",
        "'s",
        "s.",
        "x.bank",
    ]
    text = " ".join(randomly.choice(pieces) for _ in range(randomly.randint(1, 60)))
    text = text.replace(" .", ".") if seed % 2 else text
    for terms in [{"bank"}, {"bank", "banks"}, {"us"}, {"oneil", "s"}, {"ab", "bank"}]:
        assert word_spans(text, terms) == _scanned(text, terms), (terms, text)


def test_a_long_run_of_letters_is_read_once_not_once_per_place(monkeypatch):
    # A data URI or a hex string in a scraped page: every place in it may start "ha".
    from search.backends.whoosh import highlight

    read = []

    class Counting:
        def __init__(self, pattern):
            self.pattern = pattern

        def finditer(self, text, at=0):
            for match in self.pattern.finditer(text, at):
                read.append(match)
                yield match

    real = highlight.token_pattern
    monkeypatch.setattr(highlight, "token_pattern", lambda text: Counting(real(text)))
    for text in ["ha" * 20_000, "a.a." * 10_000 + " ha", "x'" * 20_000 + "ha", "ha ha. " * 500]:
        expected = _scanned(text, {"ha", "a"})
        read.clear()
        assert _found_in_ascii(text, {"ha", "a"}) == expected
        assert len(read) <= len(real(text).findall(text)) + 1


def test_kept_spans_search_a_text_once_for_the_same_terms(monkeypatch):
    from search.backends.whoosh import highlight

    searched = []
    monkeypatch.setattr(
        highlight, "word_spans", lambda text, terms: searched.append(text) or [(0, 3)]
    )
    spans = highlight.KeptSpans()
    text = "Oil prices rose."
    assert spans(text, {"oil"}) == spans(text, {"oil"}) == [(0, 3)]
    spans(text, {"oil", "price"})
    assert searched == [text, text]  # once for each set of terms
    assert highlight_title(text, {"oil"}, spans) == "<mark>Oil</mark> prices rose."
