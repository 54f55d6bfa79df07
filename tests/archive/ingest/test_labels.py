"""Tag codes read as names: Reuters' category list, a tab-separated map, at import and
on an archive imported before."""

import io

import pytest
from django.core.management import call_command

from archive.ingest.labels import read_labels
from archive.models import Tag
from search.service import search
from search.types import SearchRequest

pytestmark = pytest.mark.django_db

WIRE = """<REUTERS TOPICS="YES" NEWID="7">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TOPICS><D>earn</D><D>money-fx</D></TOPICS><PLACES><D>west-germany</D><D>usa</D></PLACES>
<PEOPLE><D>reagan</D></PEOPLE><ORGS><D>ico-coffee</D></ORGS><EXCHANGES></EXCHANGES>
<TEXT><TITLE>BONN PROFITS RISE</TITLE><BODY>Profits rose in Bonn, the ministry said.
</BODY></TEXT>
</REUTERS>
"""


@pytest.fixture
def categories(reuters_dir):
    return reuters_dir / "cat-descriptions_120396.txt"


@pytest.fixture
def wire(tmp_path):
    path = tmp_path / "reut2-900.sgm"
    path.write_text(WIRE)
    return path


def names() -> dict[str, str]:
    return {f"{t.kind}:{t.slug}": t.name for t in Tag.objects.all()}


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_reuters_category_list_names_every_kind_of_code(categories):
    labels = read_labels(categories.read_text(encoding="latin-1"))
    assert labels["topic", "earn"] == "Earnings and Earnings Forecasts"
    assert labels["topic", "money-fx"] == "Money/Foreign Exchange"
    assert labels["organization", "ico-coffee"] == "International Coffee Organisation"
    assert labels["place", "west-germany"] == "West Germany"
    assert labels["place", "usa"] == "USA"
    assert labels["person", "reagan"] == "Ronald Reagan"  # no "President"
    assert labels["person", "lawson"] == "Nigel Lawson"  # no "Chancellor of the Exchequer"
    assert len(labels) > 600


def test_a_tab_separated_map_names_any_source_codes():
    text = "topic\tgdp\tGross domestic product\nplace\tuk\tUnited Kingdom\nbogus\tx\tY\n"
    assert read_labels(text) == {
        ("topic", "gdp"): "Gross domestic product",
        ("place", "uk"): "United Kingdom",
    }


def test_an_import_with_labels_names_its_tags_and_keeps_the_codes_as_aliases(
    categories, wire, client
):
    run("ingest", str(wire), "--labels", str(categories))
    assert names() == {
        "topic:earn": "Earnings and Earnings Forecasts",
        "topic:money-fx": "Money/Foreign Exchange",
        "place:west-germany": "West Germany",
        "place:usa": "USA",
        "person:reagan": "Ronald Reagan",
        "organization:ico-coffee": "International Coffee Organisation",
    }
    assert Tag.objects.get(name="Earnings and Earnings Forecasts").aliases == ["earn"]
    page = client.get("/tags/topic/earn/").content.decode()  # the address a relabel keeps
    assert "Earnings and Earnings Forecasts is a topic in the archive" in page


def test_the_label_command_names_the_tags_of_an_archive_imported_before(categories, wire, client):
    run("ingest", str(wire))
    assert names()["topic:earn"] == "earn"
    out = run("label_tags", str(categories))
    assert "6 tags renamed, 1 articles to index again" in out
    assert names()["topic:earn"] == "Earnings and Earnings Forecasts"  # same address
    assert names()["place:west-germany"] == "West Germany"
    assert Tag.objects.get(slug="earn").aliases == ["earn"]
    assert search(SearchRequest(q="tag:forecasts")).total == 1  # indexed again
    page = client.get("/tags/topic/earn/").content.decode()
    assert '<h1 class="preset-title">Earnings and Earnings Forecasts</h1>' in page
    # Imported again, its tags are found by their new names, not made twice.
    run("ingest", str(wire))
    assert Tag.objects.count() == 6


def test_an_unreadable_labels_file_stops_the_command(tmp_path):
    empty = tmp_path / "labels.txt"
    empty.write_text("nothing here\n")
    with pytest.raises(Exception, match="names no tag codes"):
        run("label_tags", str(empty))
