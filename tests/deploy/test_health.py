import shutil

import pytest
from django.db import OperationalError

from config import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_database_and_index_are_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "index": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "error: OperationalError", "index": "ok"}


def test_healthz_answers_503_without_a_traceback_when_the_index_fails(client, monkeypatch):
    import search.service

    class BrokenBackend:
        def stats(self):
            raise RuntimeError("segment file truncated /secret/path")

    monkeypatch.setattr(search.service, "get_backend", BrokenBackend)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "index": "error: RuntimeError"}
    assert b"Traceback" not in response.content
    assert b"/secret/path" not in response.content


def test_healthz_answers_503_when_the_index_is_missing(client, settings):
    from search.service import reset_backends

    shutil.rmtree(settings.SEARCH_INDEX_DIR)
    reset_backends()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["index"].startswith("error: no index")


def test_healthz_is_not_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/admin/login/").status_code == 301


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
