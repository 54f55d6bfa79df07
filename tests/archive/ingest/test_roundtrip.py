"""Export -> wipe -> import gives the same archive, search index included."""

import importlib
import io
import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive.ingest.export import export_jsonl
from archive.ingest.run import ingest_paths
from archive.models import Article, ArticleAuthor, Author, ImportBatch, Outlet, Tag
from archive.seeds import seeds_load
from search.maintenance import index_sync
from search.service import search
from search.types import SearchRequest
from tests.archive.ingest.conftest import jsonl

pytestmark = pytest.mark.django_db

_STORY = (
    "The city council voted on Tuesday to close the old harbour bridge to lorries from "
    "next spring, after engineers found cracks in two of its steel girders during a "
    "routine inspection. Cars and buses may still cross while repairs go on, the "
    "council said, and a ferry for heavy goods will run every hour from the north quay. "
    "Traders on the island warned that the detour would add a day to deliveries."
)
_OTHER_STORY = (
    "Farmers in the valley began the grape harvest two weeks early this year after a "
    "hot and dry summer, and growers expect smaller bunches but sweeter fruit. The "
    "cooperative said it had hired extra pickers from the towns along the river and "
    "would press the first wine by the end of the month, well before the autumn fair "
    "that usually opens the season for the whole region."
)


def _article(title: str, body: str, **fields) -> dict:
    return {"title": title, "body": body, "language": "en", **fields}


# An original dated after its near-duplicate: the export (in date order) lists the
# duplicate first, so the import must resolve the link at the end of the run.
EXTRA = [
    _article(
        "Bridge closed to lorries",
        _STORY,
        outlet="Harbour Times",
        published="2021-05-06T07:30:00",
        authors=["Ana Silva", "Tom Berg", "Li Wei"],
        tags=[
            "Infrastructure",
            {"name": "Harbour Bridge", "kind": "place", "aliases": ["Old Bridge"]},
            {"name": "City Council", "kind": "organization"},
            {"name": "Ana Silva", "kind": "person"},
        ],
        url="https://example.org/bridge",
        summary="Cracks in the girders.",
        external_id="HT-1",
    ),
    _article(
        "Bridge to close for lorries",
        _STORY.replace("every hour", "every two hours"),
        outlet="Island Post",
        published="2021-05-05",
        authors=["Tom Berg"],
        url="https://example.org/island/bridge",
    ),
    # A near-duplicate pair that a curator unlinked: it must stay unlinked.
    _article("Harvest starts early", _OTHER_STORY, outlet="Island Post", published="2021-09-01"),
    _article(
        "Grape harvest begins early",
        _OTHER_STORY.replace("two weeks", "three weeks"),
        outlet="Harbour Times",
        published="2021-09-02",
    ),
    # No date at all, no outlet, and a raw text kept beside the clean body.
    _article(
        "Undated notice",
        "The museum is closed for repairs until further notice, the director said.",
        raw_text="<p>The museum is closed for repairs until further notice, the director said.</p>",
        authors=["Li Wei", "Ana Silva"],
        tags=[{"name": "Culture", "kind": "topic", "aliases": ["Arts", "Heritage"]}],
    ),
]
REUTERS_QUERIES = ["cocoa", "oil prices", "wheat AND export*", '"interest rates"']
QUERIES = ["bridge", "harvest", "museum", "Kim Jong Un", "denuclearization", "girders OR grape"]


