"""DELETE /api/token/: a user revokes their own token; nobody else's, and never anonymously."""

import pytest
from django.urls import resolve
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive.api.tokens import TokenRevokeView
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db
URL = "/api/token/"


def test_the_route_is_the_revoke_view():
    assert resolve(URL).func.view_class is TokenRevokeView


def test_a_user_revokes_their_own_token_and_it_stops_working(editor, reader):
    client = token_client(editor)
    others = token_client(reader)

    assert client.delete(URL).status_code == 204

    assert not Token.objects.filter(user=editor).exists()
    assert client.post("/api/outlets/", {"name": "AP"}, format="json").status_code == 401
    assert client.delete(URL).status_code == 401
    assert Token.objects.filter(user=reader).exists()  # only their own
    assert others.get("/api/outlets/").status_code == 200


def test_a_reader_may_revoke_their_token_too(reader):
    assert token_client(reader).delete(URL).status_code == 204


def test_anonymous_clients_are_refused(anon, editor):
    Token.objects.create(user=editor)

    assert anon.delete(URL).status_code == 401
    assert Token.objects.filter(user=editor).exists()


def test_a_session_user_without_a_token_gets_404(editor):
    client = APIClient()
    client.force_login(editor)

    response = client.delete(URL)

    assert response.status_code == 404
    assert response.json()["detail"] == "You have no API token."


def test_a_session_revocation_needs_the_csrf_token(editor):
    Token.objects.create(user=editor)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)

    assert client.delete(URL).status_code == 403
    assert Token.objects.filter(user=editor).exists()
    client.cookies["csrftoken"] = secret = "t0ken" * 6 + "ab"
    assert client.delete(URL, HTTP_X_CSRFTOKEN=secret).status_code == 204


@pytest.mark.parametrize("method", ["get", "post", "put", "patch"])
def test_other_methods_are_not_allowed(editor, method):
    assert getattr(token_client(editor), method)(URL).status_code == 405
