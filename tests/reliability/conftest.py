"""Fixtures for the reliability tests: collected static files and gunicorn services."""

import os
import subprocess
import sys

import pytest

from tests.reliability.service import ROOT, Service
from tests.search.test_concurrency_support import archive, make_archive  # noqa: F401


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """The static files a DEBUG-off server needs for its HTML pages, collected once."""
    root = tmp_path_factory.mktemp("static")
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "reliability-tests"}
    env.update(STATIC_ROOT=str(root), DATA_DIR=str(root))
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def serve(static_root, tmp_path):
    """serve(archive, token=..., **env) -> a started Service, stopped after the test."""
    started: list[Service] = []

    def start(archive, *, token: str = "", **env: str) -> Service:  # noqa: F811
        service = Service(
            # The background retry every second (the default is 5 s): quicker tests.
            {**archive.env, "STATIC_ROOT": str(static_root), "SEARCH_OUTBOX_INTERVAL": "1", **env},
            tmp_path / f"gunicorn-{len(started)}.log",
            token=token,
        )
        started.append(service)
        return service.start()

    yield start
    for service in started:
        service.stop()
