"""manage.py api_token: create, show and revoke a user's token."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("api_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_create_prints_a_key_that_authenticates(editor):
    key = run("create", "editor")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert client.post("/api/outlets/", {"name": "AP"}, format="json").status_code == 201


def test_create_twice_keeps_the_key_unless_reset(editor):
    first = run("create", "editor")

    assert run("create", "editor") == first
    assert run("create", "editor", "--reset") != first
    assert run("show", "editor") == Token.objects.get(user=editor).key


def test_a_revoked_token_is_refused(editor):
    key = run("create", "editor")
    run("revoke", "editor")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert client.post("/api/outlets/", {"name": "AP"}, format="json").status_code == 401


def test_an_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        run("create", "ghost")
