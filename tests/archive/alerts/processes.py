"""The database side of the worker-crash test, run as ``python -m tests.archive.alerts.processes``
in the test's own database (see tests/search/test_concurrency_support.py): ``follow URL N``
makes N saved searches with a webhook to URL and a match each, owed but not yet sent
(queued for ``db_worker`` with ``follow URL N database``);
``state`` prints the dispatches."""

import json
import os
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _follow(url: str, count: str, queue: str = "none") -> None:
    import django_tasks.signals  # noqa: F401  (resets the task backends on override_settings)
    from django.contrib.auth import get_user_model
    from django.test.utils import override_settings

    from archive.alerts.delivery import owe
    from archive.alerts.models import AlertMatch, SavedSearch, Webhook
    from tests.factories import make_article

    secrets, match_ids = [], []
    run = uuid.uuid4().hex[
        :8
    ]  # PostgreSQL keeps users between tests (the tables emptied are archive's)
    for n in range(int(count)):
        user = get_user_model().objects.create_user(f"crash{run}{n}", f"crash{n}@example.org")
        saved = SavedSearch.objects.create(user=user, name=f"Search {n}", params={"q": ["kim"]})
        secrets.append(Webhook.objects.create(saved_search=saved, url=url).secret)
        article = make_article(f"Article {n}")
        match_ids.append(AlertMatch.objects.create(saved_search=saved, article=article).pk)
    if queue == "database":  # the sends queued for db_worker, as matching queues them
        made = owe(match_ids)
    else:  # queued nowhere: the scan (send_alerts --loop) finds them, as after a crash
        dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        with override_settings(TASKS=dummy):
            made = owe(match_ids)
    print(json.dumps({"secrets": secrets, "dispatches": sorted(str(d.pk) for d in made)}))


def _state() -> None:
    from archive.alerts.models import Dispatch

    rows = Dispatch.objects.values("id", "status", "attempts")
    print(json.dumps({str(r["id"]): [r["status"], r["attempts"]] for r in rows}))


COMMANDS = {"follow": _follow, "state": _state}


def main(argv: list[str]) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    COMMANDS[argv[0]](*argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
