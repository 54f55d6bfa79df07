"""The run's vocabulary: outlets, authors and tags found by name, created when unknown."""

import pytest

from archive.ingest.draft import TagRef
from archive.ingest.journal import UndoJournal
from archive.ingest.vocabulary import VocabularyCache
from archive.models import Author, Outlet, Tag
from tests.factories import make_outlet, make_tag

pytestmark = pytest.mark.django_db


def test_finding_an_outlet_never_creates_one():
    vocabulary = VocabularyCache()
    assert vocabulary.find_outlet("Unknown Wire", ("unknown.example",)) is None
    assert not Outlet.objects.exists()


def test_a_hint_finds_an_outlet_by_its_name_or_its_domain():
    herald = make_outlet("Korea Herald", domain="www.koreaherald.com")
    vocabulary = VocabularyCache()
    assert vocabulary.find_outlet("", ("nobody", "news@koreaherald.com")) is None
    assert vocabulary.find_outlet("", ("koreaherald.com",)) == herald
    assert vocabulary.outlet("korea herald") == herald


def test_a_tag_is_found_by_an_alias_and_given_new_aliases_once():
    kim = make_tag("Kim Jong Un", kind="person", aliases=["Kim Jong-un"])
    vocabulary = VocabularyCache()
    assert vocabulary.tag(TagRef("kim jong-un", "person", ("Kim",))) == kim
    assert vocabulary.tag(TagRef("Kim", "person")) == kim
    assert Tag.objects.get().aliases == ["Kim Jong-un", "Kim"]


def test_undo_forgets_the_rows_created_since_the_mark():
    journal = UndoJournal()
    vocabulary = VocabularyCache(journal)
    mark = journal.mark()
    vocabulary.outlet("Riverside Post")
    vocabulary.author("Ada Novak")
    vocabulary.tag(TagRef("Bridges"))
    for model in (Outlet, Author, Tag):  # as when the savepoint rolls back
        model.objects.all().delete()

    journal.undo(mark)

    assert vocabulary.find_outlet("Riverside Post") is None
    assert vocabulary.author("Ada Novak").pk == Author.objects.get().pk
    assert vocabulary.tag(TagRef("Bridges")).pk == Tag.objects.get().pk


def test_a_tag_another_process_created_after_the_run_read_them_is_taken_not_a_failure():
    vocabulary = VocabularyCache()
    assert vocabulary.tag(TagRef("Bridges")).kind == "topic"  # the tags are read now
    theirs = Tag.objects.create(name="Ports", slug="ports", kind="place")

    assert vocabulary.tag(TagRef("ports", "place", ("Harbours",))) == theirs
    assert Tag.objects.get(pk=theirs.pk).aliases == ["Harbours"]
    assert Tag.objects.count() == 2


def test_an_outlet_another_process_created_meanwhile_is_taken_by_name_or_slug():
    vocabulary = VocabularyCache()
    assert vocabulary.find_outlet("Anything") is None  # the outlets are read now
    theirs = make_outlet("Riverside Post")

    assert vocabulary.outlet("Riverside Post") == theirs
    assert vocabulary.outlet("RIVERSIDE-POST") == theirs
    assert Outlet.objects.count() == 1


def test_a_chunk_creates_its_vocabulary_in_one_order_whatever_the_order_of_its_drafts():
    from archive.ingest.draft import ArticleDraft

    drafts = [
        ArticleDraft(body="b", title="t", authors=("Zoe Bell", "Ada Novak"), tags=(TagRef("y"),)),
        ArticleDraft(body="b", title="t", outlet="Wire B", tags=(TagRef("x", "place"),)),
        ArticleDraft(body="b", title="t", outlet="Wire A", tags=(TagRef("a", "topic"),)),
    ]
    VocabularyCache().prepare(drafts)

    assert list(Outlet.objects.order_by("pk").values_list("slug", flat=True)) == [
        "wire-a",
        "wire-b",
    ]
    assert list(Author.objects.order_by("pk").values_list("slug", flat=True)) == [
        "ada-novak",
        "zoe-bell",
    ]
    assert list(Tag.objects.order_by("pk").values_list("kind", "slug")) == [
        ("place", "x"),
        ("topic", "a"),
        ("topic", "y"),
    ]
