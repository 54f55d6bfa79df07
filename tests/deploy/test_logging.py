import json
import logging
import os
import subprocess
import sys

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
