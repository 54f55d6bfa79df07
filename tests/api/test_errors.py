"""Every error under /api/ is JSON with a message; never an HTML page."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_is_a_json_404(anon):
    response = anon.get("/api/nothing-here/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "No API endpoint at /api/nothing-here/" in response.json()["detail"]


def test_a_missing_trailing_slash_is_pointed_out(anon):
    response = anon.post("/api/ingest", "{}", content_type="application/json")

    assert response.status_code == 404
    assert "did you mean /api/ingest/ ?" in response.json()["detail"]


def test_a_non_numeric_id_is_a_json_404(anon):
    assert anon.get("/api/articles/abc/").json()["code"] == "not_found"


@pytest.mark.parametrize("path", ["/api/authors/5%0Ax/", "/api/%0A", "/api/tags/%0D%0A1/"])
def test_a_path_with_a_line_break_is_a_json_404_too(anon, path):
    response = anon.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_wrong_method_is_a_405_in_json(as_editor):
    response = as_editor.put("/api/search/", {}, format="json")

    assert response.status_code == 405
    assert response.json()["detail"] == 'Method "PUT" not allowed.'


def test_an_unexpected_failure_is_a_json_500_and_logged(anon, monkeypatch, caplog):
    from archive.api import views

    def boom(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(views, "article_list", boom)

    response = anon.get("/api/articles/")

    assert response.status_code == 500
    assert response.json() == {
        "detail": "Internal error; it has been logged.",
        "code": "server_error",
    }
    assert "unhandled error" in caplog.text


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "DELETE", "TRACE"])
@pytest.mark.parametrize("path", ["/api/docs/", "/api/schema/"])
def test_the_docs_and_the_schema_answer_another_method_in_json(anon, path, method):
    response = anon.generic(method, path)

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == f'Method "{method}" not allowed.'


def test_the_docs_page_asked_for_json_says_what_it_serves_in_json(anon):
    response = anon.get("/api/docs/", HTTP_ACCEPT="application/json")

    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert "Accept" in response.json()["detail"]


def test_a_host_this_site_is_not_is_a_json_400_and_a_warning_not_an_error(anon, caplog):
    """Scanners send any Host: a one-line warning each, not an error with a traceback."""
    response = anon.get("/api/search/?q=oil", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "bad_request"
    [logged] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert (logged.levelname, logged.exc_info) == ("WARNING", None)
    assert "evil.example" in logged.getMessage()


@pytest.mark.parametrize("path", ["/api/articles/", "/api"])
def test_a_failure_outside_the_api_views_is_json_under_api_too(rf, path):
    from config.errors import server_error

    response = server_error(rf.get(path))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "server_error"


@pytest.mark.parametrize("path", ["/", "/apis/", "/articles/1/"])
def test_a_failure_of_a_page_is_the_sites_error_page(rf, path):
    from config.errors import server_error

    response = server_error(rf.get(path))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
