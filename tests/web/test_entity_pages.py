"""Outlet, author and tag pages: their subject introduced, their search scoped to it,
and the old slugs of merged outlets, authors and tags leading to the survivor."""

import re

import pytest
from django.utils.html import escape
from rest_framework.test import APIClient

from archive.curation import authors_merge, outlets_merge, tags_merge
from archive.models import Author, Outlet, Tag
from tests.web.conftest import index_all

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode()


def facet_count(page: str, key: str, value: str) -> int | None:
    """The count the sidebar shows beside a facet value (None: not shown)."""
    found = re.search(
        rf'id="f-{key}-{re.escape(value)}".*?<span class="count">(\d+)</span>', page, re.S
    )
    return int(found.group(1)) if found else None


def test_a_tag_page_counts_its_facets_among_its_own_articles(client, seeded):
    page = text_of(client.get("/tags/person/moon-jae-in/"))
    assert "<strong>2</strong> articles" in page
    # Mike Pompeo is on 2 articles of the archive, 1 of them with Moon Jae-in.
    assert facet_count(page, "person", "personmike-pompeo") == 1
    assert facet_count(page, "person", "personmoon-jae-in") is None  # not its own facet


def test_ticking_a_person_on_a_tag_page_narrows_it_and_never_widens_it(client, seeded):
    page = text_of(client.get("/tags/person/moon-jae-in/?tag=person:mike-pompeo"))
    assert "<strong>1</strong> article" in page
    assert escape(seeded["the-korea-herald"].title) in page
    assert escape(seeded["south-china-morning-post"].title) not in page  # Pompeo without Moon


def test_another_outlet_on_an_outlet_page_is_ignored_and_said(client, seeded):
    page = text_of(client.get("/outlets/bloomberg/?outlet=al-jazeera"))
    assert '<h1 class="preset-title">Bloomberg</h1>' in page
    assert "the outlet filter al-jazeera was ignored" in page
    assert "<strong>1</strong> article" in page
    assert escape(seeded["bloomberg"].title) in page
    assert escape(seeded["al-jazeera"].title) not in page


def test_a_tag_page_introduces_its_subject(client, seeded):
    page = text_of(client.get("/tags/person/moon-jae-in/"))
    assert "Moon Jae-in is a person in the archive, with <strong>2</strong> articles" in page
    assert "from 9 May 2018 to 10 Jan 2019" in page
    first, last = seeded["the-korea-herald"], seeded["al-jazeera"]
    assert f'First article</dt><dd><a href="{first.get_absolute_url()}"' in page
    assert f'Latest article</dt><dd><a href="{last.get_absolute_url()}"' in page
    companions = page.split('id="companions-title"', 1)[1].split("</section>", 1)[0]
    assert '<a href="/tags/person/mike-pompeo/">Mike Pompeo</a> <span class="count">1</span>' in (
        companions
    )
    assert '<a href="/outlets/al-jazeera/">Al Jazeera</a>' in companions
    assert "Moon Jae-in</a>" not in companions


def test_an_outlet_page_says_it_is_an_outlet_and_follows_its_own_feed(client, seeded):
    page = text_of(client.get("/outlets/bloomberg/"))
    assert "Bloomberg is an outlet in the archive, with <strong>1</strong> article" in page
    assert 'href="/outlets/bloomberg/feed/"' in page
    feed = text_of(client.get("/outlets/bloomberg/feed/?outlet=al-jazeera"))
    assert feed.count("<entry>") == 1


def test_a_merged_tag_leads_to_the_survivor_page_feed_filter_and_api(client, seeded):
    survivor = Tag.objects.get(kind="place", slug="north-korea")
    tags_merge(target=survivor, others=[Tag.objects.get(kind="place", slug="dalian")])
    index_all()
    response = client.get("/tags/place/dalian/?q=kim")
    assert response.status_code == 301
    assert response["Location"] == "/tags/place/north-korea/?q=kim"
    feed = client.get("/tags/place/dalian/feed/")
    assert (feed.status_code, feed["Location"]) == (301, "/tags/place/north-korea/feed/")
    assert "<strong>5</strong> articles" in text_of(client.get("/?tag=place:dalian"))
    api = APIClient()
    assert api.get("/api/search/", {"tag": "place:dalian"}).json()["count"] == 5
    assert api.get("/api/articles/", {"tag": "place:dalian"}).json()["count"] == 5
    page = text_of(client.get("/tags/place/north-korea/"))
    assert "Also known as</dt><dd>Dalian</dd>" in page


def test_a_merged_outlet_or_author_leads_to_the_survivor(client, seeded):
    outlets_merge(
        target=Outlet.objects.get(slug="bloomberg"), others=[Outlet.objects.get(slug="al-jazeera")]
    )
    authors_merge(
        target=Author.objects.get(slug="jihye-lee"), others=[Author.objects.get(slug="dandan-li")]
    )
    index_all()
    response = client.get("/outlets/al-jazeera/")
    assert (response.status_code, response["Location"]) == (301, "/outlets/bloomberg/")
    assert client.get("/authors/dandan-li/")["Location"] == "/authors/jihye-lee/"
    assert "<strong>2</strong> articles" in text_of(client.get("/?outlet=al-jazeera"))
    api = APIClient()
    assert api.get("/api/search/", {"outlet": "al-jazeera"}).json()["count"] == 2
    assert api.get("/api/articles/", {"outlet": "al-jazeera"}).json()["count"] == 2
    assert api.get("/api/articles/", {"author": "dandan-li"}).json()["count"] == 1
    page = text_of(client.get("/outlets/bloomberg/"))
    assert "Also known as</dt><dd>Al Jazeera</dd>" in page


def test_a_slug_never_merged_is_still_a_404(client, seeded):
    assert client.get("/tags/place/atlantis/").status_code == 404
    assert client.get("/outlets/atlantis/feed/").status_code == 404


def test_what_appears_with_the_subject_does_not_change_with_the_page_filters(client, seeded):
    page = text_of(client.get("/tags/person/moon-jae-in/?tag=person:mike-pompeo"))
    assert "<strong>1</strong> article" in page  # The Korea Herald's only
    companions = page.split('id="companions-title"', 1)[1].split("</section>", 1)[0]
    assert '<a href="/outlets/al-jazeera/">Al Jazeera</a> <span class="count">1</span>' in (
        companions
    )
    assert '<a href="/tags/person/donald-trump/">Donald Trump</a> <span class="count">2</span>' in (
        companions
    )


def test_a_tag_address_of_an_outlets_kind_is_no_way_to_a_merged_outlet(client, db):
    survivor, merged = (
        Outlet.objects.create(name="Bloomberg"),
        Outlet.objects.create(name="Al Jazeera"),
    )
    outlets_merge(target=survivor, others=Outlet.objects.filter(pk=merged.pk))

    assert client.get("/outlets/al-jazeera/").status_code == 301
    assert client.get("/tags/outlet/al-jazeera/").status_code == 404


def test_a_live_slug_wins_over_a_redirect_in_the_search_and_the_article_list(client, seeded):
    outlets_merge(
        target=Outlet.objects.get(slug="bloomberg"), others=[Outlet.objects.get(slug="al-jazeera")]
    )
    reborn = Outlet.objects.create(name="Al Jazeera")  # made again by hand, say
    index_all()
    api = APIClient()
    assert api.get("/api/search/", {"outlet": "al-jazeera"}).json()["count"] == 0
    assert api.get("/api/articles/", {"outlet": "al-jazeera"}).json()["count"] == 0
    assert reborn.slug == "al-jazeera"
