"""Real processes for the write-path tests: a database and an index of their own.

Not a test module: the ``archive`` fixture (imported by test_concurrency.py and
test_crash.py) and the worker that runs as ``python -m tests.search.test_concurrency_support``.
A worker uses a temporary SQLite file, or a database of its own on the PostgreSQL server
when the suite runs on PostgreSQL, and a temporary index directory.
"""

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKER = "tests.search.test_concurrency_support"


# --- the parent's side (pytest) --------------------------------------------------------


@dataclass
class Archive:
    """A database and an index directory for worker processes."""

    env: dict

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", WORKER, *args]

    def start(self, *args: str, **env: str) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(*args),
            cwd=ROOT,
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str, timeout: float = 60) -> str:
        done = subprocess.run(
            self.command(*args), cwd=ROOT, env=self.env, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip
        assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def manage(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
            text=True, timeout=timeout,
        )  # fmt: skip

    def state(self, words: str = "") -> dict:
        """The database and the index as a worker sees them (see ``_state``)."""
        return json.loads(self.run("state", words).strip().splitlines()[-1])


def _child_env(tmp: Path, database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
        DATABASE_URL=database_url,
        DATA_DIR=str(tmp),
        SEARCH_INDEX_DIR=str(tmp / "index"),
        SEARCH_BACKEND="whoosh",
        SEARCH_OUTBOX_INTERVAL="0",
        SECRET_KEY="write-path-tests",
        LOG_LEVEL="WARNING",
    )
    return env


def postgres_server() -> dict:
    """The suite's PostgreSQL server, or the local one; skips when none answers."""
    import psycopg2
    from django.conf import settings

    db = dict(settings.DATABASES["default"])
    if db["ENGINE"] != "django.db.backends.postgresql":
        db = {"USER": "postgres", "PASSWORD": "", "HOST": "127.0.0.1", "PORT": 5432}
    try:
        psycopg2.connect(
            dbname="postgres", user=db["USER"], password=db.get("PASSWORD") or None,
            host=db["HOST"], port=db["PORT"] or 5432, connect_timeout=3,
        ).close()  # fmt: skip
    except psycopg2.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT']}: {error}")
    return db


class _Postgres:
    """A database of our own on the suite's PostgreSQL server, emptied for each test."""

    def __init__(self, db: dict):
        self.db = db
        self.name = f"writepath_{uuid.uuid4().hex[:12]}"

    def url(self) -> str:
        auth = self.db["USER"] + (f":{self.db['PASSWORD']}" if self.db.get("PASSWORD") else "")
        return f"postgres://{auth}@{self.db['HOST']}:{self.db['PORT'] or 5432}/{self.name}"

    def execute(self, sql: str, *, dbname: str = "postgres") -> None:
        import psycopg2

        connection = psycopg2.connect(
            dbname=dbname,
            user=self.db["USER"],
            password=self.db.get("PASSWORD") or None,
            host=self.db["HOST"],
            port=self.db["PORT"] or 5432,
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def create(self) -> None:
        self.execute(f'CREATE DATABASE "{self.name}"')

    def empty(self) -> None:
        """Remove every article, outbox row and check; ids start at 1 again."""
        self.execute(
            """DO $$ DECLARE names text; BEGIN
                SELECT string_agg(quote_ident(tablename), ', ') INTO names FROM pg_tables
                WHERE schemaname = 'public'
                  AND (tablename LIKE 'archive\\_%' OR tablename LIKE 'search\\_index%');
                EXECUTE 'TRUNCATE ' || names || ' RESTART IDENTITY CASCADE';
            END $$;""",
            dbname=self.name,
        )

    def drop(self) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


_templates: dict = {"make": None, "users": 0, "drop": None}


def _template(tmp_path_factory):
    """Migrate one database per test session; returns a function giving each test an
    empty one (a copy of the SQLite file, or the PostgreSQL database emptied)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    base = tmp_path_factory.mktemp("writepath")
    if db["ENGINE"] == "django.db.backends.postgresql":
        server = _Postgres(db)
        server.create()
        _templates["drop"] = server.drop
        Archive(_child_env(base, server.url())).run("migrate", timeout=180)

        def make_pg(tmp: Path) -> Archive:
            server.empty()
            return Archive(_child_env(tmp, server.url()))

        return make_pg
    template = base / "template.sqlite3"
    Archive(_child_env(base, f"sqlite:///{template}")).run("migrate", timeout=180)
    counter = itertools.count()

    def make(tmp: Path) -> Archive:
        copy = tmp / f"archive-{next(counter)}.sqlite3"
        shutil.copyfile(template, copy)
        return Archive(_child_env(tmp, f"sqlite:///{copy}"))

    return make


@pytest.fixture(scope="session")
def make_archive(tmp_path_factory):
    """Shared by the modules that import it: the template is migrated once."""
    if _templates["make"] is None:
        _templates["make"] = _template(tmp_path_factory)
    _templates["users"] += 1
    yield _templates["make"]
    _templates["users"] -= 1
    if not _templates["users"] and _templates["drop"]:
        _templates["drop"]()


@pytest.fixture
def archive(make_archive, tmp_path) -> Archive:
    """A migrated, empty database and no index yet, for worker processes."""
    return make_archive(tmp_path)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL: no cleanup, no atexit, no finally blocks."""
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


# --- the worker's side ------------------------------------------------------------------


def _create(title: str, n: int):
    """One article with its byline and tags in one transaction, as an import stores it."""
    from django.db import transaction

    from archive.ingest.normalize import content_hash
    from archive.models import Article, ArticleAuthor, Author, Outlet, Tag

    body = (
        f"{title}. Story number {n} about trade talks between Tokyo and Washington, "
        f"with {uuid.uuid4().hex} as a detail that makes every body different."
    )
    with transaction.atomic():
        outlet, _ = Outlet.objects.get_or_create(name="Wire Service")
        author, _ = Author.objects.get_or_create(slug=f"reporter-{n % 3}", name=f"Reporter {n % 3}")
        tags = [
            Tag.objects.get_or_create(kind="topic", slug="trade", defaults={"name": "trade"})[0],
            Tag.objects.get_or_create(kind="place", slug="japan", defaults={"name": "Japan"})[0],
        ]
        article = Article.objects.create(
            title=title, body=body, content_hash=content_hash(body), outlet=outlet, language="en"
        )
        ArticleAuthor.objects.create(article=article, author=author)
        article.tags.add(*tags)
    return article


def _store(prefix: str, count: str, shared: str = "") -> None:
    """Ingest ``count`` articles, one transaction each; also retitle a shared article."""
    from django.db import transaction

    from archive.models import Article

    for n in range(int(count)):
        _create(f"{prefix} {n}", n)
        if shared:
            with transaction.atomic():
                article = Article.objects.select_for_update().get(pk=int(shared))
                article.title = f"Shared by {prefix} {n}"
                article.save()
    print("stored", count, flush=True)


def _seed(count: str) -> None:
    """Store articles without applying them to the index (queued only)."""
    from search.maintenance import outbox_deferred

    with outbox_deferred(drain=False):
        for n in range(int(count)):
            _create(f"Seeded {n}", n)
    print("seeded", count, flush=True)


def _ingest(count: str) -> None:
    """A bulk import: queued while it runs, applied once at the end; says how far it got."""
    from search.maintenance import outbox_deferred

    with outbox_deferred():
        for n in range(int(count)):
            _create(f"Bulk {n}", n)
            print("stored", n + 1, flush=True)


def _kill_after_commit(title: str) -> None:
    """Die by SIGKILL right after the commit, before the index is written."""
    from django.db import transaction

    with transaction.atomic():
        # on-commit callbacks run in order: this one before the outbox's drain.
        transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
        _create(title, 0)


def _serve() -> None:
    """A web process that handles no requests: only its background retry runs."""
    import time

    import config.wsgi  # noqa: F401  (starts the retry thread, as gunicorn would)

    print("serving", flush=True)
    time.sleep(60)


def _drain(batch: str = "") -> None:
    """Apply the queue, ``batch`` changes at a time, saying how far it got."""
    from search.outbox import outbox_drain

    if not batch:
        print("drained", outbox_drain(), flush=True)
        return
    total = 0
    while done := outbox_drain(limit=int(batch)):
        total += done
        print("drained", total, flush=True)


def _state(words: str = "") -> None:
    """JSON: articles with their tag and author counts, queued changes, the check, and
    the ids found by searching ``words`` (when given)."""
    from django.db.models import Count

    from archive.models import Article
    from search.maintenance import index_check
    from search.outbox import outbox_backlog
    from search.service import get_backend

    links = Article.objects.annotate(
        tags_n=Count("tags", distinct=True), authors_n=Count("author_links", distinct=True)
    ).values_list("pk", "title", "tags_n", "authors_n")
    backlog = outbox_backlog()
    report = index_check()
    index = get_backend().stats()
    state = {
        "articles": {str(pk): [title, tags, authors] for pk, title, tags, authors in links},
        "backlog": backlog,
        "documents": index.get("documents", 0),
        "missing": report.missing,
        "stale": report.stale,
        "orphans": report.orphans,
        "pending": report.pending,
        "found": _found(words) if words else [],
    }
    print(json.dumps(state), flush=True)


def _found(words: str) -> list[int]:
    from search.service import search
    from search.types import SearchRequest

    result = search(SearchRequest(q=words, facets=(), highlight=False))
    return sorted(hit.id for hit in result.hits)


def _articles() -> None:
    """JSON: each article by external id with digests of its body and raw text, its tags
    as [kind, name] and its authors' names: what must arrive together or not at all."""
    import hashlib

    from archive.models import Article

    def digest(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    found = {}
    for article in Article.objects.prefetch_related("tags", "authors"):
        found[article.external_id or str(article.pk)] = {
            "body": digest(article.body),
            "raw": digest(article.raw_text),
            "tags": sorted([t.kind, t.name] for t in article.tags.all()),
            "authors": sorted(a.name for a in article.authors.all()),
        }
    print(json.dumps(found), flush=True)


def _token(username: str) -> None:
    """A superuser with an API token; prints the token."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.create_superuser(username, f"{username}@example.org", None)
    print(Token.objects.create(user=user).key, flush=True)


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


COMMANDS = {
    "migrate": _migrate,
    "store": _store,
    "seed": _seed,
    "ingest": _ingest,
    "kill-after-commit": _kill_after_commit,
    "drain": _drain,
    "serve": _serve,
    "state": _state,
    "articles": _articles,
    "token": _token,
}


def main(argv: list[str]) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    COMMANDS[argv[0]](*argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
