"""A PostgreSQL database of a test's own, on the server the real-process tests use."""

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest

ADMIN_URL = os.environ.get("DEPLOY_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")


@contextlib.contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty database named ``<prefix>_<random>``, dropped afterwards;
    the test is skipped when no PostgreSQL server answers at ADMIN_URL."""
    psycopg2 = pytest.importorskip("psycopg2")
    try:
        admin = psycopg2.connect(ADMIN_URL, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"no PostgreSQL to create a database in ({exc})")
    admin.autocommit = True
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextlib.contextmanager
def own_database(kind: str, folder, prefix: str) -> Iterator[str]:
    """The URL of a database of a test's own: ``sqlite`` (a file in ``folder``) or
    ``postgres`` (a fresh database, as ``fresh_database``)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'archive.sqlite3'}"
        return
    with fresh_database(prefix) as url:
        yield url


def fetch_all(url: str, sql: str) -> list[tuple]:
    """Rows of ``sql`` read straight from the database at ``url``: no Django start."""
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(sql).fetchall()
    import psycopg2

    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    db.close()
    return rows
