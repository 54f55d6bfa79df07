"""An article's "Back to results" returns to the results it came from, and only to a
list of results on this site: ``back=`` is never an open redirect."""

import re

import pytest

from archive.models import Article


def back_link(client, article: Article, **params) -> str:
    html = client.get(article.get_absolute_url(), params).content.decode()
    found = re.search(r'<nav class="crumbs" aria-label="Back"><a href="([^"]*)"', html)
    return found.group(1).replace("&amp;", "&")


@pytest.fixture
def article(seeded) -> Article:
    return seeded["bloomberg"]


def test_the_back_link_keeps_query_filters_sort_page_and_the_hit(client, article):
    results = "/?q=oil+prices&tag=place%3Ausa&sort=oldest&page=2"
    link = back_link(client, article, q="oil prices", back=results)
    assert link == f"{results}#hit-{article.pk}"


def test_hide_highlighting_keeps_the_way_back(client, article):
    html = client.get(article.get_absolute_url(), {"q": "kim", "back": "/?q=kim&page=2"})
    assert re.search(r'href="[^"]*\?back=%2F%3Fq%3Dkim%26page%3D2">Hide highlighting', html.text)


def test_an_outlet_page_is_a_way_back(client, article):
    link = back_link(client, article, back="/outlets/bloomberg/?sort=oldest")
    assert link == f"/outlets/bloomberg/?sort=oldest#hit-{article.pk}"


def test_unknown_parameters_are_dropped_from_the_way_back(client, article):
    link = back_link(client, article, back="/?q=kim&next=https://evil.example/&page=3")
    assert link == f"/?q=kim&page=3#hit-{article.pk}"


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/?q=kim",
        "//evil.example/?q=kim",
        "/\\evil.example/",
        "javascript:alert(1)",
        "/admin/",
        "/api/search/?q=kim",
        "/articles/1/x/",
        "?q=kim",
    ],
)
def test_a_way_back_that_is_not_a_results_page_here_is_ignored(client, article, back):
    link = back_link(client, article, q="kim", back=back)
    assert link == "/?q=kim"
    assert "evil" not in client.get(article.get_absolute_url(), {"back": back}).text


def test_markup_in_the_way_back_stays_text(client, article):
    back = '/?q="><script>alert(1)</script>'
    html = client.get(article.get_absolute_url(), {"back": back}).text
    assert "<script>alert(1)" not in html
    assert back_link(client, article, back=back).startswith("/?q=%22%3E%3Cscript%3E")
