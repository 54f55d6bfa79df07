"""The admin's sign-in page stops guessing: after LOGIN_FAILURES wrong passwords for one
user from one address, it refuses that user from that address for a while, and says so."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from archive.admin.login import LOGIN_FAILURES

LOGIN = reverse("admin:login")


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def sign_in(client: Client, username: str, password: str, address: str = "203.0.113.5"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_the_right_password_is_refused_after_too_many_wrong_ones(client, superuser):
    for _ in range(LOGIN_FAILURES):
        wrong = sign_in(client, "boss", "guess")
        assert wrong.status_code == 200
        assert "Please enter the correct username and password" in wrong.text

    refused = sign_in(client, "boss", "pw")

    assert refused.status_code == 200
    assert "Too many failed sign-ins for this user from your address" in refused.text
    assert "try again in 5 minutes" in refused.text
    assert "_auth_user_id" not in client.session


def test_the_limit_holds_one_user_at_one_address(superuser, django_user_model):
    django_user_model.objects.create_superuser("other", "other@example.org", "pw2")
    for _ in range(LOGIN_FAILURES):
        sign_in(Client(), "boss", "guess")

    assert signed_in(sign_in(Client(), "boss", "pw", address="198.51.100.7"))
    assert signed_in(sign_in(Client(), "other", "pw2"))
    assert "Too many failed sign-ins" in sign_in(Client(), "BOSS", "pw").text  # any case


def test_a_successful_sign_in_clears_the_count(superuser):
    for _ in range(LOGIN_FAILURES - 1):
        sign_in(Client(), "boss", "guess")
    assert signed_in(sign_in(Client(), "boss", "pw"))
    for _ in range(LOGIN_FAILURES - 1):
        sign_in(Client(), "boss", "guess")

    assert signed_in(sign_in(Client(), "boss", "pw"))


def test_behind_a_proxy_one_clients_guesses_do_not_lock_out_another(client, superuser, settings):
    settings.NUM_PROXIES = 1
    proxy = "10.0.0.2"
    for _ in range(LOGIN_FAILURES):
        client.post(
            LOGIN,
            {"username": "boss", "password": "guess", "next": "/admin/"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    owner = Client().post(
        LOGIN,
        {"username": "boss", "password": "pw", "next": "/admin/"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert signed_in(owner)
