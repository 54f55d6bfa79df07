"""``/healthz``: is the database reachable and can the search index answer a query?
With read replicas configured, each one's state is reported too.

Answers 200 when both are "ok", else 503, always with a small JSON body and never a
traceback: it is read by container health checks and load balancers, not people.
"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config import replicas
from search import service as search_service

logger = logging.getLogger(__name__)
REPLICA_WAIT_SECONDS = 0.5  # a replica's connect timeout is 2 s: far too long for a probe


def database_status() -> str:
    """Return "ok", or the kind of error the cheapest possible query ran into."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason goes to the log
        logger.warning("health: database check failed", exc_info=True)
        return f"error: {type(exc).__name__}"
    return "ok"


def index_status() -> str:
    """Return "ok" when the search backend can describe its index and look up a word."""
    try:
        backend = search_service.get_backend()
        if backend.stats().get("exists") is False:
            return "error: no index (python manage.py search_index rebuild)"
        # A term lookup reads the index files themselves (the statistics come from the
        # table of contents alone: "ok" over segments that cannot be read). On Whoosh a
        # word that matches no title never reaches the database, which has its own check.
        backend.suggest_titles("healthz", limit=1)
    except Exception as exc:
        logger.warning("health: index check failed", exc_info=True)
        return f"error: {type(exc).__name__}"
    return "ok"


@never_cache
@require_safe
def healthz(request):
    checks = {"database": database_status(), "index": index_status()}
    healthy = all(value == "ok" for value in checks.values())
    if replicas.replica_aliases():
        # Reported, not judged: with every replica down the primary still serves.
        checks["replicas"] = replica_report()
    return JsonResponse(checks, status=200 if healthy else 503)


def replica_report() -> dict:
    """Each replica: up, seconds behind the primary, and whether it is used. The router's
    recent answer where it has one, else all asked at once; one that has not answered
    within REPLICA_WAIT_SECONDS reads as down (a health check must answer quickly)."""
    report = {}
    for alias, now in replicas.statuses_within(REPLICA_WAIT_SECONDS).items():
        if now is None:
            report[alias] = {"up": False, "lag_seconds": None, "used": False}
        else:
            report[alias] = {"up": now.up, "lag_seconds": now.lag_seconds, "used": now.healthy}
    return report
