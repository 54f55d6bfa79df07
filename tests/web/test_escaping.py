"""HTML and JavaScript in the data are shown as text on every public page, never run."""

import json
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import lxml.html
import pytest

from search.outbox import outbox_drain
from tests.hostile import (
    ATTRIBUTE,
    JS_URL,
    PAYLOAD,
    SCRIPT,
    hostile_archive,
    injected,
    visible_text,
)

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hostile(db):
    data = hostile_archive()
    outbox_drain()
    return data


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    html = response.content.decode()
    assert injected(html) == [], url
    return html


def search_url(**params) -> str:
    return "/?" + urlencode(params, doseq=True)


def test_search_results_show_every_field_as_text(client, hostile):
    html = page(client, search_url(q="hostile"))

    text = visible_text(html)
    assert "3 articles for “hostile”" in text
    for name in ("outlet", "author", "tag"):
        assert hostile[name].name in text  # in the hits and in the facets
    assert "&lt;script data-xss&gt;" in html


def test_highlights_add_no_markup_but_mark(client, hostile):
    html = page(client, search_url(q="hostile alert"))

    doc = lxml.html.fromstring(html)
    fragments = doc.xpath("//*[contains(@class, 'fragments')]")
    assert fragments
    tags = {el.tag for f in fragments for el in f.iterdescendants()}
    assert tags == {"mark"}
    titles = doc.xpath("//*[contains(@class, 'hit-title')]/a")
    assert {el.tag for t in titles for el in t.iterdescendants()} <= {"mark"}
    assert "<script" in fragments[0].text_content() or "<script" in titles[0].text_content()


@pytest.mark.parametrize(
    "params",
    [
        {"q": PAYLOAD},
        {"q": f"hostile {SCRIPT}", "sort": SCRIPT, "size": PAYLOAD, "page": PAYLOAD},
        {"q": "hostile", "outlet": PAYLOAD, "tag": PAYLOAD, "author": PAYLOAD},
        {"q": "hostile", "language": PAYLOAD, "year": PAYLOAD, "from": PAYLOAD, "to": PAYLOAD},
        {"q": "hostle alrt"},  # a misspelling: the did-you-mean line
        {"q": '"unbalanced (<script data-xss>alert(1)</script> AND'},
    ],
    ids=["query", "sort-size-page", "facets", "dates", "did-you-mean", "broken-query"],
)
def test_the_query_and_filters_are_echoed_as_text(client, hostile, params):
    response = client.get(search_url(**params))

    assert response.status_code in (200, 400)
    assert injected(response.content.decode()) == []


def test_a_hostile_query_is_shown_back_verbatim(client, hostile):
    html = page(client, search_url(q=PAYLOAD))

    doc = lxml.html.fromstring(html)
    assert doc.get_element_by_id("q").value == PAYLOAD
    assert PAYLOAD in doc.findtext(".//title")


def test_facet_values_of_hostile_data_stay_in_their_attributes(client, hostile):
    html = page(client, search_url(q="hostile"))

    doc = lxml.html.fromstring(html)
    languages = doc.xpath("//fieldset[@id='facet-language']//input/@value")
    assert '"><svg onload=1>' in languages


def test_article_page_escapes_every_field(client, hostile):
    article = hostile["article"]

    html = page(client, article.get_absolute_url() + "?" + urlencode({"q": PAYLOAD}))

    text = visible_text(html)
    for value in (article.title, article.summary, article.raw_text):
        assert value in text
    doc = lxml.html.fromstring(html)
    assert PAYLOAD in doc.xpath("string(//div[@class='body'])")
    assert doc.xpath("string(//details[@class='raw']/pre)") == article.raw_text


def test_a_javascript_url_is_never_a_link(client, hostile):
    html = page(client, hostile["article"].get_absolute_url())

    doc = lxml.html.fromstring(html)
    assert JS_URL not in doc.xpath("//a/@href")
    assert "Read the original" not in visible_text(html)


def test_a_web_url_still_links_to_the_original(client, hostile):
    article = hostile["article"]
    article.url = "https://example.org/story"
    article.save()

    html = page(client, article.get_absolute_url())

    assert "https://example.org/story" in lxml.html.fromstring(html).xpath("//a/@href")


def test_highlighting_on_the_article_page_adds_only_marks(client, hostile):
    html = page(client, hostile["article"].get_absolute_url() + "?q=hostile+alert")

    body = lxml.html.fromstring(html).xpath("//div[@class='body']")[0]
    assert {el.tag for el in body.iterdescendants()} <= {"p", "mark", "br"}
    assert body.xpath("count(.//mark)") >= 3


