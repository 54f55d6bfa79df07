"""Who may do what: anonymous, reader, editor and admin; 401 and 403 told apart."""

import pytest
from rest_framework.test import APIClient

from archive.models import Article
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


# The whole matrix: every write endpoint and method, for each role, by token and by session.

ROLES = {"anonymous": None, "reader": "reader", "editor": "editor", "superuser": "admin"}
EXPECTED = {"anonymous": 401, "reader": 403, "editor": "ok", "superuser": "ok"}


def _spares():
    """Objects no article uses, so that deleting them succeeds."""
    from tests.factories import make_author, make_outlet, make_tag

    return {"outlet": make_outlet("Spare outlet"), "author": make_author(), "tag": make_tag()}


def every_write(archive, spares) -> list[tuple[str, str, dict]]:
    article = archive["kim"]
    full = {
        "article": {"title": "Put", "body": "A whole new body for the article."},
        "outlet": {"name": "Renamed outlet"},
        "author": {"name": "Renamed author"},
        "tag": {"name": "Renamed tag", "kind": "topic"},
    }
    new = {
        "article": {"title": "New", "body": "A brand new article body."},
        "outlet": {"name": "AP"},
        "author": {"name": "Ann Lee"},
        "tag": {"name": "Rice"},
    }
    calls = []
    for name in ("article", "outlet", "author", "tag"):
        target = article if name == "article" else spares[name]
        one = f"/api/{name}s/{target.pk}/"
        calls += [
            ("post", f"/api/{name}s/", new[name]),
            ("put", one, full[name]),
            ("patch", one, {"title" if name == "article" else "name": "Patched"}),
            ("delete", one, {}),
        ]
    return calls


WRITE_IDS = [
    f"{method}-{name}{'s' if method == 'post' else 's/<id>'}"
    for name in ("article", "outlet", "author", "tag")
    for method in ("post", "put", "patch", "delete")
]


def _client(request, role: str, auth: str) -> APIClient:
    fixture = ROLES[role]
    if fixture is None:
        return APIClient(enforce_csrf_checks=True)
    user = request.getfixturevalue(fixture)
    if auth == "token":
        return token_client(user)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _with_csrf(client: APIClient) -> dict:
    """The CSRF cookie a page would have set, and the header a browser script sends back."""
    secret = "s3cr3t" * 5 + "ab"  # 32 characters, as Django's own secrets
    client.cookies["csrftoken"] = secret
    return {"HTTP_X_CSRFTOKEN": secret}


# An anonymous client has no session: it is tried once, without credentials.
WHO = [("anonymous", "none")] + [(r, a) for r in list(ROLES)[1:] for a in ("token", "session")]


@pytest.mark.parametrize(("role", "auth"), WHO, ids=[f"{r}-{a}" for r, a in WHO])
@pytest.mark.parametrize("index", range(len(WRITE_IDS)), ids=WRITE_IDS)
def test_write_permission_matrix(request, archive, role, auth, index):
    method, url, data = every_write(archive, _spares())[index]
    client = _client(request, role, auth)
    extra = _with_csrf(client) if auth == "session" else {}

    response = getattr(client, method)(url, data, format="json", **extra)

    expected = EXPECTED[role]
    if expected == "ok":
        assert response.status_code in (200, 201, 204), response.content
    else:
        assert response.status_code == expected, response.content


@pytest.mark.parametrize(("role", "auth"), WHO, ids=[f"{r}-{a}" for r, a in WHO])
def test_ingest_permission_matrix(request, archive, role, auth):
    client = _client(request, role, auth)
    extra = _with_csrf(client) if auth == "session" else {}

    response = client.post(
        "/api/ingest/",
        '{"title": "Ingested", "body": "An ingested body."}\n',
        content_type="application/jsonl",
        **extra,
    )

    expected = EXPECTED[role]
    assert response.status_code == (200 if expected == "ok" else expected)
    assert Article.objects.filter(title="Ingested").exists() == (expected == "ok")


@pytest.mark.parametrize("index", range(len(WRITE_IDS)), ids=WRITE_IDS)
def test_session_writes_without_the_csrf_token_are_refused(request, archive, index):
    method, url, data = every_write(archive, _spares())[index]
    client = _client(request, "superuser", "session")
    before = _state()

    response = getattr(client, method)(url, data, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert _state() == before


def test_session_ingest_without_the_csrf_token_is_refused(request, archive):
    client = _client(request, "editor", "session")

    response = client.post(
        "/api/ingest/", '{"title": "t", "body": "b"}\n', content_type="application/jsonl"
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_token_writes_need_no_csrf_token(as_editor, archive):
    as_editor.handler.enforce_csrf_checks = True

    response = as_editor.post("/api/outlets/", {"name": "AP"}, format="json")

    assert response.status_code == 201


def _state() -> list:
    """Every id of every resource, and every article's title."""
    from archive.models import Author, Outlet, Tag

    ids = [sorted(m.objects.values_list("pk", flat=True)) for m in (Article, Outlet, Author, Tag)]
    return [*ids, list(Article.objects.order_by("pk").values_list("title", flat=True))]
