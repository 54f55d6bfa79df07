"""Deleting an article takes it out of search everywhere: hits, every facet count, the
date histogram, more-like-this and title suggestions; by the ORM, the REST API and
the admin's bulk delete, on every search backend."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive.models import Article, Author, Outlet, Tag
from archive.seeds import seeds_load
from search import service
from search.documents import articles_for_index
from search.outbox import outbox_drain
from search.types import SearchRequest
from tests.factories import make_article

pytestmark = pytest.mark.django_db

_SIBLING_BODY = (
    "Kim Jong Un inspected the new fishing harbour at Sinpo with his daughter, state "
    "media said, and ordered the fleet to double its catch of squid before the winter."
)
_DOOMED_BODY = (
    "Kim Jong Un toured the fishing harbour at Sinpo, state media reported, telling "
    "captains the fleet must bring in more squid and crab before the winter storms."
)
# Values only the doomed article has: they must vanish from their facets.
_ONLY_DOOMED = {
    "author": "solo-writer",
    "topic": "topic:squid-fishing",
    "person": "person:captain-ri",
    "place": "place:sinpo",
    "organization": "organization:fleet-command",
}


def _doomed() -> Article:
    """An article sharing an outlet, a year, a month, tags and an author with the seeds,
    and owning a value of every other facet alone."""
    bloomberg = Outlet.objects.get(name="Bloomberg")
    article = make_article(
        "Kim tours squid harbour",
        body=_DOOMED_BODY,
        outlet=bloomberg,
        published=dt.date(2019, 6, 3),
        language="en",
    )
    for position, name in enumerate(["Jihye Lee", "Solo Writer"]):
        author, _ = Author.objects.get_or_create(
            slug=name.lower().replace(" ", "-"), defaults={"name": name}
        )
        article.author_links.create(author=author, position=position)
    shared = Tag.objects.filter(name__in=["Kim Jong Un", "North Korea", "Diplomacy"])
    assert shared.count() == 3
    own = [
        Tag.objects.create(name="Squid fishing", kind="topic"),
        Tag.objects.create(name="Captain Ri", kind="person"),
        Tag.objects.create(name="Sinpo", kind="place"),
        Tag.objects.create(name="Fleet Command", kind="organization"),
    ]
    article.tags.add(*shared, *own)
    return article


@pytest.fixture
def archive(search_backend):
    """The seeds, a sibling story, the doomed article and its near-duplicate, indexed."""
    seeds_load()
    sibling = make_article(
        "Kim inspects Sinpo harbour", body=_SIBLING_BODY, published=dt.date(2019, 6, 4)
    )
    doomed = _doomed()
    twin = make_article(
        "Kim tours squid harbour (update)",
        body=_DOOMED_BODY + " He also visited a cannery.",
        outlet=doomed.outlet,
        published=dt.date(2019, 6, 3),
        duplicate_of=doomed,
    )
    search_backend.rebuild(articles_for_index(), total=Article.objects.count())
    return {"doomed": doomed, "sibling": sibling, "twin": twin}


def _shown(request: SearchRequest) -> dict:
    result = service.search(request)
    return {
        "total": result.total,
        "ids": sorted(hit.id for hit in result.hits),
        "facets": {
            name: {v.value: v.count for v in values} for name, values in result.facets.items()
        },
        "histogram": [(b.period, b.count) for b in result.histogram],
    }


# Every article, the twin too (folding copies is tested in test_collapse).
_EVERYTHING = SearchRequest(page_size=100, collapse="none")
_STORY = SearchRequest(q="harbour squid", page_size=100, collapse="none")
_IN_2019 = SearchRequest(page_size=100, years=(2019,), collapse="none")


def _editor():
    groups = importlib.import_module("archive.migrations.0050_editor_reader_groups")
    groups.create_groups(apps, None)
    user = get_user_model().objects.create_user("editor", "editor@example.org", "pw")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def _delete_by_orm(article):
    article.delete()


def _delete_by_queryset(article):
    Article.objects.filter(pk=article.pk).delete()


def _delete_by_api(article):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=_editor())
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.delete(f"/api/articles/{article.pk}/").status_code == 204


def _delete_by_admin_action(article):
    client = Client()
    client.force_login(_editor())
    data = {"action": "delete_selected", "index": "0", "_selected_action": [article.pk]}
    response = client.post(reverse("admin:archive_article_changelist"), {**data, "post": "yes"})
    assert response.status_code == 302


def _delete_on_the_admin_page(article):
    client = Client()
    client.force_login(_editor())
    url = reverse("admin:archive_article_delete", args=[article.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302


DELETES = {
    "orm": _delete_by_orm,
    "queryset": _delete_by_queryset,
    "api": _delete_by_api,
    "admin": _delete_by_admin_action,
    "admin-page": _delete_on_the_admin_page,
}


@pytest.mark.parametrize("how", DELETES)
def test_a_deleted_article_leaves_hits_facets_and_histogram(archive, how):
    doomed = archive["doomed"]
    gone = doomed.pk  # the ORM clears it on delete
    before, story_before = _shown(_EVERYTHING), _shown(_STORY)
    months_before = _shown(_IN_2019)["facets"]["month"]
    assert gone in before["ids"] and gone in story_before["ids"]
    for facet, value in _ONLY_DOOMED.items():
        assert before["facets"][facet][value] == 1, before["facets"][facet]

    DELETES[how](doomed)
    outbox_drain()  # what the commit would have done (tests never commit)

    after = _shown(_EVERYTHING)
    assert not Article.objects.filter(pk=gone).exists()
    assert after["total"] == before["total"] - 1
    assert after["ids"] == sorted(set(before["ids"]) - {gone})
    for facet, value in _ONLY_DOOMED.items():
        assert value not in after["facets"][facet], facet
    shared = {
        "outlet": "bloomberg",
        "author": "jihye-lee",
        "year": "2019",
        "person": "person:kim-jong-un",
        "place": "place:north-korea",
        "topic": "topic:diplomacy",
        "language": "en",
    }
    for facet, value in shared.items():
        assert after["facets"][facet][value] == before["facets"][facet][value] - 1, facet
    # Months are counted once a year is chosen.
    months_after = _shown(_IN_2019)["facets"]["month"]
    assert months_after == {**months_before, "2019-06": months_before["2019-06"] - 1}
    histogram = dict(before["histogram"])
    bucket = "2019-06" if "2019-06" in histogram else "2019"  # by month or by year
    histogram[bucket] -= 1
    assert dict(after["histogram"]) == histogram
    assert _shown(_STORY)["ids"] == sorted(set(story_before["ids"]) - {gone})


@pytest.mark.parametrize("how", ["orm", "api"])
def test_after_a_delete_search_answers_as_a_fresh_rebuild_would(archive, search_backend, how):
    DELETES[how](archive["doomed"])
    outbox_drain()
    requests = [
        _EVERYTHING,
        _STORY,
        SearchRequest(q="Kim", page_size=100, tags=("place:north-korea",)),
        SearchRequest(page_size=100, years=(2019,), outlets=("bloomberg",)),
    ]
    incremental = [_shown(r) for r in requests]

    search_backend.rebuild(articles_for_index(), total=Article.objects.count())

    assert [_shown(r) for r in requests] == incremental


@pytest.mark.parametrize("how", DELETES)
def test_a_deleted_article_is_no_longer_similar_nor_suggested(archive, how):
    doomed, sibling = archive["doomed"], archive["sibling"]
    gone = doomed.pk
    assert gone in {h.id for h in service.more_like_this(sibling.pk, limit=10)}
    assert doomed.title in _titles_suggested("Kim tours squ")

    DELETES[how](doomed)
    outbox_drain()

    similar = service.more_like_this(sibling.pk, limit=10)
    assert gone not in {h.id for h in similar}
    assert all(h.article is not None for h in similar)
    assert service.more_like_this(gone) == []
    assert _titles_suggested("Kim tours squ") == [archive["twin"].title]


def test_deleting_an_original_leaves_its_twin_searchable_and_unlinked(archive):
    twin = archive["twin"]
    archive["doomed"].delete()
    outbox_drain()

    twin.refresh_from_db()
    assert twin.duplicate_of is None
    assert twin.pk in _shown(_STORY)["ids"]
    # The twin's index document no longer names the deleted original.
    assert service.get_backend().versions()[twin.pk] == _version(twin)


def _titles_suggested(prefix: str) -> list[str]:
    return [s.text for s in service.suggest(prefix) if s.kind == "title"]


def _version(article) -> str:
    from search.documents import article_version

    return article_version(next(articles_for_index(Article.objects.filter(pk=article.pk))))
