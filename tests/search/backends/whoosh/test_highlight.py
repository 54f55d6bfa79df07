"""Highlights cut from the text as written: escaped, the indexed words in <mark>."""

from search.backends.whoosh.highlight import FRAGMENT_CHARS, highlight_body, highlight_title


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
