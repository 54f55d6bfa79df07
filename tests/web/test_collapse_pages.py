"""The search page folds copies: the totals line, "N more copies: …" expanding in place
without JavaScript, and the toggle kept in the page's links."""

import re

import pytest

from tests.search.conftest import wire_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def wire(db):
    return wire_articles()


def test_the_totals_say_articles_and_what_is_left_after_folding(client, wire):
    page = client.get("/").content.decode()
    assert "<strong>5</strong> articles, <strong>3</strong> after folding copies" in page

    every = client.get("/?collapse=none").content.decode()
    assert "<strong>5</strong> articles" in every and "after folding" not in every

    stories = client.get("/?collapse=stories").content.decode()
    assert "<strong>5</strong> articles, <strong>2</strong> after grouping by story" in stories


def test_a_folded_group_lists_its_copies_in_a_details_element(client, wire):
    page = client.get("/?sort=oldest").content.decode()
    details = re.search(r'<details class="copies">(.*?)</details>', page, re.S).group(1)
    assert "<summary>2 more copies: JoongAng, Herald</summary>" in details
    for copy in wire["copies"]:
        assert f'href="{copy.get_absolute_url()}' in details
    assert "9 May 2018" in details and "10 May 2018" in details


def test_a_story_group_says_how_many_articles_it_holds(client, wire):
    page = client.get("/?sort=oldest&collapse=stories").content.decode()
    assert "<summary>3 more articles of this story: " in page


def test_the_toggle_marks_the_current_choice_and_is_kept_in_links(client, wire):
    page = client.get("/?collapse=none&q=summit").content.decode()
    assert '<span aria-current="true">Show every copy</span>' in page
    assert 'href="/?q=summit"' in page  # "Fold copies": the default, no parameter
    assert 'href="/?q=summit&amp;collapse=stories"' in page
    # the form (search box, filters) sends it again, and so do the pages' links
    assert '<input type="hidden" name="collapse" value="none">' in page
    paged = client.get("/?collapse=none&size=1").content.decode()
    assert 'href="/?collapse=none&amp;size=1&amp;page=2"' in paged


def test_an_unknown_collapse_is_ignored_and_said(client, wire):
    page = client.get("/?collapse=sideways").content.decode()
    assert "The folding was ignored: unknown value &#x27;sideways&#x27;" in page
    assert "after folding copies" in page


def test_original_reporting_only_changes_the_outlet_counts(client, wire):
    page = client.get("/?outlet_credit=original").content.decode()
    assert 'value="joongang"' not in page
    assert 'value="yonhap"' in page


def test_the_feed_does_not_repeat_copies(client, wire):
    feed = client.get("/feed/").content.decode()
    assert feed.count("<entry>") == 3
    assert client.get("/feed/?collapse=none").content.decode().count("<entry>") == 5
