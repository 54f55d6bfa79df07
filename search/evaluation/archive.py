"""A throwaway archive: a temporary database and index, loaded through the real ingest.

While ``throwaway_archive()`` runs, Django's default connection is a new one to a fresh
database (a SQLite file in a temporary folder, or ``archive_eval_<random>`` on the
PostgreSQL server of ``DATABASE_URL``) and ``SEARCH_INDEX_DIR`` is a temporary folder.
The configured connection is set aside untouched, never closed nor re-pointed, and put
back at the end; the temporary database and folder are then deleted.
"""

import contextlib
import copy
import io
import json
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from archive.ingest.extract import title_fallback
from archive.ingest.run import ingest_paths
from archive.models import Article
from search.evaluation.collections import Collection, Document
from search.maintenance import index_rebuild
from search.outbox import outbox_drain
from search.service import get_backend, reset_backends


class EvaluationError(Exception):
    """The evaluation cannot run as asked (unsupported database, index incomplete…)."""


@dataclass(frozen=True)
class Loaded:
    """What loading a collection did; ``documents`` maps article id -> document id."""

    documents: dict[int, str]
    created: int
    failed: int
    errors: list[dict]


@contextlib.contextmanager
def throwaway_archive(*, backend: str, semantic: bool = False) -> Iterator[Path]:
    """A fresh, migrated database and an empty index in place of the configured ones.

    ``backend`` is the search engine while loading (``search_with`` changes it);
    ``semantic`` turns meaning-based search on (``SEARCH_SEMANTIC``). Yields
    the temporary folder; everything in it, and a PostgreSQL database, is deleted after.
    """
    folder = Path(tempfile.mkdtemp(prefix="archive-eval-"))
    try:
        index = folder / "index"
        changed = dict(SEARCH_INDEX_DIR=index, SEARCH_BACKEND=backend)
        if semantic:
            changed["SEARCH_SEMANTIC"] = True
        with _settings(**changed), _database(folder):
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _settings(**values) -> Iterator[None]:
    saved = {name: getattr(settings, name) for name in values}
    for name, value in values.items():
        setattr(settings, name, value)
    reset_backends()  # one backend instance per index: forget the configured one
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(settings, name, value)
        reset_backends()


@contextlib.contextmanager
def _database(folder: Path) -> Iterator[None]:
    configured = connections[DEFAULT_DB_ALIAS]
    server = copy.deepcopy(configured.settings_dict)
    if configured.vendor == "sqlite":
        name, dropped = str(folder / "archive.sqlite3"), None
    elif configured.vendor == "postgresql":
        name = dropped = f"archive_eval_{secrets.token_hex(4)}"
        _on_server(server, f'CREATE DATABASE "{name}"')
    else:
        raise EvaluationError(f"A throwaway {configured.vendor} database is not supported.")
    throwaway = _connection({**server, "NAME": name})
    try:
        connections[DEFAULT_DB_ALIAS] = throwaway
        # Content types are cached by database alias: ids of one database are not the other's.
        ContentType.objects.clear_cache()
        call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
        yield
    finally:
        throwaway.close()
        connections[DEFAULT_DB_ALIAS] = configured
        ContentType.objects.clear_cache()
        if dropped:
            _on_server(server, f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')


def _connection(settings_dict: dict):
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)


def _on_server(settings_dict: dict, sql: str) -> None:
    """Run ``sql`` in the server's maintenance database (CREATE/DROP DATABASE cannot run
    inside the database they concern, nor in a transaction)."""
    maintenance = _connection({**settings_dict, "NAME": "postgres"})
    try:
        with maintenance.cursor() as cursor:
            cursor.execute(sql)
    finally:
        maintenance.close()


def collection_load(collection: Collection, *, folder: Path) -> Loaded:
    """Ingest the collection's documents as JSON Lines through the ingest pipeline.

    Each document becomes an article of the outlet named after the collection, its
    collection id kept as the article's ``external_id``. Call inside ``throwaway_archive``.
    """
    path = folder / f"{collection.name}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for document in collection.documents:
            out.write(json.dumps(_article(document)) + "\n")
    batch = ingest_paths([path], fmt="jsonl", outlet=collection.name.upper())
    return Loaded(
        documents=dict(Article.objects.values_list("pk", "external_id")),
        created=batch.created,
        failed=batch.failed,
        errors=list(batch.errors),
    )


def _article(document: Document) -> dict:
    # A document without a title gets the pipeline's own fallback (the importer needs one).
    title = document.title or title_fallback(document.text)
    return {
        "external_id": document.id,
        "title": title,
        "body": document.text,
        "authors": list(document.authors),
    }


def search_with(backend: str) -> int:
    """Make ``backend`` the search engine, its index complete; returns its documents.

    Call inside ``throwaway_archive`` (which restores the configured engine).
    """
    settings.SEARCH_BACKEND = backend
    reset_backends()
    outbox_drain()  # what `manage.py ingest` does after storing
    articles = Article.objects.count()
    if _documents() != articles:
        index_rebuild()  # e.g. no index yet: what `search_index sync` does then
    documents = _documents()
    if documents != articles:
        raise EvaluationError(f"The {backend} index holds {documents} of {articles} articles.")
    return documents


def _documents() -> int:
    return get_backend().stats().get("documents", 0)
