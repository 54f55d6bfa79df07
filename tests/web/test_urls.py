"""Odd characters in a page's address are a 404 or a normal page, never a 500 (PostgreSQL
refuses NUL in a query; XML 1.0 refuses control characters in a feed)."""

from urllib.parse import urlencode

import pytest

from tests.factories import make_outlet, make_tag

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


@pytest.mark.parametrize(
    "q", ["a\x01b", "kim\x00", "\x1b[31m", "kim\ufffe", "\uffffkim", "a\x0bb\x0cc", "a\ud800b"]
)
def test_a_feed_for_a_query_with_control_characters_is_well_formed(client, q):
    from xml.etree import ElementTree

    # Raw bytes in the address, as a hostile client sends them (a lone surrogate too).
    raw = q.encode("utf-8", "surrogatepass")
    response = client.get("/feed/", QUERY_STRING=urlencode({"q": raw, "outlet": b"x" + raw}))
    assert response.status_code == 200
    ElementTree.fromstring(response.content)


def test_a_feed_listing_an_article_with_control_characters_is_well_formed(client):
    from xml.etree import ElementTree

    from search.service import get_backend
    from tests.factories import make_article

    article = make_article("Bad\x1btitle\ufffe", summary="A \x07bell\uffff")
    article.tags.add(make_tag("Odd\uffff tag"))
    get_backend().index([article])
    response = client.get("/feed/")
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    titles = [e.text for e in feed.iter() if e.tag.endswith("title")]
    assert "Bad title " in titles
    assert [e.get("term") for e in feed.iter() if e.tag.endswith("category")] == ["Odd  tag"]


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE"])
@pytest.mark.parametrize(
    "page",
    ["/?q=kim", "/suggest?q=ki", "/compare/?s1.q=kim", "/feed/?q=kim", "/feed/about/?q=kim",
     "/outlets/yonhap/", "/outlets/yonhap/feed/", "/articles/1/", "/stories/1/", "/searches/"],
)  # fmt: skip
def test_a_page_answers_only_get_and_head(client, page, method):
    make_outlet("Yonhap")

    response = client.generic(method, page)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
