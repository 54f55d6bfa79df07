"""``manage.py check --deploy`` in the production configuration, as a fresh process."""

import os
import re
import secrets
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.deploy.files import compose_environment

# Left on purpose, and explained in README.md ("Production settings"): both reach beyond
# this site (every subdomain; the browsers' preload list) so they are the operator's call.
JUSTIFIED = {"security.W005", "security.W021"}
# What the plain-HTTP trial stack of docker-compose.yml turns off, also in the README.
PLAIN_HTTP_ONLY = {"security.W004", "security.W008", "security.W012", "security.W016"}

_OURS = (
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATA_DIR",
    "PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


def _deploy_warnings(tmp_path, **env) -> set[str]:
    environ = {k: v for k, v in os.environ.items() if k not in _OURS}
    environ |= {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "archive.example.org",
        "DATA_DIR": str(tmp_path),
    } | env
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(re.findall(r"\(([\w.]+\.[WE]\d+)\)", done.stdout + done.stderr))


@pytest.mark.slow
def test_production_configuration_leaves_only_the_justified_warnings(tmp_path):
    assert _deploy_warnings(tmp_path) == JUSTIFIED


@pytest.mark.slow
def test_plain_http_trial_stack_differs_only_by_the_documented_switches(tmp_path):
    environment = compose_environment("web")
    switches = {
        k: v for k, v in environment.items() if k.startswith(("SECURE_", "SESSION_", "CSRF_C"))
    }

    # Without HSTS the two HSTS refinements (W005, W021) do not apply either.
    assert _deploy_warnings(tmp_path, **switches) == PLAIN_HTTP_ONLY


def test_readme_explains_every_warning_that_remains():
    readme = (ROOT / "README.md").read_text()

    for warning in sorted(JUSTIFIED | PLAIN_HTTP_ONLY):
        assert warning in readme, f"README.md does not explain {warning}"
