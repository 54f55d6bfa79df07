"""/api/saved-searches/: a user's own saved searches and webhooks, by token or session."""

import pytest
from rest_framework.test import APIClient

from archive.alerts.models import SavedSearch, Webhook
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db
URL = "/api/saved-searches/"


def test_anonymous_requests_are_refused_with_401():
    assert APIClient().get(URL).status_code == 401
    assert APIClient().post(URL, {"name": "x"}, format="json").status_code == 401


def test_a_reader_saves_lists_and_changes_their_own(reader):
    client = token_client(reader)

    created = client.post(
        URL,
        {
            "name": "Kim",
            "params": {"q": ["kim jong un"], "outlet": ["yonhap"]},
            "email_frequency": "daily",
        },
        format="json",
    )

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["description"] == "“kim jong un” · outlet: yonhap"
    assert body["feed_url"].startswith("http://testserver/feeds/saved/")
    assert body["new"] == 0 and body["email_frequency"] == "daily"
    listed = client.get(URL).json()
    assert [s["name"] for s in listed["results"]] == ["Kim"]
    changed = client.patch(f"{URL}{body['id']}/", {"name": "Kim J."}, format="json")
    assert changed.json()["name"] == "Kim J."
    assert client.delete(f"{URL}{body['id']}/").status_code == 204
    assert not SavedSearch.objects.exists()


def test_a_session_works_too_with_its_csrf_token(reader):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(reader)

    assert client.get(URL).status_code == 200
    assert client.post(URL, {"name": "x"}, format="json").status_code == 403  # no CSRF token


def test_another_users_search_is_a_404(reader, editor):
    theirs = SavedSearch.objects.create(user=editor, name="Theirs", params={})
    client = token_client(reader)

    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.patch(f"{URL}{theirs.pk}/", {"name": "x"}, format="json").status_code == 404
    assert client.get(f"{URL}{theirs.pk}/webhooks/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/feed-token/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/webhooks/", {}, format="json").status_code == 404
    assert client.post(f"{URL}999999/webhooks/", {}, format="json").status_code == 404
    assert client.get(URL).json()["results"] == []


def test_bad_params_are_a_400_naming_the_problem(reader):
    client = token_client(reader)

    unknown = client.post(URL, {"name": "x", "params": {"page": ["2"]}}, format="json")
    bad_year = client.post(URL, {"name": "x", "params": {"year": ["20x6"]}}, format="json")
    bad_zone = client.post(URL, {"name": "x", "timezone": "Mars/Base"}, format="json")

    assert unknown.status_code == 400 and "page" in str(unknown.json())
    assert bad_year.status_code == 400 and "year" in str(bad_year.json())
    assert bad_zone.status_code == 400 and "Mars/Base" in str(bad_zone.json())


def test_a_saved_search_by_meaning_is_a_400_saying_alerts_match_keywords(reader):
    client = token_client(reader)
    params = {"q": ["atomic weapons"], "mode": ["hybrid"]}

    response = client.post(URL, {"name": "x", "params": params}, format="json")

    assert response.status_code == 400
    assert "mode: a saved search matches by keywords" in str(response.json())


def test_a_name_used_twice_is_a_400(reader):
    client = token_client(reader)
    client.post(URL, {"name": "Same"}, format="json")

    again = client.post(URL, {"name": "Same"}, format="json")

    assert again.status_code == 400 and "already" in str(again.json())


def test_a_webhooks_secret_is_shown_once(reader):
    client = token_client(reader)
    saved = client.post(URL, {"name": "S"}, format="json").json()
    hooks = f"{URL}{saved['id']}/webhooks/"

    created = client.post(hooks, {"url": "https://example.org/hook"}, format="json")

    assert created.status_code == 201
    secret = created.json()["secret"]
    assert secret == Webhook.objects.get().secret
    listed = client.get(hooks).json()["results"]
    assert [h["url"] for h in listed] == ["https://example.org/hook"] and "secret" not in listed[0]
    assert "secret" not in client.get(f"{hooks}{listed[0]['id']}/").json()
    assert client.post(hooks, {"url": "not a url"}, format="json").status_code == 400
    assert client.delete(f"{hooks}{listed[0]['id']}/").status_code == 204


def test_renewing_the_feed_token_changes_the_address(reader):
    client = token_client(reader)
    saved = client.post(URL, {"name": "S"}, format="json").json()

    renewed = client.post(f"{URL}{saved['id']}/feed-token/").json()

    assert renewed["feed_url"] != saved["feed_url"]
    assert APIClient().get(saved["feed_url"]).status_code == 404
    assert APIClient().get(renewed["feed_url"]).status_code == 200


def test_a_webhook_must_use_https(reader, settings):
    settings.ALERTS_ALLOW_HTTP_WEBHOOKS = False
    client = token_client(reader)
    saved = client.post(URL, {"name": "S"}, format="json").json()

    refused = client.post(
        f"{URL}{saved['id']}/webhooks/", {"url": "http://example.org/hook"}, format="json"
    )

    assert refused.status_code == 400
    assert "https" in str(refused.json())
    assert not Webhook.objects.exists()
