"""Benchmark: from an article's index commit to its alert arriving, by webhook and by e-mail.

A real ``db_worker`` (as ``make run`` and compose start it, polling every second) matches
the article and sends the alerts to a webhook receiver and an SMTP server (aiosmtpd), both
on loopback in this process. Run it against a throw-away data directory:

    DATA_DIR=/tmp/bench-alerts .venv/bin/python tests/benchmarks/bench_alert_latency.py [runs]

or on PostgreSQL with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_alerts``
(the database is emptied first). It prints the median and p95 seconds of each channel;
the goal is p95 <= 5 s.
"""

import logging
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALERTS_ALLOW_HTTP_WEBHOOKS", "1")
os.environ.setdefault("SEARCH_OUTBOX_INTERVAL", "0")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(runs: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from archive.alerts.models import SavedSearch, Webhook
    from archive.ingest.normalize import content_hash
    from archive.models import Article
    from search.maintenance import index_sync
    from tests.archive.alerts.receivers import Receiver, http_server, smtp_server

    if "DATA_DIR" not in os.environ and "DATABASE_URL" not in os.environ:
        sys.exit("Set DATA_DIR (or DATABASE_URL) to a throw-away place: this empties the database.")
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    index_sync()

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's line per command
    receiver = Receiver()
    server = http_server(receiver)
    controller, mailbox = smtp_server()
    user = get_user_model().objects.create_user("bench", "bench@example.org")
    saved = SavedSearch.objects.create(
        user=user, name="Probes", params={"q": ["latencyprobe"]}, email_frequency="instant"
    )
    Webhook.objects.create(saved_search=saved, url=receiver.url)
    env = {**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(controller.port)}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "1",
         "--no-reload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    hook_times, mail_times = [], []
    try:
        time.sleep(5)  # the worker's start
        for n in range(runs):
            receiver.got.clear()
            mailbox.received.clear()
            body = f"Latencyprobe number {n}: words for the saved search to find. {time.time()}"
            with transaction.atomic():
                Article.objects.create(
                    title=f"Probe {n}", body=body, content_hash=content_hash(body)
                )
            committed = time.monotonic()  # the commit's drain has written the index
            if not receiver.got.wait(60) or not mailbox.received.wait(60):
                sys.exit(f"probe {n}: no alert within 60 s")
            hook_times.append(_first(receiver.seen, n, committed))
            mail_times.append(_mail(mailbox, n, committed))
            time.sleep(random.uniform(0.2, 1.2))  # not in step with the worker's polling
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        server.shutdown()
        controller.stop()
    print(f"database: {settings.DATABASES['default']['ENGINE']}, runs: {runs}")
    for name, times in (("webhook", hook_times), ("e-mail", mail_times)):
        print(f"{name}: median {statistics.median(times):.2f} s, p95 {_p95(times):.2f} s, "
              f"max {max(times):.2f} s")  # fmt: skip
    print("load:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


def _first(seen, n: int, committed: float) -> float:
    import json

    for got in seen:
        if json.loads(got.body)["articles"][0]["title"] == f"Probe {n}":
            return got.at - committed
    sys.exit(f"probe {n}: the webhook carried another article")


def _mail(mailbox, n: int, committed: float) -> float:
    for message, at in zip(mailbox.messages, mailbox.times, strict=True):
        if f"Probe {n}" in message.get_body(("plain",)).get_content():
            return at - committed
    sys.exit(f"probe {n}: the e-mail carried another article")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
