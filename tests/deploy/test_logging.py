import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from config.logging import JsonFormatter
from tests.conftest import ROOT


def _record(**extra) -> logging.LogRecord:
    record = logging.makeLogRecord(
        {"name": "archive.ingest", "levelname": "WARNING", "levelno": 30, "msg": "skipped %s"}
    )
    record.args = ("a.txt",)
    record.__dict__.update(extra)
    return record


def test_a_log_line_is_one_json_object_with_time_level_logger_and_message():
    line = JsonFormatter().format(_record())

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "archive.ingest"
    assert entry["message"] == "skipped a.txt"
    assert entry["time"].endswith("+00:00")


def test_extra_fields_are_kept_and_objects_become_text():
    entry = json.loads(JsonFormatter().format(_record(batch=7, request=object())))

    assert entry["batch"] == 7
    assert entry["request"].startswith("<object object")


def test_an_exception_is_logged_inside_the_json_object():
    try:
        raise ValueError("bad date")
    except ValueError:
        record = _record(exc_info=sys.exc_info())

    entry = json.loads(JsonFormatter().format(record))

    assert "ValueError: bad date" in entry["exception"]


def test_production_logs_json_lines_on_stdout(tmp_path):
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('archive').warning('disk nearly full')"
    )
    environ = os.environ | {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    environ.pop("LOG_FORMAT", None)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["message"] == "disk nearly full"
    assert "disk nearly full" not in done.stderr


def _production(tmp_path, **env) -> dict:
    environ = os.environ | {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **env,
    }
    environ.pop("LOG_FORMAT", None)
    environ.pop("DATABASE_URL", None)
    return environ


def _entries(output: str) -> list[dict]:
    """Each non-empty line of ``output`` as a JSON object (fails on a line that is not)."""
    entries = []
    for line in output.splitlines():
        if line.strip():
            try:
                entries.append(json.loads(line))
            except ValueError:
                raise AssertionError(f"not a JSON line: {line!r}\n{output}") from None
    return entries


def test_uncaught_exceptions_in_any_thread_are_json_with_the_traceback_inside(tmp_path):
    code = (
        "import django, threading; django.setup(); "
        "worker = threading.Thread(target=lambda: 1 / 0); worker.start(); worker.join(); "
        "raise ValueError('bad batch')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_production(tmp_path), capture_output=True,
        text=True,
    )  # fmt: skip

    assert done.returncode == 1
    entries = _entries(done.stdout) + _entries(done.stderr)
    exceptions = [e["exception"] for e in entries if "exception" in e]
    assert len(exceptions) == 2, entries
    assert "ZeroDivisionError: division by zero" in exceptions[0]
    assert "ValueError: bad batch" in exceptions[1]


def test_gunicorn_failing_to_boot_logs_only_json_lines(tmp_path):
    environ = _production(
        tmp_path, GUNICORN_BIND="127.0.0.1:0", GUNICORN_WORKERS="1", SEARCH_OUTBOX_INTERVAL="0"
    )
    environ.pop("SECRET_KEY")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--config", "docker/gunicorn.conf.py",
         "config.wsgi:application"],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=90,
    )  # fmt: skip

    assert done.returncode != 0
    entries = _entries(done.stdout) + _entries(done.stderr)
    assert any("SECRET_KEY must be set" in e.get("exception", "") for e in entries)
    assert "Reason: Worker failed to boot." in [e["message"] for e in entries]
