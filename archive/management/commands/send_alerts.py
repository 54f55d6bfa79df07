"""Send the alerts that are due, once or in a loop (a worker of its own).

The django-tasks worker sends "at once" messages as they are enqueued; something must
still look for digests whose hour has come and retries whose wait is over: this command
with ``--loop``, or the ``send_due_alerts`` task run periodically by the worker.
"""

import signal
import time

from django.core.management.base import BaseCommand, CommandError

from archive.alerts.delivery import send_due


class Command(BaseCommand):
    help = (
        "Send due alert e-mails and webhooks: digests whose hour has come, retries whose "
        "wait is over. With --loop, keep doing it every --interval seconds until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Run until SIGTERM or SIGINT.")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="Seconds between scans (--loop)."
        )
        parser.add_argument("--limit", type=int, default=100, help="Dispatches per scan.")

    def handle(self, *args, loop, interval, limit, **options):
        if interval <= 0 or limit <= 0:
            raise CommandError("--interval and --limit must be above 0.")
        if not loop:
            self.stdout.write(f"{send_due(limit=limit)} alerts tried.")
            return
        self._stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.stdout.write("Sending alerts; stop with SIGTERM or Ctrl-C.")
        self.stdout.flush()
        while not self._stopping:
            if send_due(limit=limit) < limit:  # a full scan: there may be more at once
                time.sleep(interval)

    def _stop(self, signum, frame):
        self._stopping = True  # finish the message in hand, then stop
