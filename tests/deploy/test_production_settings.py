import os
import subprocess
import sys

from tests.conftest import ROOT


def _production_value(expression: str, tmp_path, **env) -> str:
    """Evaluate ``expression`` against settings loaded with DEBUG off, in a new process."""
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
        f"from django.conf import settings as s; print({expression})"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "PROXY_"))}
    environ |= {"DEBUG": "0", "SECRET_KEY": "k" * 60, "DATA_DIR": str(tmp_path)} | env
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_production_trusts_the_proxys_forwarded_proto_header(tmp_path):
    value = _production_value("s.SECURE_PROXY_SSL_HEADER", tmp_path)

    assert value == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_another_proxy_header_can_be_named_or_none_trusted(tmp_path):
    named = _production_value("s.SECURE_PROXY_SSL_HEADER", tmp_path, PROXY_SSL_HEADER="X-Scheme")
    none = _production_value(
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None)", tmp_path, PROXY_SSL_HEADER=""
    )

    assert named == "('HTTP_X_SCHEME', 'https')"
    assert none == "None"


def test_each_https_switch_can_be_turned_off_for_a_plain_http_trial(tmp_path):
    expression = (
        "(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS)"
    )
    secure = _production_value(expression, tmp_path)
    plain = _production_value(
        expression,
        tmp_path,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
    )

    assert secure == "(True, True, True, 31536000)"
    assert plain == "(False, False, False, 0)"


def test_a_misspelt_log_format_stops_the_start(tmp_path):
    code = "import django; django.setup()"
    environ = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 60,
        "LOG_FORMAT": "jsno",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )

    assert done.returncode != 0
    assert "LOG_FORMAT='jsno'" in done.stderr
