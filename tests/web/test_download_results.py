"""The search page's "Download results": links that export every hit of what it shows."""

import csv
import io
import re
from html import unescape

import pytest

from tests.search.export.conftest import harvest  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def links(html: str) -> dict[str, str]:
    found = re.search(r'<p class="download">(.*?)</p>', html, re.S).group(1)
    return {
        text: unescape(href)
        for href, text in re.findall(r'<a href="([^"]+)" download>([^<]+)</a>', found)
    }


def test_the_csv_link_exports_every_hit_of_the_search_shown(client, harvest):  # noqa: F811
    page = client.get("/", {"q": "harvest", "outlet": "farm-wire", "sort": "oldest", "size": "5"})
    html = page.content.decode()
    assert "Download all 20 results" in html

    url = links(html)["CSV"]
    response = client.get(url)

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    assert len(rows) - 1 == 20  # every hit, not the page's 5
    assert {row[2] for row in rows[1:]} == {"Farm Wire"}


def test_the_links_carry_the_pages_search_and_its_order(client, harvest):  # noqa: F811
    html = client.get("/", {"q": "harvest", "tag": "topic:coffee"}).content.decode()

    found = links(html)

    assert set(found) == {"CSV", "JSON Lines"}
    assert "q=harvest" in found["CSV"] and "tag=topic%3Acoffee" in found["CSV"]
    assert "sort=relevance" in found["CSV"] and "format=csv" in found["CSV"]
    assert "format=jsonl" in found["JSON Lines"]


def test_an_outlet_page_exports_its_own_articles(client, harvest):  # noqa: F811
    html = client.get("/outlets/farm-wire/").content.decode()

    response = client.get(links(html)["JSON Lines"])

    assert response["X-Total-Count"] == "20"


def test_no_download_when_nothing_is_found(client, harvest):  # noqa: F811
    html = client.get("/", {"q": "zebra"}).content.decode()

    assert 'class="download"' not in html


def test_a_query_read_literally_offers_no_download_that_would_be_refused(client, harvest):  # noqa: F811
    # The page searches the words of a query it cannot understand literally; an export is
    # of what was asked and refuses it (a 400), so the page says why instead of linking.
    html = client.get("/", {"q": '"harvest'}).content.decode()
    assert html.count('class="hit-title"') == 20  # the literal search's first page
    assert '<p class="download">' not in html
    assert "To download these results, correct the query" in html


def test_an_autocorrected_search_downloads_the_results_it_shows(client, harvest):  # noqa: F811
    html = client.get("/", {"q": "parliment"}).content.decode()
    assert "Download all 5 results" in html  # those of "parliament", shown instead

    response = client.get(links(html)["CSV"])

    assert response["X-Total-Count"] == "5"
    assert b"".join(response.streaming_content).count(b"Parliament sits") == 5
