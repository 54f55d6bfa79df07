"""Who may do what: anonymous, reader, editor and admin; 401 and 403 told apart."""

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

READS = ["/api/articles/", "/api/outlets/", "/api/tags/", "/api/authors/", "/api/search/"]
READS += ["/api/export/", "/api/suggest/?q=kim"]


def writes(archive) -> list[tuple[str, str, dict]]:
    """One write per resource and method; each succeeds for an editor."""
    return [
        ("post", "/api/articles/", {"title": "New", "body": "A new article body."}),
        ("patch", f"/api/articles/{archive['kim'].pk}/", {"title": "Kim"}),
        ("delete", f"/api/articles/{archive['oil'].pk}/", {}),
        ("post", "/api/outlets/", {"name": "AP"}),
        ("patch", f"/api/outlets/{archive['herald'].pk}/", {"country": "KR"}),
        ("post", "/api/tags/", {"name": "Rice"}),
        ("post", "/api/authors/", {"name": "Ann Lee"}),
    ]


def call(client, method, url, data):
    return getattr(client, method)(url, data, format="json")


@pytest.mark.parametrize("url", READS)
def test_reads_are_public_by_default(anon, archive, url):
    assert anon.get(url).status_code == 200


@pytest.mark.parametrize("url", READS)
def test_private_reads_need_a_user_with_the_view_permission(
    anon, as_reader, as_editor, as_admin, django_user_model, archive, settings, url
):
    settings.API_PUBLIC_READS = False
    nobody = token_client(django_user_model.objects.create_user("nobody"))

    refused = anon.get(url)

    assert refused.status_code == 401
    assert refused.json()["detail"] == "Authentication credentials were not provided."
    assert refused["WWW-Authenticate"] == "Token"
    assert nobody.get(url).status_code == 403
    assert [c.get(url).status_code for c in (as_reader, as_editor, as_admin)] == [200] * 3


def test_anonymous_writes_are_401(anon, archive):
    for method, url, data in writes(archive):
        response = call(anon, method, url, data)
        assert response.status_code == 401, (method, url)
        assert response.json()["code"] == "not_authenticated"


def test_reader_writes_are_403_with_advice(as_reader, archive):
    for method, url, data in writes(archive):
        response = call(as_reader, method, url, data)
        assert response.status_code == 403, (method, url)
        assert "ask an administrator for the Editors group" in response.json()["detail"]


@pytest.mark.parametrize("who", ["as_editor", "as_admin"])
def test_editors_and_admins_may_write(request, archive, who):
    client = request.getfixturevalue(who)
    for method, url, data in writes(archive):
        response = call(client, method, url, data)
        assert response.status_code in (200, 201, 204), (method, url, response.json())


def test_ingest_needs_the_add_permission(anon, as_reader, as_editor, archive):
    def post(client):
        return client.post(
            "/api/ingest/", '{"title": "t", "body": "b"}\n', content_type="application/jsonl"
        )

    assert [post(c).status_code for c in (anon, as_reader, as_editor)] == [401, 403, 200]


def test_a_wrong_token_is_401(archive):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get("/api/articles/")

    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_session_users_may_write_with_a_csrf_token_only(editor, archive):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post("/api/outlets/", {"name": "AP"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_session_login_authenticates(editor, archive):
    client = APIClient()
    client.force_login(editor)

    assert client.post("/api/outlets/", {"name": "AP"}, format="json").status_code == 201


def test_anonymous_clients_are_throttled_with_a_message(anon, archive, settings):
    settings.API_ANON_RATE = "2/min"

    codes = [anon.get("/api/outlets/").status_code for _ in range(3)]
    response = anon.get("/api/outlets/")

    assert codes == [200, 200, 429]
    assert "throttled" in response.json()["detail"]


def test_signed_in_clients_are_not_throttled(as_reader, archive, settings):
    settings.API_ANON_RATE = "1/min"

    assert {as_reader.get("/api/outlets/").status_code for _ in range(3)} == {200}
