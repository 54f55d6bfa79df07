"""The container's start, run natively: docker/entrypoint.sh, then the image's gunicorn
command, against a fresh PostgreSQL database and with docker-compose.yml's environment.
There is no Docker engine here, so this is as close to ``docker compose up`` as it gets.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.deploy.files import (
    IMAGE_ROOT,
    compose_environment,
    dockerfile_exec_form,
    native_command,
)
from tests.net import free_port
from tests.postgres import fresh_database

pytestmark = pytest.mark.slow

START_TIMEOUT = 45.0

SNAPSHOT = """
import json, django
django.setup()
from archive.models import Article
from search.service import get_backend, search
from search.types import SearchRequest
result = search(SearchRequest(q="Pyongyang", facets=()))
print(json.dumps({
    "articles": sorted(Article.objects.values_list("id", "content_hash")),
    "indexed": get_backend().stats().get("documents"),
    "pyongyang": sorted(hit.id for hit in result.hits),
}))
"""


@pytest.fixture
def database_url():
    with fresh_database("deploy") as url:
        yield url


@pytest.fixture
def stack_env(database_url, tmp_path) -> dict[str, str]:
    """docker-compose.yml's web environment, as a fresh clone gets it, pointed at here."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "DJANGO_"))}
    return (
        environ
        | compose_environment("web")
        | {
            "DATABASE_URL": database_url,
            "DATA_DIR": str(tmp_path / "data"),
            "SEARCH_INDEX_DIR": str(tmp_path / "data" / "index"),
            "STATIC_ROOT": str(tmp_path / "static"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "1",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )


def _base_url(env) -> str:
    return "http://" + env["GUNICORN_BIND"]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Stack:
    """One start of the container: entrypoint, then gunicorn; stopped with SIGTERM."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log = env, log

    def __enter__(self):
        self.output = self.log.open("ab")
        self.process = subprocess.Popen(
            native_command(),
            cwd=ROOT,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.health = self._wait_until_healthy()
        except BaseException:
            self.__exit__(None, None, None)  # a start that failed must not leave gunicorn behind
            raise
        return self

    def _wait_until_healthy(self) -> dict:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the stack exited:\n{self.tail()}"
            try:
                status, body = _get(_base_url(self.env) + "/healthz")
            except OSError:
                status = None
            if status == 200:
                return json.loads(body)
            time.sleep(0.3)
        raise AssertionError(f"/healthz did not answer 200 in {START_TIMEOUT} s:\n{self.tail()}")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.output.close()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _collectstatic(env) -> None:
    """What the image build does (Dockerfile RUN ... collectstatic)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env | {"SECRET_KEY": "collectstatic-build-step-only"},
        check=True,
        timeout=120,
    )


def _snapshot(env) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SNAPSHOT],
        cwd=ROOT,
        env=env | {"SECRET_KEY_FILE": str(Path(env["DATA_DIR"]) / "secret-key")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _image_healthcheck(env) -> int:
    """The Dockerfile's HEALTHCHECK command, run here: its exit status."""
    command = [w.replace(IMAGE_ROOT, f"{ROOT}/") for w in dockerfile_exec_form("HEALTHCHECK")]
    return subprocess.run(command, cwd=ROOT, env=env, timeout=30).returncode


def _searches_over_http(env) -> dict[str, bool]:
    """For each search endpoint this version has: does it find the seeds on Pyongyang?"""
    found = {}
    for path in ("/api/search/?q=Pyongyang", "/?q=Pyongyang"):
        status, body = _get(_base_url(env) + path)
        if status != 404:
            found[path] = status == 200 and b"pyongyang" in body.lower()
    return found


def test_fresh_database_comes_up_seeded_indexed_and_healthy_and_a_restart_changes_nothing(
    stack_env, tmp_path
):
    log = tmp_path / "stack.log"
    _collectstatic(stack_env)

    with Stack(stack_env, log) as first:
        assert first.health == {"database": "ok", "index": "ok"}
        searches = _searches_over_http(stack_env)
        assert searches and all(searches.values()), searches
        assert _get(_base_url(stack_env) + "/admin/login/")[0] == 200
        status, stylesheet = _get(_base_url(stack_env) + "/static/admin/css/base.css")
        assert status == 200 and b"body" in stylesheet
        assert _image_healthcheck(stack_env) == 0
    before = _snapshot(stack_env)

    assert len(before["articles"]) == 5
    assert before["indexed"] == 5
    assert before["pyongyang"], "a search for Pyongyang found none of the seeds"
    assert "generating one" in log.read_text()
    assert '"logger": "gunicorn.access"' in log.read_text()  # JSON lines in production
    key = (Path(stack_env["DATA_DIR"]) / "secret-key").read_text()

    with Stack(stack_env, log) as second:
        assert second.health == {"database": "ok", "index": "ok"}
    after = _snapshot(stack_env)

    assert after == before
    assert (Path(stack_env["DATA_DIR"]) / "secret-key").read_text() == key
    assert "holds 5 articles; seeds not loaded" in log.read_text()
