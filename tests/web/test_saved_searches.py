"""Saved searches on the site: save on the search page, My searches, edit, feed, sign-in."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import QueryDict
from django.test import Client

from archive.alerts.models import AlertMatch, SavedSearch
from search.alerts import alerts_match, saved_params
from tests.factories import make_article, make_outlet
from tests.web.conftest import index_all

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def reader(name="reader"):
    user = get_user_model().objects.create_user(name, password="a-long-pass-phrase")
    user.groups.add(Group.objects.get(name__iexact="readers"))
    return user


@pytest.fixture
def client_of():
    def signed_in(user):
        client = Client()
        client.force_login(user)
        return client

    return signed_in


def test_a_reader_signs_in_on_the_site_and_sees_my_searches():
    reader()
    client = Client()

    response = client.post(
        "/accounts/login/",
        {"username": "reader", "password": "a-long-pass-phrase", "next": "/searches/"},
    )

    assert response.status_code == 302 and response["Location"] == "/searches/"
    assert "My searches" in client.get("/searches/").content.decode()


def test_anonymous_visitors_are_asked_to_sign_in():
    page = Client().get("/?q=kim").content.decode()

    assert "Sign in to save this search" in page
    assert Client().get("/searches/")["Location"].startswith("/accounts/login/?next=")


def test_saving_the_search_on_the_page_keeps_its_words_and_filters(client_of):
    user = reader()
    yonhap = make_outlet("Yonhap")
    client = client_of(user)

    page = client.get(f"/?q=missile&outlet={yonhap.slug}&page=2").content.decode()
    assert 'id="save-search"' in page and 'value="missile"' in page
    response = client.post(
        "/searches/new/",
        {"name": "Missiles", "query": f"q=missile&outlet={yonhap.slug}&page=2&size=50"},
    )

    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=user)
    assert saved.params == {"q": ["missile"], "outlet": [yonhap.slug]}
    listing = client.get("/searches/").content.decode()
    assert "Missiles" in listing and "“missile” · outlet: yonhap" in listing


def test_saving_needs_the_csrf_token(client_of):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader())

    assert client.post("/searches/new/", {"name": "x", "query": "q=x"}).status_code == 403


def test_a_name_used_twice_is_refused_with_a_message(client_of):
    user = reader()
    client = client_of(user)
    client.post("/searches/new/", {"name": "Kim", "query": "q=kim"})

    response = client.post("/searches/new/", {"name": "Kim", "query": "q=kim+jong"}, follow=True)

    assert "already have a search named" in response.content.decode()
    assert SavedSearch.objects.filter(user=user).count() == 1


def test_new_articles_are_counted_until_the_search_is_opened(client_of):
    user = reader()
    client = client_of(user)
    client.post("/searches/new/", {"name": "Quotas", "query": "q=quotas"})
    saved = SavedSearch.objects.get(user=user)
    article = make_article("Fishing quotas agreed")
    index_all()
    alerts_match(article_ids=[article.pk])

    assert "1 new" in client.get("/searches/").content.decode()
    opened = client.get(f"/searches/{saved.pk}/")
    assert opened.status_code == 302 and "q=quotas" in opened["Location"]
    assert "no new articles" in client.get("/searches/").content.decode()


def test_another_users_search_is_not_found(client_of):
    saved = SavedSearch.objects.create(user=reader("owner"), name="Mine", params={"q": ["x"]})
    other = client_of(reader("other"))

    for url in (f"/searches/{saved.pk}/", f"/searches/{saved.pk}/edit/"):
        assert other.get(url).status_code == 404
    assert other.post(f"/searches/{saved.pk}/delete/").status_code == 404
    assert other.post(f"/searches/{saved.pk}/feed/", {"action": "renew"}).status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_edit_renames_changes_words_and_channels(client_of):
    user = reader()
    saved = SavedSearch.objects.create(
        user=user, name="Old", params={"q": ["kim"], "outlet": ["yonhap"]}
    )
    client = client_of(user)

    response = client.post(
        f"/searches/{saved.pk}/edit/",
        {"name": "New", "q": "kim jong un", "email_frequency": "daily", "timezone": "Asia/Seoul"},
    )

    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.name, saved.email_frequency, saved.timezone) == ("New", "daily", "Asia/Seoul")
    assert saved.params == {"q": ["kim jong un"], "outlet": ["yonhap"]}
    assert saved.feed_enabled is False  # an unticked box


def test_a_search_saved_before_the_rules_can_still_be_renamed_but_gain_no_new_problem(
    client_of,
):
    """Pages once stored what the API refuses (an unknown sort): what the edit leaves as
    it was is not held against it; words with a NUL are."""
    user = reader()
    saved = SavedSearch.objects.create(user=user, name="Old", params={"q": ["kim"], "sort": ["x"]})
    client = client_of(user)
    form = {"email_frequency": "never", "timezone": "UTC"}

    renamed = client.post(f"/searches/{saved.pk}/edit/", {**form, "name": "New", "q": "kim"})
    refused = client.post(f"/searches/{saved.pk}/edit/", {**form, "name": "N", "q": "a\x00"})

    assert renamed.status_code == 302
    saved.refresh_from_db()
    assert (saved.name, saved.params) == ("New", {"q": ["kim"], "sort": ["x"]})
    assert refused.status_code == 200 and "Null characters" in refused.text
    saved.refresh_from_db()
    assert saved.name == "New"


def test_an_unknown_time_zone_is_a_form_error_not_a_500(client_of):
    user = reader()
    saved = SavedSearch.objects.create(user=user, name="S", params={})

    response = client_of(user).post(
        f"/searches/{saved.pk}/edit/",
        {"name": "S", "email_frequency": "daily", "timezone": "Mars/Base"},
    )

    assert response.status_code == 200 and "Mars/Base" in response.content.decode()


def test_the_private_feed_lists_matches_with_their_copies_and_dies_when_renewed(client_of):
    user = reader()
    saved = SavedSearch.objects.create(user=user, name="Launch", params={"q": ["launch"]})
    original = make_article("Launch condemned", outlet=make_outlet("Yonhap"))
    copy = make_article(
        "Launch condemned (copy)", outlet=make_outlet("JoongAng Daily"), duplicate_of=original
    )
    index_all()
    alerts_match(article_ids=[original.pk, copy.pk])
    feed_url = f"/feeds/saved/{saved.feed_token}/"

    response = Client().get(feed_url)

    assert response.status_code == 200
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Launch condemned"]
    assert "Also in: JoongAng Daily" in entries[0].find(f"{ATOM}summary").text
    client_of(user).post(f"/searches/{saved.pk}/feed/", {"action": "renew"})
    assert Client().get(feed_url).status_code == 404
    saved.refresh_from_db()
    assert Client().get(f"/feeds/saved/{saved.feed_token}/").status_code == 200
    client_of(user).post(f"/searches/{saved.pk}/feed/", {"action": "revoke"})
    assert Client().get(f"/feeds/saved/{saved.feed_token}/").status_code == 404


def test_webhooks_are_added_with_a_secret_shown_once_and_removed(client_of):
    user = reader()
    saved = SavedSearch.objects.create(user=user, name="S", params={})
    client = client_of(user)

    added = client.post(
        f"/searches/{saved.pk}/webhooks/", {"url": "https://example.org/hook"}, follow=True
    ).content.decode()
    hook = saved.webhooks.get()
    assert hook.secret in added
    assert hook.secret not in client.get(f"/searches/{saved.pk}/edit/").content.decode()
    assert (
        "not a web address"
        in client.post(
            f"/searches/{saved.pk}/webhooks/", {"url": "nope"}, follow=True
        ).content.decode()
    )
    client.post(f"/searches/{saved.pk}/webhooks/{hook.pk}/delete/")
    assert not saved.webhooks.exists()


def test_delete_asks_then_deletes(client_of):
    user = reader()
    saved = SavedSearch.objects.create(user=user, name="Gone soon", params={})
    client = client_of(user)

    assert "Delete “Gone soon”?" in client.get(f"/searches/{saved.pk}/delete/").content.decode()
    client.post(f"/searches/{saved.pk}/delete/")
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()
    assert AlertMatch.objects.count() == 0


def test_a_webhook_address_without_https_is_refused_with_the_reason(client_of, settings):
    settings.ALERTS_ALLOW_HTTP_WEBHOOKS = True  # as in development: loopback only
    user = reader()
    saved = SavedSearch.objects.create(user=user, name="S", params={})

    page = client_of(user).post(
        f"/searches/{saved.pk}/webhooks/", {"url": "http://example.org/hook"}, follow=True
    )

    assert "plain http is allowed for loopback addresses only" in page.content.decode()
    assert not saved.webhooks.exists()


@pytest.mark.parametrize(
    "query, said",
    [
        ("q=%00", "NUL"),
        ("q=a%00b&outlet=x", "NUL"),
        ("q=oil&sort=nosuch", "sort"),
        ("tag=nosuch:x", "tag"),
        ("q=oil&from=2020-01-01&to=2019-01-01", "swapped"),
    ],
)
def test_a_search_the_api_would_refuse_is_not_saved_from_the_page_either(client_of, query, said):
    """The page and the API keep a search by the same rules: what the page's search
    would leave out or correct is said, and nothing is saved."""
    user = reader()
    client = client_of(user)

    response = client.post("/searches/new/", {"name": "odd", "query": query}, follow=True)

    assert response.status_code == 200
    assert said in " ".join(str(m) for m in response.context["messages"])
    assert not SavedSearch.objects.filter(user=user).exists()
    refused = client_of(user).post(
        "/api/saved-searches/",
        {"name": "odd", "params": saved_params(QueryDict(query))},
        content_type="application/json",
    )
    assert refused.status_code == 400
