"""The browser pages through Django's test client, over the seeds in a real index."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.utils.html import escape

from archive.feeds import feed_request
from archive.models import Article
from archive.templatetags.archive_search import FACET_GROUPS
from search.types import FACETS, InvalidQuery, SearchRequest, SearchUnavailable
from tests.factories import make_article, make_outlet, make_tag
from tests.web.conftest import index_all

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode()


def test_search_page_lists_the_newest_articles_with_facets(client, seeded):
    page = text_of(client.get("/"))
    assert "<strong>5</strong> articles" in page
    for outlet in ("Bloomberg", "Al Jazeera", "The Korea Herald", "Korea JoongAng Daily"):
        assert outlet in page
    assert 'name="outlet" value="bloomberg"' in page
    assert 'name="year" value="2018"' in page
    assert 'type="application/atom+xml"' in page


def test_query_results_carry_highlighted_fragments(client, seeded):
    page = text_of(client.get("/?q=Dalian"))
    assert "<mark>" in page
    assert "for “Dalian”" in page
    assert "?q=Dalian" in page  # result links carry the query for highlighting


def test_outlet_filter_narrows_results_and_shows_a_removable_chip(client, seeded):
    page = text_of(client.get("/?outlet=bloomberg"))
    assert "<strong>1</strong> article" in page
    assert escape(seeded["bloomberg"].title) in page
    assert 'aria-label="Remove filter Outlet: Bloomberg"' in page
    chip = re.search(r'<a class="chip" href="([^"]*)"', page).group(1)
    assert chip == "/"


def test_two_outlets_and_a_year_combine(client, seeded):
    both = text_of(client.get("/?outlet=bloomberg&outlet=the-korea-herald"))
    assert "<strong>2</strong> articles" in both
    narrowed = text_of(client.get("/?outlet=bloomberg&outlet=the-korea-herald&year=2018"))
    assert "<strong>1</strong> article" in narrowed
    assert escape(seeded["the-korea-herald"].title) in narrowed


def test_small_page_size_paginates_with_links_that_keep_the_state(client, seeded):
    page = text_of(
        client.get("/?size=2&outlet=bloomberg&outlet=al-jazeera&outlet=the-korea-herald")
    )
    assert "page 1 of 2" in page
    assert 'href="/?outlet=bloomberg&amp;outlet=al-jazeera&amp;outlet=the-korea-herald' in page
    second = text_of(client.get("/?size=2&page=2"))
    assert "page 2 of 3" in second
    assert 'aria-current="page"' in second


def test_empty_result_page_helps(client, seeded):
    page = text_of(client.get("/?q=zzzyxw&outlet=bloomberg"))
    assert "No articles match “zzzyxw” with these filters" in page
    assert "Remove the filters" in page
    assert "Check the spelling" in page


def test_bad_parameters_give_a_friendly_page_not_an_error(client, seeded):
    response = client.get("/?page=abc&from=last-week&size=-4&sort=sideways&year=nope")
    assert response.status_code == 200
    page = text_of(response)
    assert "write it as YYYY-MM-DD" in page
    assert "<strong>5</strong> articles" in page
    assert "Remove filter" not in page  # ignored values are not shown as active filters


def test_a_page_past_the_end_points_back_to_the_results(client, seeded):
    response = client.get("/?q=kim&size=2&page=999")
    assert response.status_code == 404  # the page is not there; the notice links to those that are
    assert "There is no page 999" in text_of(response)
    assert "page 999 of" not in text_of(response)
    assert "page=998" not in text_of(response)
    assert 'href="/?q=kim&amp;size=2&amp;page=3">Go to the last page' in text_of(response)


def test_invalid_query_from_the_service_is_a_400_page(client, seeded, monkeypatch):
    def refuse(request):
        raise InvalidQuery("That date range is impossible.")

    monkeypatch.setattr("search.service.search", refuse)
    response = client.get("/?q=kim")
    assert response.status_code == 400
    assert "That date range is impossible." in text_of(response)


def test_unavailable_index_is_a_503_page(client, seeded, monkeypatch):
    def down(request):
        raise SearchUnavailable("index locked")

    monkeypatch.setattr("search.service.search", down)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "try again" in text_of(response)


def test_markup_in_an_article_renders_as_text_everywhere(client, db):
    hostile = make_article(
        title="Kim <script>alert('t')</script> visit",
        body="Kim went <img src=x onerror=alert(1)> to Beijing. <script>alert('b')</script>",
        raw_text="<img src=x onerror=alert(2)>",
        summary="<b>bold</b> claims",
    )
    index_all()
    pages = [
        text_of(client.get("/?q=kim")),
        text_of(client.get(hostile.get_absolute_url() + "?q=kim")),
        text_of(client.get("/feed/?q=kim")),
    ]
    for page in pages:
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "<b>bold" not in page
    article_page = pages[1]
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in article_page
    assert "&lt;img src=x onerror=alert(1)&gt;" in article_page


def test_article_page_shows_tags_links_and_highlighted_body(client, seeded):
    article = seeded["bloomberg"]
    page = text_of(client.get(article.get_absolute_url() + "?q=pyongyang"))
    assert '<mark id="first-match">' in page
    assert "<mark>Pyongyang</mark>" in page
    assert 'href="#first-match"' in page
    assert 'href="/tags/person/xi-jinping/"' in page
    assert "Jihye Lee" in page
    assert "Show the raw text as received" in page
    assert "More like this" in page
    assert "Edit in admin" not in page


def test_article_page_offers_staff_the_admin(client, seeded):
    client.force_login(User.objects.create_user("ed", is_staff=True))
    article = seeded["bloomberg"]
    page = text_of(client.get(article.get_absolute_url()))
    assert f'href="/admin/archive/article/{article.pk}/change/"' in page


def test_article_page_lists_near_duplicates(client, db):
    outlet = make_outlet("Wire")
    original = make_article("Talks resume", outlet=outlet)
    copy = make_article("Talks resume again", duplicate_of=original)
    other_copy = make_article("Talks resume, a third time", duplicate_of=original)
    index_all()
    page = text_of(client.get(original.get_absolute_url()))
    assert "The same story elsewhere" in page
    assert copy.get_absolute_url() in page
    copy_page = text_of(client.get(copy.get_absolute_url()))
    assert original.get_absolute_url() in copy_page
    assert other_copy.get_absolute_url() in copy_page


def test_article_with_a_wrong_slug_redirects_keeping_the_query(client, seeded):
    article = seeded["bloomberg"]
    response = client.get(f"/articles/{article.pk}/old-title/?q=xi")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url() + "?q=xi"


@pytest.mark.parametrize(
    "url", ["/articles/999999/x/", "/outlets/nowhere/", "/authors/nobody/", "/tags/person/x/"]
)
def test_missing_objects_are_friendly_404s(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Search the archive instead" in text_of(response)


def test_outlet_page_is_the_search_page_with_the_outlet_preset(client, seeded):
    page = text_of(client.get("/outlets/bloomberg/"))
    assert '<h1 class="preset-title">Bloomberg</h1>' in page
    assert "<strong>1</strong> article" in page
    assert 'href="/outlets/bloomberg/feed/"' in page


def test_tag_page_lists_its_articles_newest_first(client, seeded):
    page = text_of(client.get("/tags/place/dalian/"))
    assert "<strong>2</strong> articles" in page
    tag_titles = [a.title for a in Article.objects.filter(tags__slug="dalian")]
    assert all(t in page for t in tag_titles)


def test_author_page(client, seeded):
    page = text_of(client.get("/authors/jihye-lee/"))
    assert "<strong>1</strong> article" in page


def test_feed_lists_newest_matches(client, seeded):
    response = client.get("/feed/?q=kim&outlet=bloomberg")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = text_of(response)
    assert body.count("<entry>") == 1
    assert "<title>China's Xi Tells North Korea's Kim" in body


def test_a_feed_names_its_filters_as_the_page_does(client, seeded):
    body = text_of(client.get("/feed/?q=kim&outlet=bloomberg&tag=person:kim-jong-un"))
    assert "<title>News archive: “kim” · Outlet: Bloomberg, Person: Kim Jong Un</title>" in body


def test_the_sidebar_has_a_group_for_every_facet():
    assert {key for key, _ in FACET_GROUPS} == set(FACETS)


def test_the_feed_asks_for_the_newest_page_without_facets():
    request = feed_request(SearchRequest(q="kim", sort="oldest", page=4))
    assert (request.q, request.sort, request.page, request.page_size) == ("kim", "newest", 1, 20)
    assert (request.facets, request.highlight) == ((), False)


def test_suggest_returns_json(client, seeded):
    data = client.get("/suggest?q=xi").json()
    assert data["q"] == "xi"
    assert isinstance(data["suggestions"], list)
    assert client.get("/suggest?q=x").json()["suggestions"] == []


def test_pages_stay_under_100_kb_with_css_and_js(client, seeded):
    assets = sum(Path(finders.find(f"archive/{n}")).stat().st_size for n in ("site.css", "site.js"))
    article = seeded["bloomberg"]
    for url in ("/", "/?q=kim", article.get_absolute_url() + "?q=kim"):
        assert len(client.get(url).content) + assets < 100_000, url


def test_tag_filter_with_facets_for_people(client, seeded):
    make_tag("Unused person", kind="person")
    page = text_of(client.get("/?tag=person:mike-pompeo"))
    assert "<strong>2</strong> articles" in page
    assert 'aria-label="Remove filter Person: Mike Pompeo"' in page


def test_search_page_queries_do_not_grow_with_the_results(
    client, seeded, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        client.get("/?q=kim")


def test_a_question_shows_the_articles_with_most_of_its_words_and_says_so(client, seeded):
    page = text_of(client.get("/", {"q": "what did Kim say in Dalian about zanzibar giraffes"}))
    assert "No article has all" in page
    assert "showing those with most of them" in page
    assert 'class="hit"' in page
