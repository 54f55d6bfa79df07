"""One bad item costs that item only: a string no database can store (a lone surrogate
escape "\\ud800", a noncharacter) is made storable wherever it is, an item over the
per-article caps is refused with a message naming it, and an item whose insert fails
makes its chunk's other items go in one by one. The rest of the file is always read."""

import io
import json

import pytest
from django.core.management import call_command

from archive.ingest.bulk import ChunkWriter
from archive.ingest.draft import ArticleDraft
from archive.ingest.run import ingest_paths
from archive.ingest.state import RunState
from archive.models import Article, Author, Outlet, Tag
from tests.archive.ingest.conftest import ARTICLE

pytestmark = pytest.mark.django_db

# A field of the item, and the value with a lone surrogate escape as JSON text spells it.
ESCAPED = {
    "title": '"Port \\ud800 strike ends"',
    "body": '"Dock workers in the \\ud800 port returned to work on Monday after a strike."',
    "summary": '"Over \\ud800 now."',
    "authors": '["Zoe \\ud800 Quist"]',
    "tags": '["La\\ud800bour"]',
    "outlet": '"Harbour \\ud800 Gazette"',
    "url": '"https://example.org/\\ud800"',
    "external_id": '"id-\\ud800"',
    "language": '"e\\ud800n"',
    "raw_text": '"<p>raw \\ud800</p>"',
    "published": '"2020-03-\\ud800"',
}


def _story(n: int) -> dict:
    return {
        "title": f"Story {n}",
        "body": f"Story number {n} of the day, about the harbour and its ferries.",
        "url": f"https://example.org/story-{n}",
    }


def _escaped_item(field: str) -> str:
    """ARTICLE as a JSON object with ``field`` replaced by its surrogate-carrying value."""
    plain = json.dumps({k: v for k, v in ARTICLE.items() if k != field})
    return plain[:-1] + f', "{field}": {ESCAPED[field]}}}'


def _file(write, name: str, field: str, *, count: int = 300) -> object:
    """``count`` good items with the bad one fifth; JSON Lines or a JSON array."""
    items = [json.dumps(_story(n)) for n in range(count)]
    items.insert(4, _escaped_item(field))
    if name.endswith(".json"):
        return write(name, "[" + ",\n".join(items) + "]")
    return write(name, "\n".join(items) + "\n")


def _unstorable(texts) -> list[str]:
    return [t for t in texts if t and any(0xD800 <= ord(c) <= 0xDFFF for c in t)]


def _all_stored_strings() -> list[str]:
    rows = Article.objects.values_list(
        "title", "summary", "body", "raw_text", "url", "external_id", "language"
    )
    names = [
        *Author.objects.values_list("name", flat=True),
        *Tag.objects.values_list("name", flat=True),
        *Outlet.objects.values_list("name", flat=True),
    ]
    return [t for row in rows for t in row] + names


@pytest.mark.parametrize("name", ["a.jsonl", "a.json"])
@pytest.mark.parametrize("field", ESCAPED)
def test_a_lone_surrogate_in_any_field_costs_at_most_that_item(write, name, field):
    batch = ingest_paths([_file(write, name, field)])

    assert batch.status == "done"
    assert batch.created + batch.failed == 301, batch.errors
    assert batch.created >= 300
    assert not _unstorable(_all_stored_strings())
    for error in batch.errors:  # only a field that is no text at all may fail the item
        assert error["item"] in ("line 5", "object 5")
        assert field == "published", error


@pytest.mark.parametrize(
    ("field", "stored"),
    [
        ("title", lambda: Article.objects.filter(title="Port \ufffd strike ends")),
        ("authors", lambda: Author.objects.filter(name="Zoe \ufffd Quist")),
        ("tags", lambda: Tag.objects.filter(name="La\ufffdbour")),
        ("outlet", lambda: Outlet.objects.filter(name="Harbour \ufffd Gazette")),
    ],
)
def test_a_lone_surrogate_becomes_the_replacement_character(write, field, stored):
    ingest_paths([_file(write, "a.jsonl", field, count=3)])
    assert stored().exists()


def test_the_ingest_command_reads_on_past_a_surrogate(write):
    path = _file(write, "a.jsonl", "title")
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", str(path), stdout=out, stderr=err)
    assert "created 301, updated 0, duplicates 0, skipped 0, failed 0" in out.getvalue()
    assert Article.objects.count() == 301


