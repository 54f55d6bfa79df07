"""A database error in a page or an API call is a 503 that says so (the end-to-end
proof with a real PostgreSQL going away is tests/reliability/test_faults.py)."""

import pytest
from django.db import InterfaceError, OperationalError

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[OperationalError, InterfaceError])
def database_down(request, monkeypatch):
    import archive.views

    def refuse(*args, **kwargs):
        raise request.param("server closed the connection unexpectedly")

    monkeypatch.setattr(archive.views, "get_object_or_404", refuse)
    monkeypatch.setattr("archive.api.views.search_service.search", refuse)
    return request.param


def test_a_page_answers_503_with_a_page_that_says_so(client, database_down, admin_user):
    client.force_login(admin_user)  # the error page must not ask for the session's user
    response = client.get("/articles/1/some-title/")
    assert response.status_code == 503
    assert response["Retry-After"]
    text = response.content.decode()
    assert "database cannot be reached" in text
    assert "Traceback" not in text and "OperationalError" not in text


def test_the_api_answers_a_json_503(client, database_down):
    make_article("Harbour strike")
    response = client.get("/api/search/", {"q": "harbour"})
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json() == {
        "detail": "The archive's database cannot be reached right now. "
        "Please try again in a minute.",
        "code": "database_unavailable",
    }


def test_other_errors_stay_500s(client, monkeypatch):
    import archive.views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(archive.views, "get_object_or_404", broken)
    client.raise_request_exception = False
    assert client.get("/articles/1/some-title/").status_code == 500
