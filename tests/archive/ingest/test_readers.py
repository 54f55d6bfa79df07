"""Each reader turns its format into articles with the right metadata."""

import datetime as dt
import json

import pytest

from archive.ingest.run import ingest_paths
from archive.models import Article, Tag
from tests.archive.ingest.conftest import ARTICLE, jsonl

pytestmark = pytest.mark.django_db

REUTERS = """<?xml version="1.0"?>
<LEWIS>
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5544" NEWID="1">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TOPICS><D>cocoa</D></TOPICS>
<PLACES><D>el-salvador</D><D>usa</D></PLACES>
<PEOPLE><D>reagan</D></PEOPLE>
<ORGS><D>ico-coffee</D></ORGS>
<EXCHANGES><D>nyse</D></EXCHANGES>
<COMPANIES></COMPANIES>
<TEXT>
<TITLE>BAHIA COCOA REVIEW &lt;BCR></TITLE>
<DATELINE>    SALVADOR, Feb 26 - </DATELINE><BODY>Showers continued throughout the week in
the Bahia cocoa zone, alleviating the drought since early
January, Comissaria Smith said in its weekly review.
    The dry period means the temporao will be late this year.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5545" NEWID="2">
<DATE>26-FEB-1987 15:02:20.00</DATE>
<TOPICS></TOPICS><PLACES><D>usa</D></PLACES><PEOPLE></PEOPLE><ORGS></ORGS><EXCHANGES></EXCHANGES>
<COMPANIES></COMPANIES>
<TEXT TYPE="BRIEF">
******<TITLE>STANDARD OIL SETS DIVIDEND \xfcBER ALLES
</TITLE>Blah blah blah.
</TEXT>
</REUTERS>
<REUTERS TOPICS="NO" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5546" NEWID="3">
<DATE>26-FEB-1987 15:03:00.00</DATE>
<TOPICS></TOPICS><PLACES></PLACES><PEOPLE></PEOPLE><ORGS></ORGS><EXCHANGES></EXCHANGES>
<COMPANIES></COMPANIES>
<TEXT TYPE="UNPROC">
FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26
 Net free reserves.............644 vs.....1,337
</TEXT>
</REUTERS>
</LEWIS>
"""


def test_jsonl_article_keeps_every_field(write):
    batch = ingest_paths([write("a.jsonl", jsonl(ARTICLE))])
    assert batch.created == 1
    article = Article.objects.get()
    assert article.title == ARTICLE["title"]
    assert article.body == ARTICLE["body"]
    assert article.outlet.name == "Harbour Times"
    assert article.published == dt.date(2020, 3, 4)
    assert article.author_names == ["Ana Silva", "Tom Berg"]
    assert article.url == ARTICLE["url"]
    assert article.summary == "The strike is over."
    place = Tag.objects.get(kind="place")
    assert place.name == "Rotterdam" and place.aliases == ["Rotterdam port"]
    assert Tag.objects.get(kind="topic").name == "Labour"


def test_json_array_gives_one_article_per_object(write):
    second = {
        **ARTICLE,
        "title": "Second",
        "body": "Another story, about the weather.",
        "url": None,
    }
    batch = ingest_paths([write("a.json", json.dumps([ARTICLE, second]))])
    assert batch.created == 2


def test_datetime_with_zone_is_stored_as_utc_date_and_time(write):
    item = {**ARTICLE, "published": "2020-03-04T23:30:00-02:00"}
    ingest_paths([write("a.jsonl", jsonl(item))])
    article = Article.objects.get()
    assert article.published == dt.date(2020, 3, 5)
    assert article.published_time == dt.time(1, 30)


def test_text_front_matter_gives_metadata(write):
    text = (
        "---\ntitle: Floods close the valley road\noutlet: Valley News\n"
        "published: 2021-07-01\nauthors: Mia Wong, Li Na\n"
        'tags: [{"name": "Floods", "kind": "topic"}]\n---\n'
        "Heavy rain closed the valley road on Thursday, and the council said it would stay "
        "shut until the water goes down.\n"
    )
    ingest_paths([write("flood.txt", text)])
    article = Article.objects.get()
    assert article.title == "Floods close the valley road"
    assert article.outlet.name == "Valley News"
    assert article.author_names == ["Mia Wong", "Li Na"]
    assert article.body.startswith("Heavy rain closed the valley road")
    assert article.raw_text == text


