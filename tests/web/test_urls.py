"""Odd characters in a page's address are a 404 or a normal page, never a 500 (PostgreSQL
refuses NUL in a query; XML 1.0 refuses control characters in a feed)."""

import pytest

from tests.factories import make_outlet

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/outlets/a%00b/", "/authors/a%00b/", "/tags/person/a%00b/", "/tags/per%00son/kim/",
     "/articles/1/a%00b/", "/outlets/a.b/", "/outlets/%E2%80%8F/"],
)  # fmt: skip
def test_a_slug_with_odd_characters_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_slugs_in_other_scripts_still_resolve(client):
    outlet = make_outlet("조선일보")
    assert client.get(outlet.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("q", ["a\x01b", "kim\x00", "\x1b[31m"])
def test_a_feed_for_a_query_with_control_characters_is_well_formed(client, q):
    from xml.etree import ElementTree

    response = client.get("/feed/", {"q": q, "outlet": f"x{q}"})
    assert response.status_code == 200
    ElementTree.fromstring(response.content)


def test_a_feed_listing_an_article_with_control_characters_is_well_formed(client):
    from xml.etree import ElementTree

    from search.service import get_backend
    from tests.factories import make_article

    get_backend().index([make_article("Bad\x1btitle", summary="A \x07bell")])
    response = client.get("/feed/")
    assert response.status_code == 200
    titles = [
        e.text for e in ElementTree.fromstring(response.content).iter() if e.tag.endswith("title")
    ]
    assert "Bad title" in titles
