"""docker/healthcheck.py, the image's HEALTHCHECK (run for real in test_entrypoint.py)."""

import importlib.util

import pytest

from tests.conftest import ROOT


@pytest.fixture
def healthcheck():
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "docker/healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_asks_for_a_host_the_site_accepts(healthcheck, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "*, .example.org,archive.example.org")

    assert healthcheck.host_header() == "example.org"


def test_falls_back_to_localhost_when_any_host_is_allowed(healthcheck, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "*")

    assert healthcheck.host_header() == "localhost"


def test_checks_the_port_gunicorn_listens_on(healthcheck, monkeypatch):
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.setenv("PORT", "9000")
    assert healthcheck.health_url() == "http://127.0.0.1:9000/healthz"

    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:8123")
    assert healthcheck.health_url() == "http://127.0.0.1:8123/healthz"


def test_reports_unhealthy_when_nothing_listens(healthcheck, monkeypatch, capsys):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9")  # the discard port: nothing there

    assert healthcheck.main() == 1
    assert "unhealthy" in capsys.readouterr().err