def test_text_sidecar_manifest_gives_metadata_and_is_not_read_itself(write):
    story = write(
        "dir/story.txt",
        "A headline here\n\nThe first paragraph has more than ten words in it, so it reads "
        "as prose.\n",
    )
    write(
        "dir/manifest.json",
        '{"articles": [{"file": "story.txt", "outlet": "Daily", "published": "2019-01-02", '
        '"authors": ["Kim Lee"]}]}',
    )
    batch = ingest_paths([story.parent])
    assert (batch.created, batch.failed) == (1, 0)
    article = Article.objects.get()
    assert article.title == "A headline here"
    assert article.outlet.name == "Daily"
    assert article.published == dt.date(2019, 1, 2)
    assert article.author_names == ["Kim Lee"]


def test_html_page_main_text_and_metadata(write):
    html = """<html><head><title>Bridge reopens | City Paper</title>
    <meta name="author" content="Jane Doe">
    <meta property="og:site_name" content="City Paper">
    <meta property="og:title" content="Bridge reopens after repairs">
    <meta property="article:published_time" content="2022-05-06T08:00:00Z">
    </head><body><nav><a href="/">Home</a> &gt; <a href="/city">City</a></nav>
    <article><h1>Bridge reopens after repairs</h1>
    <p>The old bridge over the river reopened to traffic on Friday after two years of repairs
    that cost the city more than it had planned.</p>
    <p>Drivers queued from early morning to be among the first across, the mayor said at the
    ceremony, which was delayed by rain.</p></article>
    <footer>Copyright 2022 City Paper. All rights reserved.</footer></body></html>"""
    ingest_paths([write("bridge.html", html)])
    article = Article.objects.get()
    assert article.title == "Bridge reopens after repairs"
    assert article.outlet.name == "City Paper"
    assert article.published == dt.date(2022, 5, 6)
    assert article.author_names == ["Jane Doe"]
    assert article.body.startswith("The old bridge over the river reopened")
    assert "Copyright" not in article.body
    assert "<p>" in article.raw_text


def test_reuters_documents_with_text_become_articles_with_tags(write):
    path = write("reut2-900.xml", REUTERS.encode("cp1252"))
    batch = ingest_paths([path])
    assert (batch.created, batch.skipped, batch.failed) == (2, 1, 0)
    assert batch.format == "reuters"  # told by the extension, and recorded
    assert [(e["level"], e["reason"]) for e in batch.errors] == [
        ("skipped", "no title and no body")
    ]
    cocoa = Article.objects.get(external_id="1")
    assert cocoa.title == "BAHIA COCOA REVIEW <BCR>"
    assert cocoa.outlet.name == "Reuters"
    assert cocoa.published == dt.date(1987, 2, 26)
    assert cocoa.published_time == dt.time(15, 1, 1)
    assert cocoa.body.startswith("SALVADOR, Feb 26 - Showers continued throughout the week in the")
    assert cocoa.body.endswith("The dry period means the temporao will be late this year.")
    kinds = {(t.kind, t.name) for t in cocoa.tags.all()}
    assert kinds == {
        ("topic", "cocoa"),
        ("place", "el-salvador"),
        ("place", "usa"),
        ("person", "reagan"),
        ("organization", "ico-coffee"),
        ("organization", "nyse"),
    }
    brief = Article.objects.get(external_id="2")
    assert brief.title == "STANDARD OIL SETS DIVIDEND ÜBER ALLES".replace("Ü", "ü")
    assert brief.body == brief.title


def test_one_real_reuters_file_imports_every_document_with_text(reuters_dir):
    import re

    path = reuters_dir / "reut2-017.xml"  # the file with a byte that is not UTF-8
    text = path.read_bytes().decode("cp1252")
    documents = re.findall(r"<REUTERS.*?</REUTERS>", text, re.DOTALL)
    with_text = [d for d in documents if re.search(r"<(TITLE|BODY)>\s*\S", d)]
    batch = ingest_paths([path])
    assert batch.failed == 0
    assert batch.created == len(with_text)
    assert Article.objects.filter(outlet__name="Reuters").count() == len(with_text)
    assert not Article.objects.filter(published__isnull=True).exists()


def test_reuters_article_is_cleaned_again_from_its_raw_element(write):
    from archive.ingest.pipeline import article_reclean

    ingest_paths([write("reut2-900.xml", REUTERS.encode("cp1252"))])
    article = Article.objects.get(external_id="1")
    body = article.body
    Article.objects.filter(pk=article.pk).update(body="changed by hand")
    article.refresh_from_db()
    assert article_reclean(article).body == body
    assert article.raw_text.startswith('<REUTERS TOPICS="YES"')


def test_a_batch_of_several_formats_records_them_all(write):
    note = write("note.txt", b"Harbour closes\n\nThe harbour closed for the storm.")
    wire = write("wire.jsonl", jsonl(ARTICLE))
    assert ingest_paths([note, wire]).format == "jsonl, txt"
