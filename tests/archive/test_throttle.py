"""Anonymous clients are throttled per client on the pages that search, the feed and the
export, by the same rule as the API: 429 with Retry-After and a page that says why."""

import pytest
from django.core.cache import cache

from tests.factories import make_article, make_outlet


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/?q=oil", "/feed/?q=oil", "/outlets/reuters/"])
def test_a_fourth_anonymous_search_in_a_minute_is_refused_with_a_friendly_429(
    client, settings, path
):
    make_article(title="Oil prices", body="Oil prices rose.", outlet=make_outlet("Reuters"))
    settings.PAGES_ANON_RATE = "3/min"

    codes = [client.get(path).status_code for _ in range(3)]
    refused = client.get(path)

    assert codes == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.content.decode()
    assert f"wait {refused['Retry-After']} second" in refused.content.decode()


@pytest.mark.django_db
def test_each_client_has_its_own_count_and_a_forged_forwarded_header_is_not_a_new_client(
    client, settings
):
    settings.PAGES_ANON_RATE = "1/min"

    assert client.get("/", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/", REMOTE_ADDR="10.0.0.2").status_code == 200
    forged = client.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert forged.status_code == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_client_is_the_address_it_saw(client, settings):
    settings.PAGES_ANON_RATE = "1/min"
    settings.NUM_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.9"}

    assert client.get("/", HTTP_X_FORWARDED_FOR="forged, 198.51.100.1", **proxy).status_code == 200
    assert client.get("/", HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 200
    again = client.get("/", HTTP_X_FORWARDED_FOR="other, 198.51.100.1", **proxy)
    assert again.status_code == 429


@pytest.mark.django_db
def test_signed_in_users_and_autocomplete_are_not_throttled(client, settings, django_user_model):
    settings.PAGES_ANON_RATE = "1/min"
    assert {client.get("/suggest?q=oi").status_code for _ in range(3)} == {200}
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    assert {client.get("/?q=oil").status_code for _ in range(3)} == {200}


@pytest.mark.django_db
def test_the_export_has_a_rate_of_its_own_with_retry_after(client, settings):
    settings.API_ANON_RATE = "100/min"
    settings.EXPORT_ANON_RATE = "2/hour"

    codes = [client.get("/api/export/").status_code for _ in range(3)]
    refused = client.get("/api/export/")

    assert codes == [200, 200, 429]
    assert refused.status_code == 429
    assert "throttled" in refused.json()["detail"]
    assert 3000 < int(refused["Retry-After"]) <= 3600
    assert client.get("/api/outlets/").status_code == 200  # the rest of the API still answers
