"""The site as real processes for a test: its environment, `manage.py` and a task worker."""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def site_env(database: str, folder: Path, **overrides: str) -> dict[str, str]:
    """This process's environment for a site on ``database`` with its data in ``folder``:
    tasks queued in the database for a worker, no background retry of the index."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database,
        "DATA_DIR": str(folder),
        "TASKS_BACKEND": "database",
        "SEARCH_BACKEND": "whoosh",
        "SEARCH_OUTBOX_INTERVAL": "0",
        "LOG_LEVEL": "WARNING",
    }
    return env | overrides


def manage(env, *args, check=True, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=check,
    )  # fmt: skip


def worker(env, **output) -> subprocess.Popen:
    """``manage.py db_worker`` polling every 0.2 s; ``output``: Popen's stdout/stderr."""
    output = output or {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-reload",
         "--no-startup-delay"],
        cwd=ROOT, env=env, **output,
    )  # fmt: skip
