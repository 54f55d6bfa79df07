"""More like this, autocomplete, and an index that cannot be read."""

import pytest

from search import service
from search.types import SearchRequest, SearchUnavailable
from tests.factories import make_article
from tests.search.conftest import ids_of, reindex

pytestmark = pytest.mark.django_db


def test_more_like_this_excludes_the_article_itself(seeded):
    hits = service.more_like_this(seeded["scmp"].pk, limit=4)
    assert seeded["scmp"].pk not in {h.id for h in hits}
    assert len(hits) == 4
    assert hits[0].article is not None


def test_more_like_this_excludes_duplicates_of_the_article(search_backend, seeded):
    herald = seeded["herald"]
    twin = make_article(herald.title + " (copy)", body=herald.body + " Extra line.")
    twin.duplicate_of = herald
    twin.save()
    reindex(twin)
    assert twin.pk not in {h.id for h in service.more_like_this(herald.pk, limit=10)}
    assert herald.pk not in {h.id for h in service.more_like_this(twin.pk, limit=10)}


def test_more_like_this_finds_a_near_copy_first(search_backend, seeded):
    herald = seeded["herald"]
    rewrite = make_article("Rewritten: " + herald.title, body=herald.body[: len(herald.body) // 2])
    reindex(rewrite)

    assert service.more_like_this(herald.pk, limit=3)[0].id == rewrite.pk
    assert service.more_like_this(rewrite.pk, limit=3)[0].id == herald.pk


def test_more_like_this_of_an_unknown_article_is_empty(seeded):
    assert service.more_like_this(999_999) == []


def test_autocomplete_offers_outlets_tags_and_titles(seeded):
    kinds = {(s.kind, s.text) for s in service.suggest("Blo")}
    assert ("outlet", "Bloomberg") in kinds
    people = {(s.kind, s.text) for s in service.suggest("pomp")}
    assert ("person", "Mike Pompeo") in people
    titles = [s.text for s in service.suggest("newsma") if s.kind == "title"]
    assert titles == [seeded["herald"].title]


def test_autocomplete_of_nothing_is_empty(db):
    assert service.suggest("  ") == []


def test_a_missing_index_is_unavailable_not_a_crash(db, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "nothing-here"
    service.reset_backends()
    with pytest.raises(SearchUnavailable, match="has not been built"):
        service.search(SearchRequest(q="kim"))


def test_a_corrupt_index_is_unavailable_not_a_crash(seeded, settings):
    backend = service.get_backend()
    directory = backend.store.current()
    for path in directory.iterdir():
        if path.suffix in (".seg", ".toc"):
            path.write_bytes(b"garbage")
    service.reset_backends()
    with pytest.raises(SearchUnavailable):
        service.search(SearchRequest(q="kim"))
    assert directory.exists()  # never deleted


def test_a_failed_write_is_cancelled_and_releases_the_lock(seeded):
    backend = service.get_backend()
    with pytest.raises(RuntimeError), backend.store.writer() as writer:
        writer.delete_by_term("id", str(seeded["herald"].pk))
        raise RuntimeError("boom")
    assert seeded["herald"].pk in ids_of(service.search(SearchRequest(q="newsmaker")))
    reindex(make_article("After the failure"))  # the lock was released
    assert service.search(SearchRequest(q="failure")).total == 1


def test_a_rebuild_swaps_in_a_new_generation_and_keeps_searching(seeded):
    from search.documents import articles_for_index

    backend = service.get_backend()
    before = backend.store.current()
    assert backend.rebuild(articles_for_index(), total=5) == 5
    assert backend.store.current() != before
    assert service.search(SearchRequest(q="kim")).total == 5