def _build_archive(seeds_dir, write) -> None:
    seeds_load(directory=seeds_dir)
    ingest_paths([write("extra.jsonl", jsonl(*EXTRA))])
    Outlet.objects.filter(name="Harbour Times").update(
        homepage="https://harbourtimes.example/", domain="harbourtimes.example", country="NL"
    )
    Outlet.objects.filter(name="Island Post").update(language="en")
    Tag.objects.filter(name="Infrastructure").update(
        match_mode="any", match_pattern="bridge, tunnel", aliases=["Public works"]
    )
    Tag.objects.filter(name="Culture").update(match_mode="regex", match_pattern=r"\bmuseums?\b")
    # The curator unlinks one detected pair (a save, as the admin does)...
    unlinked = Article.objects.get(title="Grape harvest begins early")
    assert unlinked.duplicate_of is not None  # detected on ingest
    unlinked.duplicate_of = None
    unlinked.save()
    # ...and links two articles the detector would never pair.
    linked = Article.objects.get(title="Undated notice")
    linked.duplicate_of = Article.objects.get(title="Harvest starts early")
    linked.save()
    Article.objects.filter(title="Harvest starts early").update(raw_text="")
    index_sync()


def _wipe() -> None:
    Article.objects.all().delete()
    for model in (ArticleAuthor, Author, Tag, Outlet, ImportBatch):
        model.objects.all().delete()
    index_sync()  # the test's transaction never commits: apply the outbox here


def state() -> dict:
    """Everything a reader or curator sees, with ids replaced by what they stand for."""
    articles = {}
    for article in Article.objects.select_related("outlet", "duplicate_of"):
        articles[article.content_hash] = (
            article.title,
            article.summary,
            article.body,
            article.raw_text,
            article.url,
            article.language,
            article.source,
            article.external_id,
            article.word_count,
            article.published,
            article.published_time,
            article.outlet.name if article.outlet else None,
            tuple(article.author_names),
            tuple(sorted((t.kind, t.slug) for t in article.tags.all())),
            article.duplicate_of.content_hash if article.duplicate_of else None,
        )
    return {
        "articles": articles,
        "outlets": sorted(
            Outlet.objects.values_list("name", "slug", "homepage", "domain", "country", "language")
        ),
        "authors": sorted(Author.objects.values_list("name", "slug")),
        "tags": sorted(
            (kind, slug, name, tuple(aliases), mode, pattern)
            for kind, slug, name, aliases, mode, pattern in Tag.objects.values_list(
                "kind", "slug", "name", "aliases", "match_mode", "match_pattern"
            )
        ),
    }


def search_state(queries=QUERIES, *, ties: bool = True) -> dict:
    """What searching shows for a few queries: hits by title, every facet, the histogram.

    ``ties=False`` leaves out the facet values at the smallest count shown: when there
    are more values than a facet shows, which of those ties make the cut depends on
    row ids, and ids are not kept by an import.
    """
    shown = {}
    for query in queries:
        # Every article, copies too (the archive's own duplicates are among them).
        result = search(SearchRequest(q=query, page_size=100, sort="newest", collapse="none"))
        facets = {}
        for name, values in result.facets.items():
            cut = min((v.count for v in values), default=0) if not ties else 0
            facets[name] = [(v.value, v.count) for v in values if v.count > cut or ties]
        shown[query] = (
            result.total,
            [hit.article.title for hit in result.hits],
            facets,
            [(b.period, b.count) for b in result.histogram],
        )
    return shown