def test_near_duplicates_and_more_like_this_escape_titles(client, hostile):
    html = page(client, hostile["twin"].get_absolute_url())

    doc = lxml.html.fromstring(html)
    assert hostile["article"].title in doc.xpath("string(//section[@class='duplicates'])")
    assert hostile["cousin"].title in doc.xpath("string(//section[@class='more-like-this'])")


@pytest.mark.parametrize("name", ["outlet", "author", "tag"])
def test_outlet_author_and_tag_pages_escape_their_names(client, hostile, name):
    obj = hostile[name]

    html = page(client, obj.get_absolute_url() + "?q=" + "%3Cscript%3E")

    assert obj.name in lxml.html.fromstring(html).xpath("string(//h1)")


def test_atom_feed_is_well_formed_and_carries_text(client, hostile):
    response = client.get("/feed/?" + urlencode({"q": f"hostile {SCRIPT}", "outlet": PAYLOAD}))
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # raises on malformed XML

    assert SCRIPT in feed.findtext(f"{ATOM}title")
    entries = feed.findall(f"{ATOM}entry")
    assert entries == [] or all(e.findtext(f"{ATOM}title") for e in entries)


def test_atom_feed_entries_hold_escaped_html(client, hostile):
    response = client.get("/feed/?q=hostile&collapse=none")  # the copy too (feeds fold copies)
    feed = ET.fromstring(response.content)

    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry in entries:
        assert SCRIPT in entry.findtext(f"{ATOM}title")  # type text: shown as is
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "html"
        # A feed reader renders the summary as HTML: it must be inert.
        assert injected(summary.text) == []
        assert "hostile" in visible_text(summary.text)
    names = {a.findtext(f"{ATOM}name") for a in feed.iter(f"{ATOM}author")}
    assert hostile["author"].name in names


def test_suggestions_are_json_that_is_never_sniffed_as_html(client, hostile):
    response = client.get("/suggest?q=hostile")

    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    texts = [s["text"] for s in json.loads(response.content)["suggestions"]]
    assert any(SCRIPT in text for text in texts)


def test_not_found_page_does_not_echo_the_address(client, hostile):
    html = page(client, "/articles/999999/%3Cscript%3Ealert(1)%3C/script%3E/", status=404)

    assert "alert(1)" not in html


def test_the_page_does_not_trust_the_search_engine_either(client, hostile, monkeypatch):
    """Facet labels and values, the suggestion, the error notice and a highlight that is
    not just <mark> are shown as text even if a backend let markup through."""
    from search.types import FacetValue, Highlights, Hit, SearchResult

    article = hostile["article"]
    evil_value = FacetValue(value=ATTRIBUTE, label=SCRIPT, count=1)
    answer = SearchResult(
        total=1,
        page=1,
        page_size=20,
        hits=[Hit(article.pk, 1.0, Highlights(SCRIPT, (f"<mark>x</mark>{SCRIPT}",)), article)],
        facets={key: [evil_value] for key in ("outlet", "person", "topic", "author", "language")},
        suggestion=f"hostile {ATTRIBUTE}",
        query_error=f"Not understood: {SCRIPT}",
    )
    monkeypatch.setattr("archive.views.search_service.search", lambda request: answer)

    html = page(client, search_url(q="hostile", outlet=ATTRIBUTE))

    text = visible_text(html)
    assert f"Not understood: {SCRIPT}" in text
    assert f"Did you mean hostile {ATTRIBUTE}?" in text
    assert f"<mark>x</mark>{SCRIPT}" in text  # the whole fragment escaped, marks included


@pytest.mark.parametrize("url", ["/", "/?q=hostile", "/admin/login/"])
def test_pages_refuse_framing_and_content_sniffing(client, hostile, url):
    response = client.get(url)

    assert response["X-Frame-Options"] == "DENY"  # no clickjacking of the admin's buttons
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"  # queries do not leak to other sites


def test_the_compare_page_and_its_chart_show_the_data_and_labels_as_text(client, hostile):
    label = SCRIPT + ATTRIBUTE
    html = page(client, "/compare/?" + urlencode({"s1.q": "hostile", "s1.label": label}))
    assert hostile["outlet"].name in visible_text(html)
    svg = client.get("/compare/chart.svg?" + urlencode({"s1.q": "hostile", "s1.label": label}))
    ET.fromstring(svg.content)  # well-formed: the label is escaped for XML too
    assert injected(svg.content.decode()) == []
