import json
import re
from pathlib import PurePosixPath

import jsonschema
import pytest

from tests.conftest import ROOT
from tests.deploy.files import (
    compose_config,
    compose_environment,
    dockerfile_exec_form,
    dockerfile_instructions,
    interpolate,
)


def _compose_schema() -> dict:
    """The Compose specification's JSON schema, as packaged by check-jsonschema (dev extra)."""
    from importlib.resources import files

    schema = files("check_jsonschema") / "builtin_schemas" / "vendor" / "compose-spec.json"
    return json.loads(schema.read_text())


SCHEMA = _compose_schema()


@pytest.fixture
def compose() -> dict:
    return compose_config()


def _volume_mounts(service: dict) -> dict[str, str]:
    """Named volume -> mount path, from the short ``name:/path`` syntax."""
    mounts = {}
    for entry in service.get("volumes", []):
        source, target = entry.split(":")[:2]
        mounts[source] = target
    return mounts


def test_compose_file_follows_the_compose_specification(compose):
    jsonschema.validate(compose, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_schema_check_would_catch_a_misspelt_key(compose):
    compose["services"]["web"]["depends_om"] = compose["services"]["web"].pop("depends_on")

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(compose, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_stack_is_a_database_a_web_service_and_a_worker(compose):
    always = {name for name, service in compose["services"].items() if "profiles" not in service}
    assert always == {"db", "web", "worker"}


def test_replica_profile_adds_a_streaming_copy_of_db_on_its_own_volume(compose):
    replica, db = compose["services"]["db-replica"], compose["services"]["db"]

    assert replica["profiles"] == ["replica"]
    assert replica["image"] == db["image"]
    assert replica["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert _volume_mounts(replica)["pgreplica"] == "/var/lib/postgresql/data"
    assert "pgreplica" in compose["volumes"]
    # Its start script (tests/replicas/test_compose_replica.py runs it) and db's init script.
    assert _volume_mounts(replica)["./docker/replica-start.sh"] == replica["entrypoint"][0]
    assert _volume_mounts(db)["./docker/db-init"] == "/docker-entrypoint-initdb.d"
    assert "pg_isready" in " ".join(replica["healthcheck"]["test"])


def test_replication_credentials_are_the_same_on_both_sides(compose):
    variables = {"POSTGRES_REPLICATION_USER": "copier", "POSTGRES_REPLICATION_PASSWORD": "pw"}
    db = compose_environment("db", variables)
    replica = compose_environment("db-replica", variables)

    for name in variables:
        assert db[name] == replica[name] == variables[name]
    assert replica["PRIMARY_HOST"] == "db"


def test_the_replication_password_has_no_default(compose):
    # Without one in .env, db makes no replication role and db-replica refuses to start
    # (their scripts say why: tests/replicas/test_compose_replica.py); the stack without
    # the profile starts as before (compose reads every service, in a profile or not).
    for service in ("db", "db-replica"):
        assert compose_environment(service)["POSTGRES_REPLICATION_PASSWORD"] == ""
    assert "# POSTGRES_REPLICATION_PASSWORD=\n" in (ROOT / ".env.example").read_text()


def test_web_and_worker_read_from_the_replica_only_when_env_names_it(compose):
    url = "postgres://archive:archive@db-replica:5432/archive"

    for service in ("web", "worker"):
        assert compose_environment(service)["DATABASE_REPLICA_URLS"] == ""
        named = compose_environment(service, {"DATABASE_REPLICA_URLS": url})
        assert named["DATABASE_REPLICA_URLS"] == url
    example = (ROOT / ".env.example").read_text()
    assert "# COMPOSE_PROFILES=replica" in example
    assert f"# DATABASE_REPLICA_URLS={url}" in example


def test_database_is_official_postgresql_on_a_named_volume_with_a_healthcheck(compose):
    db = compose["services"]["db"]

    assert re.fullmatch(r"postgres:1[56](\.\d+)?", db["image"])
    assert _volume_mounts(db) == {
        "pgdata": "/var/lib/postgresql/data",
        "./docker/db-init": "/docker-entrypoint-initdb.d",  # the replication role
    }
    assert "pgdata" in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_web_waits_for_a_healthy_database(compose):
    web = compose["services"]["web"]

    assert web["build"] == "."
    assert web["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_web_publishes_port_8000(compose):
    ports = compose["services"]["web"]["ports"]

    assert interpolate(ports) == ["8000:8000"]
    assert interpolate(ports, {"WEB_PORT": "8080"}) == ["8080:8000"]


def test_web_keeps_the_index_on_a_named_volume(compose):
    web = compose["services"]["web"]
    environment = compose_environment("web")
    mounts = _volume_mounts(web)

    index_dir = PurePosixPath(environment["SEARCH_INDEX_DIR"])
    volume = next(name for name, target in mounts.items() if index_dir.is_relative_to(target))
    assert volume in compose["volumes"]
    assert PurePosixPath(environment["DATA_DIR"]).is_relative_to(mounts[volume])


def test_web_runs_in_production_mode_against_the_db_service(compose):
    environment = compose_environment("web")

    assert environment["DEBUG"] == "0"
    assert environment["DATABASE_URL"] == "postgres://archive:archive@db:5432/archive"
    assert {"SECRET_KEY", "ALLOWED_HOSTS"} <= set(environment)
    assert "localhost" in environment["ALLOWED_HOSTS"].split(",")


def test_database_url_follows_the_postgres_credentials_from_env(compose):
    variables = {"POSTGRES_USER": "news", "POSTGRES_PASSWORD": "s3cret", "POSTGRES_DB": "arch"}

    url = compose_environment("web", variables)["DATABASE_URL"]
    db = compose_environment("db", variables)

    assert url == "postgres://news:s3cret@db:5432/arch"
    assert (db["POSTGRES_USER"], db["POSTGRES_PASSWORD"], db["POSTGRES_DB"]) == (
        "news",
        "s3cret",
        "arch",
    )


def test_local_stack_serves_plain_http_until_told_otherwise(compose):
    environment = compose_environment("web")
    behind_tls = compose_environment("web", {"SECURE_SSL_REDIRECT": "1"})

    assert environment["SECURE_SSL_REDIRECT"] == "0"
    assert environment["SESSION_COOKIE_SECURE"] == "0"
    assert behind_tls["SECURE_SSL_REDIRECT"] == "1"


def test_web_healthcheck_is_the_images_healthcheck(compose):
    assert compose["services"]["web"]["healthcheck"]["test"] == [
        "CMD",
        *dockerfile_exec_form("HEALTHCHECK"),
    ]


def test_compose_paths_match_the_image(compose):
    environment = compose_environment("web")
    image_env = " ".join(args for kw, args in dockerfile_instructions() if kw == "ENV")

    assert f"SEARCH_INDEX_DIR={environment['SEARCH_INDEX_DIR']}" in image_env
    assert f"DATA_DIR={environment['DATA_DIR']}" in image_env


def _readme_table_variables() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("<!-- more configuration rows", 1)[0]
    return re.findall(r"^\| `([A-Z][A-Z0-9_]*)`", table, flags=re.MULTILINE)


def test_env_example_lists_every_variable_of_the_readme_table():
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))

    variables = _readme_table_variables()

    assert len(variables) > 10
    assert sorted(set(variables) - listed) == []


def test_env_example_lists_every_variable_the_settings_read():
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    settings_source = (ROOT / "config" / "settings.py").read_text()

    read = set(
        re.findall(r"env_(?:str|bool|int|float|list)\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_source)
    )

    assert len(read) > 10
    assert sorted(read - listed) == []
