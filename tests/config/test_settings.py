import os
import subprocess
import sys

import pytest

from config.env import env_bool
from tests.conftest import ROOT
from tests.processes import manage


def _settings_value(expression: str, **env) -> str:
    """Evaluate ``expression`` against freshly loaded settings in a new process."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
        f"from django.conf import settings as s; print({expression})"
    )
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_default_database_is_sqlite_under_var():
    assert _settings_value("s.DATABASES['default']['ENGINE']") == "django.db.backends.sqlite3"
    assert _settings_value("s.DATABASES['default']['NAME']").endswith("var/archive.sqlite3")


def test_a_new_data_dir_holds_the_sqlite_database(tmp_path):
    """With a key of its own (so no development key is written there first), a DATA_DIR
    not made yet still takes the default SQLite database: migrating works instead of
    failing with "unable to open database file"."""
    data = tmp_path / "new" / "data"
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    environ |= {"DEBUG": "0", "SECRET_KEY": "k" * 60, "DATA_DIR": str(data)}
    done = manage(environ, "migrate", "--noinput", check=False, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (data / "archive.sqlite3").stat().st_size > 0


def test_database_url_switches_to_postgresql():
    url = "postgres://someone@db.example:5433/news"
    engine = _settings_value("s.DATABASES['default']['ENGINE']", DATABASE_URL=url)
    assert engine == "django.db.backends.postgresql"
    assert _settings_value("s.DATABASES['default']['NAME']", DATABASE_URL=url) == "news"
    assert _settings_value("s.DATABASES['default']['PORT']", DATABASE_URL=url) == "5433"


def test_search_index_dir_comes_from_the_environment(tmp_path):
    value = _settings_value("s.SEARCH_INDEX_DIR", SEARCH_INDEX_DIR=str(tmp_path / "idx"))
    assert value == str(tmp_path / "idx")


def test_production_refuses_to_start_without_secret_key():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()"
    )
    environ = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"DEBUG": "0"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def test_secret_key_may_come_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("from-a-file-secret\n")
    value = _settings_value("s.SECRET_KEY", SECRET_KEY_FILE=str(key_file), DEBUG="0")
    assert value == "from-a-file-secret"


@pytest.mark.parametrize(
    "raw,expected", [("1", True), ("true", True), ("off", False), ("0", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_env_bool_rejects_a_typo(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ValueError, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)


@pytest.mark.parametrize("name", ["PAGES_ANON_RATE", "API_ANON_RATE", "EXPORT_ANON_RATE"])
def test_a_rate_of_zero_is_refused_at_start_not_a_500_on_every_request(name):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()"
    )
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {name: "0/min"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert f"{name}: use N/sec" in done.stderr


def test_each_replica_url_becomes_an_alias_mirroring_the_primary_in_tests():
    urls = "postgres://reader@standby-a:5432/news, postgres://reader@standby-b:5432/news"
    env = {"DATABASE_URL": "postgres://someone@primary:5432/news", "DATABASE_REPLICA_URLS": urls}

    aliases = _settings_value("sorted(s.DATABASES)", **env)
    hosts = _settings_value("[s.DATABASES[a]['HOST'] for a in ('replica1', 'replica2')]", **env)
    mirror = _settings_value("s.DATABASES['replica2']['TEST']['MIRROR']", **env)

    assert aliases == "['default', 'replica1', 'replica2']"
    assert hosts == "['standby-a', 'standby-b']"
    assert mirror == "default"


def test_replicas_without_a_postgresql_primary_are_refused():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()"
    )
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ["DATABASE_REPLICA_URLS"] = "postgres://reader@standby:5432/news"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )

    assert done.returncode != 0
    assert "DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL" in done.stderr


def test_replica_lag_must_be_a_number():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()"
    )
    environ = dict(os.environ, REPLICA_MAX_LAG_SECONDS="five")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )

    assert done.returncode != 0
    assert "REPLICA_MAX_LAG_SECONDS='five' is not a number" in done.stderr
