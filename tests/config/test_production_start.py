"""Production (DEBUG=0) refuses to start without SECRET_KEY: ``manage.py check`` and
gunicorn exit at once with a message that names the setting, and serve nothing."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

MESSAGE = "SECRET_KEY must be set when DEBUG is off."
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _environ(tmp_path, **env) -> dict:
    """The process environment without any key, in production mode, with its own data dir."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    return environ | {"DEBUG": "0", "DATA_DIR": str(tmp_path), "LOG_FORMAT": "plain"} | env


def _run(args, environ, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=timeout
    )


def _last_line(text: str) -> str:
    return [line for line in text.splitlines() if line.strip()][-1]


@pytest.mark.parametrize("key", [None, ""], ids=["unset", "empty"])
def test_manage_py_check_refuses_to_start_without_a_key(tmp_path, key):
    env = {} if key is None else {"SECRET_KEY": key}

    done = _run([sys.executable, "manage.py", "check"], _environ(tmp_path, **env))

    assert done.returncode != 0
    assert _last_line(done.stderr) == f"django.core.exceptions.ImproperlyConfigured: {MESSAGE}"
    assert not (tmp_path / "dev-secret-key").exists()  # no key was made up on the way


def test_an_empty_key_file_is_refused_too(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("\n")

    done = _run(
        [sys.executable, "manage.py", "check"], _environ(tmp_path, SECRET_KEY_FILE=str(key_file))
    )

    assert done.returncode != 0
    assert MESSAGE in done.stderr


def test_manage_py_check_passes_with_a_key(tmp_path):
    done = _run([sys.executable, "manage.py", "check"], _environ(tmp_path, SECRET_KEY="k" * 60))

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_gunicorn_fails_fast_with_a_clear_message(tmp_path):
    """The image's command: the worker cannot load config.wsgi, so gunicorn stops."""
    environ = _environ(
        tmp_path, GUNICORN_BIND="127.0.0.1:0", GUNICORN_WORKERS="1", SEARCH_OUTBOX_INTERVAL="0"
    )
    started = time.monotonic()

    done = _run(
        [str(GUNICORN), "--config", "docker/gunicorn.conf.py", "config.wsgi:application"],
        environ,
        timeout=90,
    )

    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert MESSAGE in output
    assert "Worker failed to boot" in output or "App failed to load" in output
    assert time.monotonic() - started < 60
