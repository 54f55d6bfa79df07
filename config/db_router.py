"""Reads of public pages from a replica, everything else from the primary.

``ReplicaReadsMiddleware`` opens a read scope for a GET or HEAD request (searches,
facets, feeds, exports, article and entity pages, the API's reads); inside it the
router sends reads to a healthy replica (``config.replicas``), one for the whole request.
Outside a scope (POSTs, the admin, commands, the worker, background threads) and inside
a transaction, everything reads from the primary. Writes always go to the primary.

Read-your-writes: a request that wrote, or was not a read, sets a cookie; while it lasts
(REPLICA_STICKY_SECONDS) that browser reads from the primary.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, connections

from config import replicas

STICKY_COOKIE = "read_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Editors and sign-ins read what they have just changed: always the primary. The health
# check judges this node and the primary (the replicas are reported beside, not judged).
PRIMARY_PATHS = ("/admin/", "/accounts/", "/healthz")


@dataclass
class ReadScope:
    alias: str | None = None  # chosen at the first read of the request
    wrote: bool = False


_scope: ContextVar[ReadScope | None] = ContextVar("replica_read_scope", default=None)


def read_alias() -> str:
    """Where a read goes now (the search backend's raw SQL asks this too)."""
    scope = _scope.get()
    if scope is None or scope.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if scope.alias is None:
        scope.alias = replicas.choose()
    return scope.alias


class ReplicaRouter:
    """Django's database router: the primary is "default", replicas "replica1"..."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True  # its later reads, and the browser's next ones: the primary
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # replicas get the schema by replication


def _end_scope(**_kwargs) -> None:
    # After the response is sent, streamed bodies (exports) included: not when the
    # middleware returns, because a streamed export reads while it is being sent.
    _scope.set(None)


request_finished.connect(_end_scope, dispatch_uid="config.db_router.end_scope")


def _replica_failed(response, scope: ReadScope) -> bool:
    """Whether a 503 came from the replica the request read from dying under it: a
    database error on its connection ("database unavailable"), and the replica down when
    asked now (then it is skipped from here on, not from the next check). Not a search
    that ran out of time or an index that cannot be read, on a replica that is up (if
    behind), and never a request that wrote: those are not run again."""
    if response.status_code != 503 or scope.alias in (None, DEFAULT_DB_ALIAS) or scope.wrote:
        return False
    if not connections[scope.alias].errors_occurred:
        return False
    return not replicas.recheck(scope.alias).up


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replicas.replica_aliases():
            return self.get_response(request)
        reads = (
            request.method in SAFE_METHODS
            and STICKY_COOKIE not in request.COOKIES
            # A token's holder writes through the API and keeps no cookie: it reads what it
            # wrote (and a token just made is found) only on the primary.
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path.startswith(PRIMARY_PATHS)
        )
        scope = ReadScope(alias=None if reads else DEFAULT_DB_ALIAS)
        _scope.set(scope)
        response = self.get_response(request)
        if _replica_failed(response, scope):
            # This read (safe to run twice) is answered again, from the primary.
            scope = ReadScope(alias=DEFAULT_DB_ALIAS)
            _scope.set(scope)
            response = self.get_response(request)
        if scope.wrote or request.method not in SAFE_METHODS:
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
