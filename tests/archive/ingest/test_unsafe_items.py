"""Items the database cannot store (NUL characters) or whose link would be unsafe are
refused one by one, with a message; the rest of the file goes in."""

import pytest

from archive.ingest.run import ingest_paths
from archive.models import Article
from tests.archive.ingest.conftest import ARTICLE, jsonl

pytestmark = pytest.mark.django_db

OTHER = {**ARTICLE, "title": "Ferry service resumes", "url": "https://example.org/ferry"}


def _reasons(batch) -> list[tuple[str, str]]:
    return [(error["item"], error["reason"]) for error in batch.errors]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"title": "Port\x00strike"}, "the title field contains NUL characters"),
        ({"body": ARTICLE["body"] + "\x00"}, "the body field contains NUL characters"),
        ({"authors": ["Ana\x00Silva"]}, "the authors field contains NUL characters"),
        ({"tags": [{"name": "La\x00bour"}]}, "the tags field contains NUL characters"),
        ({"outlet": "Harbour\x00Times"}, "the outlet field contains NUL characters"),
    ],
)
def test_nul_characters_fail_the_item_only(write, changes, reason):
    batch = ingest_paths([write("a.jsonl", jsonl({**ARTICLE, **changes}, OTHER))])
    assert (batch.created, batch.failed) == (1, 1)
    assert _reasons(batch) == [("line 1", reason)]
    assert list(Article.objects.values_list("title", flat=True)) == [OTHER["title"]]


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://example.org/a",
     "//example.org/no-scheme", "https://", "not a url"],
)  # fmt: skip
def test_a_url_that_is_not_http_fails_the_item(write, url):
    batch = ingest_paths([write("a.jsonl", jsonl({**ARTICLE, "url": url}, OTHER))])
    assert (batch.created, batch.failed) == (1, 1)
    [(item, reason)] = _reasons(batch)
    assert item == "line 1"
    assert "is not an http(s) address" in reason
    assert not Article.objects.filter(url=url).exists()


def test_an_overlong_url_fails_the_item(write):
    url = "https://example.org/" + "a" * 1000
    batch = ingest_paths([write("a.jsonl", jsonl({**ARTICLE, "url": url}, OTHER))])
    assert _reasons(batch) == [("line 1", "url longer than 1000 characters")]


def test_http_and_https_urls_are_kept(write):
    first = {**ARTICLE, "url": "HTTP://Example.org/a"}
    ingest_paths([write("a.jsonl", jsonl(first, OTHER))])
    assert set(Article.objects.values_list("url", flat=True)) == {
        "HTTP://Example.org/a",
        "https://example.org/ferry",
    }


def test_control_characters_leave_titles_and_summaries(write):
    item = {**ARTICLE, "title": "Port\x1b strike\x07 ends", "summary": "Over\x0b now."}
    ingest_paths([write("a.jsonl", jsonl(item))])
    article = Article.objects.get()
    assert (article.title, article.summary) == ("Port strike ends", "Over now.")