def _export(path) -> list[dict]:
    call_command("export", "-o", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    *records, manifest = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(manifest)["manifest"]["sha256"]
    return [json.loads(line) for line in records]


def _import(path) -> str:
    out = io.StringIO()
    call_command("ingest", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_wipe_import_gives_the_same_archive_and_search(seeds_dir, write, tmp_path):
    _build_archive(seeds_dir, write)
    before, searched = state(), search_state()
    assert searched["bridge"][0] == 2 and searched["museum"][0] == 1  # the index was built
    records = _export(tmp_path / "export.jsonl")
    assert len(records) == len(before["articles"]) == 10

    _wipe()
    assert search(SearchRequest(q="bridge")).total == 0
    out = _import(tmp_path / "export.jsonl")

    assert "created 10, updated 0, duplicates 0, skipped 0, failed 0" in out
    assert state() == before
    assert search_state() == searched


def test_export_states_outlet_metadata_and_duplicate_links(seeds_dir, write, tmp_path):
    _build_archive(seeds_dir, write)
    records = {r["title"]: r for r in _export(tmp_path / "export.jsonl")}

    assert records["Bridge closed to lorries"]["outlet"] == {
        "name": "Harbour Times",
        "homepage": "https://harbourtimes.example/",
        "domain": "harbourtimes.example",
        "country": "NL",
    }
    assert records["Undated notice"]["outlet"] is None
    # The first publisher is the original, though it came in second.
    original = records["Bridge to close for lorries"]
    assert original["duplicate_of"] is None
    assert records["Bridge closed to lorries"]["duplicate_of"] == original["content_hash"]
    assert records["Grape harvest begins early"]["duplicate_of"] is None
    assert records["Harvest starts early"]["raw_text"] == ""


def test_a_stated_link_wins_over_detection_both_ways(write):
    twin = _STORY.replace("every hour", "every half hour")
    path = write(
        "a.jsonl",
        jsonl(
            _article("Original", _STORY, content_hash="h-original"),
            _article("Stated not a duplicate", twin, duplicate_of=None),
            _article("Undetected link", _OTHER_STORY, duplicate_of="h-original"),
            _article("Detected", _STORY.replace("north quay", "south quay")),
        ),
    )
    batch = ingest_paths([path])

    links = dict(Article.objects.values_list("title", "duplicate_of__title"))
    assert links == {
        "Original": None,
        "Stated not a duplicate": None,
        "Undetected link": "Original",
        "Detected": "Original",  # no statement: the detector still decides
    }
    assert (batch.created, batch.failed, batch.linked) == (4, 0, 2)


def test_a_link_to_an_unknown_original_is_reported_and_the_article_kept(write):
    path = write(
        "a.jsonl",
        jsonl(
            _article("Orphan", _STORY, duplicate_of="f" * 64),
            _article("Self", _OTHER_STORY, content_hash="me", duplicate_of="me"),
        ),
    )
    out = _import(path)

    assert "created 2, updated 0, duplicates 0, skipped 0, failed 0" in out
    assert set(Article.objects.values_list("title", "duplicate_of")) == {
        ("Orphan", None),
        ("Self", None),
    }
    errors = ImportBatch.objects.get().errors
    assert {e["level"] for e in errors} == {"warning"}  # the articles themselves are stored
    reasons = {e["item"]: e["reason"] for e in errors}
    assert "no article in the archive or in this import has that content hash" in reasons["line 1"]
    assert "names the article itself" in reasons["line 2"]


def test_a_link_to_an_original_already_in_the_archive_is_made(write):
    ingest_paths([write("a.jsonl", jsonl(_article("Stored", _STORY)))])
    stored = Article.objects.get()
    ingest_paths(
        [write("b.jsonl", jsonl(_article("Later", _OTHER_STORY, duplicate_of=stored.content_hash)))]
    )
    assert Article.objects.get(title="Later").duplicate_of == stored


def test_reimporting_an_export_restores_a_changed_link_as_an_update(seeds_dir, write, tmp_path):
    _build_archive(seeds_dir, write)
    _export(tmp_path / "export.jsonl")
    Article.objects.filter(title="Bridge closed to lorries").update(duplicate_of=None)

    out = _import(tmp_path / "export.jsonl")

    assert "created 0, updated 1, duplicates 9" in out
    twin = Article.objects.get(title="Bridge closed to lorries")
    assert twin.duplicate_of.title == "Bridge to close for lorries"


def test_old_exports_without_the_new_keys_still_import(write):
    old = _article("Plain", _STORY, outlet="Harbour Times", published="2020-01-02")
    twin = _article("Twin", _STORY.replace("north quay", "east quay"), outlet="Harbour Times")
    batch = ingest_paths([write("old.jsonl", jsonl(old, twin))])
    assert (batch.created, batch.linked) == (2, 1)  # detection applies as before
    assert Outlet.objects.get().homepage == ""


@pytest.mark.parametrize(
    ("outlet", "reason"),
    [
        ({"homepage": "https://x.example/"}, "an outlet object needs a 'name'"),
        ({"name": "X", "country": 3}, "outlet 'country' must be a string"),
        ({"name": "X", "language": "x" * 17}, "outlet 'language' is longer than 16 characters"),
        (["X"], "'outlet' must be a name or an object with a 'name'"),
        (
            {"name": "X", "homepage": "javascript:alert(1)"},
            "outlet 'homepage' 'javascript:alert(1)' is not a web address",
        ),
    ],
)
def test_a_bad_outlet_object_fails_its_item_only(write, outlet, reason):
    batch = ingest_paths(
        [write("a.jsonl", jsonl(_article("Bad", _STORY, outlet=outlet), _article("Ok", "Fine.")))]
    )
    assert (batch.created, batch.failed) == (1, 1)
    assert batch.errors[0]["reason"] == reason


def test_outlet_metadata_completes_an_existing_outlet_of_another_spelling(write):
    Outlet.objects.create(name="Harbour Times", country="NL")
    outlet = {"name": "harbour times", "domain": "harbourtimes.example", "country": ""}
    ingest_paths([write("a.jsonl", jsonl(_article("A", _STORY, outlet=outlet)))])

    [row] = Outlet.objects.values_list("name", "domain", "country")
    assert row == ("Harbour Times", "harbourtimes.example", "NL")  # empty values keep
    assert Article.objects.get().outlet.name == "Harbour Times"


def test_two_documents_with_the_same_text_keep_their_hashes_and_link(write, tmp_path):
    # The second one in is stored under a salted hash; it is older, so it is the
    # original the first one in is linked to, and the export lists it first.
    first = _article("Wire copy", _STORY, url="https://example.org/a", published="2021-02-01")
    second = {**first, "title": "Reprint", "url": "https://example.org/b"}
    ingest_paths([write("a.jsonl", jsonl(first, {**second, "published": "2021-01-01"}))])
    before = state()
    assert Article.objects.get(title="Wire copy").duplicate_of.title == "Reprint"
    _export(tmp_path / "export.jsonl")

    _wipe()
    _import(tmp_path / "export.jsonl")

    assert state() == before


def test_rules_of_tags_the_import_creates_tag_nothing_else(write, tmp_path):
    # The oldest article carries a tag with a rule; a later one matches the rule but a
    # curator had taken the tag off it. Only the rules the archive had before the run
    # apply to what it imports (here: none).
    rule = {"name": "Infrastructure", "kind": "topic", "match_mode": "any"}
    oldest = _article("Roads", "The new road opened.", published="2020-01-01", tags=[rule])
    later = _article("Lorries", _STORY, published="2021-01-01")
    ingest_paths([write("a.jsonl", jsonl(oldest))])
    Tag.objects.filter(name="Infrastructure").update(match_pattern="bridge, road")
    ingest_paths([write("b.jsonl", jsonl(later))])
    Article.objects.get(title="Lorries").tags.clear()
    before = state()
    _export(tmp_path / "export.jsonl")

    _wipe()
    _import(tmp_path / "export.jsonl")

    assert state() == before


def test_unused_outlets_authors_and_tags_travel_as_records_of_their_own(seeds_dir, write, tmp_path):
    _build_archive(seeds_dir, write)
    Outlet.objects.create(name="Night Wire", homepage="https://nightwire.example/", country="IS")
    Outlet.objects.create(name="Plain Paper")
    Author.objects.create(name="Nobody Yet", slug="nobody-yet")
    Tag.objects.create(
        name="Volcanoes",
        kind="topic",
        aliases=["Eruptions"],
        match_mode="phrase",
        match_pattern="lava flow",
    )
    before = state()
    path = tmp_path / "export.jsonl"
    path.write_text("".join(export_jsonl(Article.objects.all(), unused=True)), encoding="utf-8")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[10:] == [
        {
            "outlet": {
                "name": "Night Wire",
                "homepage": "https://nightwire.example/",
                "country": "IS",
            }
        },
        {"outlet": "Plain Paper"},
        {"author": "Nobody Yet"},
        {
            "tag": {
                "name": "Volcanoes",
                "kind": "topic",
                "aliases": ["Eruptions"],
                "match_mode": "phrase",
                "match_pattern": "lava flow",
            }
        },
    ]

    _wipe()
    out = _import(path)

    assert "created 10, updated 0, duplicates 0, skipped 0, failed 0" in out
    assert state() == before


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"author": ""}, "an author record needs a name"),
        ({"outlet": {"country": "IS"}}, "an outlet object needs a 'name'"),
        ({"tag": {"kind": "place"}}, "a tag must be a name or an object with a name"),
        ({"tag": "Lava\x00"}, "the tag field contains NUL characters"),
    ],
)
def test_a_bad_record_of_its_own_fails_alone(write, record, reason):
    batch = ingest_paths([write("a.jsonl", jsonl(record, {"tag": "Lava"}))])
    assert batch.failed == 1 and batch.errors[0]["reason"].startswith(reason)
    assert list(Tag.objects.values_list("name", flat=True)) == ["Lava"]