def test_noncharacters_leave_every_field(write):
    item = {**ARTICLE, "title": "Port\ufffe strike\uffff ends\ufdd0", "authors": ["Ana\U0010ffff"]}
    ingest_paths([write("a.jsonl", json.dumps(item) + "\n")])
    assert Article.objects.get().title == "Port strike ends"
    assert Author.objects.get().name == "Ana"


def test_an_item_with_too_many_authors_is_refused_by_name(write):
    many = {**ARTICLE, "authors": [f"Author {n}" for n in range(1000)]}
    lines = [json.dumps(_story(1)), json.dumps(many), json.dumps(_story(2))]
    batch = ingest_paths([write("a.jsonl", "\n".join(lines))])
    assert (batch.created, batch.failed) == (2, 1)
    assert batch.errors == [
        {
            "file": str(write("a.jsonl", "\n".join(lines))),
            "item": "line 2",
            "reason": "1,000 authors, over the limit of 100 per article",
            "url": ARTICLE["url"],
        }
    ]
    assert Author.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"tags": [f"t{n}" for n in range(201)]}, "201 tags, over the limit of 200 per article"),
        ({"title": "t" * 1001}, "1,001 characters of title, over the limit of 1,000 per article"),
        (
            {"body": "word " * 400_001},
            "2,000,004 characters of body (after cleaning), "
            "over the limit of 2,000,000 per article",
        ),
    ],
)
def test_an_item_over_a_cap_fails_alone(write, changes, reason):
    lines = [json.dumps({**ARTICLE, **changes}), json.dumps(_story(1))]
    batch = ingest_paths([write("a.jsonl", "\n".join(lines))])
    assert (batch.created, batch.failed) == (1, 1)
    assert [e["reason"] for e in batch.errors] == [reason]


def test_a_title_within_the_cap_keeps_its_first_500_characters(write):
    ingest_paths([write("a.jsonl", json.dumps({**ARTICLE, "title": "t" * 900}))])
    assert Article.objects.get().title == "t" * 500


def test_an_insert_that_fails_for_one_item_retries_the_others_one_by_one():
    """The writer does not trust its callers: a draft that was never made storable fails
    at the insert, and only it; the report names it and says why."""
    reports = []
    writer = ChunkWriter(state=RunState(), batch=None, report=lambda *args: reports.append(args))
    drafts = [ArticleDraft(**_story(n), item=f"line {n}", clean="light") for n in range(5)]
    drafts[2] = drafts[2].replace(title="Bad \ud800 title")
    for draft in drafts:
        writer.add("a.jsonl", draft)
    writer.finish()

    failed = [(draft.item, draft.url, error) for _, draft, result, error in reports if not result]
    [(item, url, error)] = failed
    assert (item, url) == ("line 2", "https://example.org/story-2")
    assert error.startswith("the database could not store it (")
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Story 0",
        "Story 1",
        "Story 3",
        "Story 4",
    ]


def test_the_ingest_command_names_a_failed_item_by_line_and_url(write):
    many = {**ARTICLE, "authors": [f"Author {n}" for n in range(101)]}
    err = io.StringIO()
    call_command(
        "ingest", str(write("a.jsonl", json.dumps(many))), stdout=io.StringIO(), stderr=err
    )
    assert (
        f"a.jsonl [line 1, {ARTICLE['url']}]: 101 authors, over the limit of 100 per article"
        in err.getvalue()
    )


def test_a_manifest_with_a_surrogate_outlet_is_read_with_it_cleaned(write, tmp_path):
    write(
        "folder/manifest.json",
        '{"outlets": [{"name": "Daily \\ud800"}], "articles": '
        '[{"file": "a.txt", "outlet": "Daily \\ud800", "title": "Ferry \\udfff news"}]}',
    )
    write("folder/a.txt", "The ferries run all winter on the northern route, the operator said.")
    batch = ingest_paths([tmp_path / "folder"])
    assert (batch.created, batch.failed, batch.errors) == (1, 0, [])
    article = Article.objects.get()
    assert (article.title, article.outlet.name) == ("Ferry \ufffd news", "Daily \ufffd")


def test_a_manifest_with_a_nul_is_reported_and_its_files_still_read(write, tmp_path):
    write("folder/manifest.json", '{"outlets": [{"name": "Daily \\u0000"}], "articles": []}')
    write("folder/a.txt", "The ferries run all winter on the northern route, the operator said.")
    batch = ingest_paths([tmp_path / "folder"])
    assert batch.created == 1
    [warning] = batch.errors
    assert "manifest.json cannot be read (it contains NUL characters)" in warning["reason"]
