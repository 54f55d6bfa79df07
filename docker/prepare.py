"""Get the database and the search index ready before the web server starts.

Run by docker/entrypoint.sh on every start: wait for the database, migrate, load the
seeds into an empty archive, bring the search index up to date. Every step is safe to
repeat, so a restart changes nothing. One process, so Django starts only once.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django
from django.core.management import call_command, get_commands
from django.db import OperationalError, connection


def say(message: str) -> None:
    print(f"prepare: {message}", flush=True)


def database_wait(*, timeout: float) -> None:
    """Return once the database accepts connections; exit after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.ensure_connection()
            return
        except OperationalError as exc:
            if time.monotonic() >= deadline:
                sys.exit(f"prepare: the database is not reachable after {timeout:.0f} s: {exc}")
            say("waiting for the database")
            connection.close()
            time.sleep(1)


def seeds_load_if_empty() -> None:
    from archive.models import Article

    count = Article.objects.count()
    if count:
        say(f"the archive holds {count} articles; seeds not loaded")
        return
    say("the archive is empty; loading the seeds")
    call_command("load_seeds")


def index_sync() -> None:
    if "search_index" not in get_commands():
        say("no search_index command in this version; index not synced")
        return
    say("bringing the search index up to date")
    call_command("search_index", "sync")


def main() -> None:
    django.setup()
    database_wait(timeout=float(os.environ.get("DB_WAIT_SECONDS", "60")))
    call_command("migrate", interactive=False, verbosity=1)
    seeds_load_if_empty()
    index_sync()
    say("ready")


if __name__ == "__main__":
    main()