def _editor():
    groups = importlib.import_module("archive.migrations.0050_editor_reader_groups")
    groups.create_groups(apps, None)
    user = get_user_model().objects.create_user("ed", "ed@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_the_rest_api_round_trip_keeps_the_same_archive(seeds_dir, write):
    _build_archive(seeds_dir, write)
    before, searched = state(), search_state()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=_editor()).key}")
    exported = b"".join(client.get("/api/export/").streaming_content)

    _wipe()
    response = client.post("/api/ingest/", exported, content_type="application/x-ndjson")

    assert response.status_code == 200
    report = response.json()
    assert (report["created"], report["failed"], report["errors"]) == (10, 0, [])
    assert report["linked"] == 2  # the detected pair and the curator's own link
    index_sync()
    assert state() == before
    assert search_state() == searched


def test_the_admin_export_action_writes_what_the_export_command_writes(seeds_dir, write, tmp_path):
    _build_archive(seeds_dir, write)
    records = _export(tmp_path / "export.jsonl")
    client = Client()
    client.force_login(_editor())
    articles = Article.objects.all()
    data = {"action": "export_jsonl", "index": "0", "_selected_action": [a.pk for a in articles]}

    response = client.post(reverse("admin:archive_article_changelist"), data)

    lines = b"".join(response.streaming_content).decode().splitlines()
    # A search's export names each article's id in this archive too (an import ignores
    # it), and lists undated articles last, on every database.
    by_hash = {r["content_hash"]: {k: v for k, v in r.items() if k != "id"} for r in records}
    admin = [json.loads(line) for line in lines]
    assert {r["content_hash"]: r for r in admin} == by_hash
    assert len(admin) == len(records)


@pytest.mark.slow
def test_real_reuters_articles_survive_the_round_trip(reuters_dir, tmp_path):
    batch = ingest_paths([reuters_dir / "reut2-000.xml"])
    assert batch.created > 900 and batch.linked > 10  # real near-duplicates were linked
    # A curator's unlink of one detected pair must survive too.
    unlinked = Article.objects.filter(duplicate_of__isnull=False).order_by("pk").first()
    unlinked.duplicate_of = None
    unlinked.save()
    index_sync()
    before, searched = state(), search_state(REUTERS_QUERIES, ties=False)
    _export(tmp_path / "reuters.jsonl")

    _wipe()
    out = _import(tmp_path / "reuters.jsonl")

    assert f"created {batch.created}, updated 0, duplicates 0, skipped 0, failed 0" in out
    assert state() == before
    assert search_state(REUTERS_QUERIES, ties=False) == searched
