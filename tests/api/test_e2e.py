"""End to end on a real gunicorn: ingest with a token, search, filter, similar, export, delete."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.net import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

ARTICLES = [
    {
        "title": "Zanzibar clove harvest doubles",
        "body": "The Zanzibar clove harvest doubled this season, farmers on Pemba said, "
        "as rains returned and prices for cloves held firm.",
        "outlet": "Spice Wire",
        "published": "2021-03-04",
        "authors": ["Amina Said"],
        "tags": [{"name": "Zanzibar", "kind": "place"}, "Agriculture"],
    },
    {
        "title": "Clove exporters expect record year",
        "body": "Clove exporters in Zanzibar expect a record year after the harvest "
        "doubled, with buyers from India and Indonesia returning.",
        "outlet": "Spice Wire",
        "published": "2021-03-09",
    },
]


class Server:
    """A client for the running service; every answer is (status, parsed JSON or text)."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: bytes | None = None, content_type: str = ""):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Authorization", f"Token {self.token}")
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw, kind = (
                    response.status,
                    response.read(),
                    response.headers["Content-Type"],
                )
        except urllib.error.HTTPError as error:
            status, raw, kind = error.code, error.read(), error.headers["Content-Type"]
        text = raw.decode()
        return status, json.loads(text) if kind == "application/json" and text else text

    def search_until(self, path: str, predicate, timeout: float = 20.0):
        """The index is updated right after the commit; allow a busy machine some time."""
        deadline = time.monotonic() + timeout
        while True:
            status, data = self.call("GET", path)
            if (status == 200 and predicate(data)) or time.monotonic() > deadline:
                return status, data
            time.sleep(0.3)


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("e2e")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'archive.sqlite3'}",
        "SEARCH_INDEX_DIR": str(data_dir / "index"),
        "API_ANON_RATE": "",
        "PAGES_ANON_RATE": "",
        "EXPORT_ANON_RATE": "",
        "DJANGO_SUPERUSER_PASSWORD": "e2e-password-123",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    _manage(env, "migrate", "--noinput")
    _manage(env, "search_index", "rebuild")
    _manage(env, "createsuperuser", "--noinput", "--username", "e2e", "--email", "e2e@example.org")
    token = _manage(env, "api_token", "create", "e2e").strip()
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    client = Server(f"http://127.0.0.1:{port}", token)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if client.call("GET", "/api/outlets/")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the server did not start within 60 s"
            time.sleep(0.3)
        yield client
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_ingest_search_filter_similar_export_and_delete(server):
    body = "".join(json.dumps(a) + "\n" for a in ARTICLES).encode()

    status, report = server.call("POST", "/api/ingest/", body, "application/x-ndjson")
    assert status == 200, report
    assert (report["created"], report["failed"]) == (2, 0)

    status, found = server.search_until("/api/search/?q=clove", lambda d: d["count"] == 2)
    assert status == 200 and found["count"] == 2
    first = next(r for r in found["results"] if r["title"].startswith("Zanzibar"))
    assert first["outlet"] == {"name": "Spice Wire", "slug": "spice-wire"}
    assert {"slug": "zanzibar", "kind": "place", "name": "Zanzibar"} in first["tags"]

    status, filtered = server.call("GET", "/api/search/?q=clove&outlet=spice-wire&outlet=x")
    assert filtered["count"] == 2
    assert server.call("GET", "/api/search/?q=clove&outlet=elsewhere")[1]["count"] == 0

    status, similar = server.call("GET", f"/api/articles/{first['id']}/similar/")
    assert status == 200
    assert [r["title"] for r in similar["results"]] == ["Clove exporters expect record year"]

    status, exported = server.call("GET", "/api/export/?outlet=spice-wire")
    assert status == 200
    *rows, manifest = [json.loads(line) for line in exported.splitlines()]
    assert manifest["manifest"]["count"] == len(rows)
    assert {row["title"] for row in rows} == {a["title"] for a in ARTICLES}

    status, _ = server.call("DELETE", f"/api/articles/{first['id']}/")
    assert status == 204
    status, after = server.search_until("/api/search/?q=clove", lambda d: d["count"] == 1)
    assert [r["title"] for r in after["results"]] == ["Clove exporters expect record year"]
    assert server.call("GET", f"/api/articles/{first['id']}/")[0] == 404
