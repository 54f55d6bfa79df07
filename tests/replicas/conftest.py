"""A real streaming pair (tests/replicas/cluster.py), the archive migrated on its primary,
and gunicorn serving it with the standby as its read replica."""

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.reliability.service import Service
from tests.replicas import cluster as pg
from tests.search.test_concurrency_support import Archive

DATABASE = "archive"
# Short enough to wait out in a test, long enough for a write and a read on a busy machine.
MAX_LAG = 6


@pytest.fixture(scope="session")
def pair():
    reason = pg.skip_reason()
    if reason:
        pytest.skip(reason)
    cluster = pg.Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def base_env(tmp, primary_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": primary_url,
        "DATA_DIR": str(tmp),
        "SEARCH_INDEX_DIR": str(tmp / "index"),
        "SEARCH_BACKEND": "postgres",
        "SEARCH_OUTBOX_INTERVAL": "1",
        "TASKS_BACKEND": "immediate",
        "SECRET_KEY": "replica-tests",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def migrated(env: dict) -> str:
    """Migrate the database of ``env`` and return an editor's API token."""
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return Archive(env).run("token", "editor").strip().splitlines()[-1]


@pytest.fixture(scope="session")
def replicated(pair, tmp_path_factory):
    """(env, token): the archive on the primary, replayed on the standby."""
    pair.primary.execute(f"CREATE DATABASE {DATABASE}")
    env = base_env(
        tmp_path_factory.mktemp("replicated"),
        pair.primary.url(DATABASE),
        DATABASE_REPLICA_URLS=pair.standby.url(DATABASE),
        REPLICA_MAX_LAG_SECONDS=str(MAX_LAG),
        REPLICA_CHECK_SECONDS="0.2",
        REPLICA_STICKY_SECONDS="60",
    )
    token = migrated(env)
    pair.wait_replayed()
    # The static files a DEBUG-off server's HTML pages name.
    env["STATIC_ROOT"] = str(tmp_path_factory.mktemp("static"))
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env={**env, "DEBUG": "0"}, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return env, token


@pytest.fixture(scope="module")
def server(replicated, tmp_path_factory):
    env, token = replicated
    service = Service(env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log", token=token)
    try:
        yield service.start()
    finally:
        service.stop()


def wait_until(predicate, *, timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.1)
