"""Extraction guesses what the source did not say: headline, byline, outlet hints."""

from archive.ingest.clean import layout
from archive.ingest.extract import authors_from, outlet_hints, title_fallback, title_from

PROSE = "The council approved the new budget on Monday after a long debate about schools."


def test_byline_of_names_above_the_headline():
    found = layout(f"Menu\nAnn Lee and Tom Roe\nBudget passes at last\n{PROSE}\n")
    assert authors_from(found) == ("Ann Lee", "Tom Roe")
    assert title_from(found) == "Budget passes at last"


def test_by_line_with_an_email_below_the_story():
    found = layout(f"Budget passes\n{PROSE}\nBy Ock Hyun-ju (ock@example.com)\nMOST POPULAR\n")
    assert authors_from(found) == ("Ock Hyun-ju",)


def test_contact_line_names_the_reporters():
    contact = (
        "To contact the reporters on this story: Ann Lee in Seoul at alee@example.net;"
        "Tom Roe in Beijing at troe@example.net"
    )
    found = layout(f"Budget passes\n{PROSE}\n{contact}\n")
    assert authors_from(found) == ("Ann Lee", "Tom Roe")


def test_outlet_hints_in_order_of_strength():
    text = f"{PROSE}\nSource: Daily Planet, agencies\n© 2020 Planet Media Inc.\nann@planet.com\n"
    assert outlet_hints(text) == ("Daily Planet", "Planet Media", "planet.com")


def test_title_fallback_is_the_first_line_or_its_first_sentence():
    assert title_fallback("Short headline\nBody.") == "Short headline"
    long = "This is a long first sentence. " + "word " * 40
    assert title_fallback(long) == "This is a long first sentence."
