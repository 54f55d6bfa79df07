"""Escaping and highlighting of article text and search fragments."""

from archive.templatetags.archive_text import (
    body_html,
    fragment,
    fragments,
    mark_terms,
    query_terms,
)


def test_fragment_from_the_service_keeps_only_mark():
    assert fragment("a <mark>kim</mark> &lt;b&gt;") == "a <mark>kim</mark> &lt;b&gt;"


def test_fragment_with_any_other_tag_is_escaped_whole():
    assert fragment("<mark>x</mark><script>alert(1)</script>") == (
        "&lt;mark&gt;x&lt;/mark&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    )


def test_query_terms_skip_operators_fields_and_excluded_words():
    stems, prefixes = query_terms('title:sanctions "peace treaty" OR denucl* -trump NOT moon')
    assert stems == {"sanction", "peac", "treati"}
    assert prefixes == ("denucl",)


def test_mark_terms_matches_other_forms_of_a_word():
    assert mark_terms("New sanctions, one sanction.", "sanction") == (
        "New <mark>sanctions</mark>, one <mark>sanction</mark>."
    )


def test_mark_terms_escapes_markup_in_the_text():
    html = mark_terms('<img src=x onerror="alert(1)"> kim', "img kim")
    assert "<img" not in html
    assert html == "&lt;<mark>img</mark> src=x onerror=&quot;alert(1)&quot;&gt; <mark>kim</mark>"


def test_body_html_makes_paragraphs_of_escaped_text():
    html = body_html("One <b>two</b>\nthree\n\nFour", "")
    assert html == "<p>One &lt;b&gt;two&lt;/b&gt;<br>three</p>\n<p>Four</p>"


def test_fragments_join_with_one_ellipsis_between():
    assert fragments(["… a <mark>b</mark> …", "… c …"]) == "… a <mark>b</mark> … c …"


def test_fragments_escape_a_fragment_with_foreign_tags():
    assert "<i>" not in fragments(["<i>x</i>", "<mark>y</mark>"])
