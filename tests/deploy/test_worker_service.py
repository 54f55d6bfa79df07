"""The task worker beside the web server: compose's ``worker`` service and ``make run``.

``make run`` is run for real (without its ``setup`` step, on a migrated database of its
own): both processes start, and one Ctrl-C (SIGINT to the process group) stops both.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT
from tests.deploy.files import compose_config, compose_environment
from tests.net import free_port


def test_compose_runs_a_worker_from_the_web_image_after_web_is_healthy():
    compose = compose_config()
    worker, web = compose["services"]["worker"], compose["services"]["web"]

    assert worker["image"] == web["image"]
    assert worker["depends_on"] == {"web": {"condition": "service_healthy"}}
    assert worker["command"][:3] == ["python", "manage.py", "db_worker"]
    assert "--no-reload" in worker["command"]
    assert worker["volumes"] == web["volumes"]  # the same index (Whoosh) and secret key


def test_the_worker_shares_the_webs_database_and_data():
    worker, web = compose_environment("worker"), compose_environment("web")

    for name in ("DATABASE_URL", "DATA_DIR", "SEARCH_INDEX_DIR", "DEBUG"):
        assert worker[name] == web[name], name
    assert worker["SKIP_PREPARE"] == "1"  # migrations and seeds are the web service's


def test_the_worker_health_check_is_the_queue_check():
    health = compose_config()["services"]["worker"]["healthcheck"]

    assert health["test"] == ["CMD", "python", "manage.py", "worker_check"]


@pytest.mark.slow
def test_make_run_starts_a_worker_beside_the_web_server_and_ctrl_c_stops_both(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env |= {"DATA_DIR": str(tmp_path), "SEARCH_OUTBOX_INTERVAL": "0"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120
    )
    port = free_port()
    venv = os.path.dirname(os.path.dirname(sys.executable))
    make = subprocess.Popen(
        ["make", "-o", "setup", "run", f"VENV={venv}", f"PORT={port}"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        commands = _group_commands(make.pid)
        assert any("runserver" in c for c in commands), commands
        assert any("db_worker" in c for c in commands), commands

        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in the terminal does

        make.wait(timeout=30)
        deadline = time.monotonic() + 10
        while _group_commands(make.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _group_commands(make.pid) == []
    finally:
        if make.poll() is None or _group_commands(make.pid):
            os.killpg(make.pid, signal.SIGKILL)


def _group_commands(pgid: int) -> list[str]:
    """The live processes of a process group (zombies left out)."""
    found = subprocess.run(
        ["ps", "-o", "stat=,args=", "-g", str(pgid)], capture_output=True, text=True
    ).stdout
    return [
        line for line in found.splitlines() if line.strip() and not line.lstrip().startswith("Z")
    ]
