"""Per-client rate limits for anonymous clients: one rule for the REST API and the pages.

A rate is ``N/period`` (``sec``, ``min``, ``hour``, ``day``); empty means no limit. Each
client's recent requests in a scope are kept in Django's default cache (per server
process with the default local-memory cache). A client is its address: ``REMOTE_ADDR``,
or with ``NUM_PROXIES`` trusted proxies in front, the address the outermost of them saw
(never an address the client itself wrote into ``X-Forwarded-For``). Signed-in users
are not limited.
"""

import functools
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

# A rate's form is checked once, at start, by config/settings.py.
PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def client_address(meta) -> str:
    """The client's address from a request's ``META``."""
    proxies = settings.NUM_PROXIES
    forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and forwarded:
        # Each proxy appends the address it received from: the last ``proxies`` entries
        # are theirs, anything before them the client may have made up.
        return forwarded[-min(proxies, len(forwarded))]
    return meta.get("REMOTE_ADDR", "")


def wait_seconds(scope: str, rate: str, client: str) -> float | None:
    """Count one request of ``client`` in ``scope``: None when it is within ``rate``,
    else the seconds until it would be (the request is then not counted)."""
    if not rate:
        return None
    count, period = rate.split("/")
    limit, seconds = int(count), PERIODS[period]
    key = f"throttle:{scope}:{client}"
    now = time.time()
    recent = [t for t in cache.get(key, []) if t > now - seconds]  # oldest first
    if len(recent) >= limit:
        return max(0.0, recent[-limit] + seconds - now)
    recent.append(now)
    cache.set(key, recent, seconds)
    return None


def anonymous_wait(request, scope: str, setting: str) -> float | None:
    """Count one request in ``scope`` at the rate in ``setting``: None for a signed-in user
    or a client within the rate, else the seconds to wait (pages and the API alike)."""
    user = getattr(request, "user", None)
    if user and user.is_authenticated:
        return None
    return wait_seconds(scope, getattr(settings, setting), client_address(request.META))


def too_many(request, wait: float):
    """A 429 page that says how long to wait, with ``Retry-After``."""
    seconds = max(1, math.ceil(wait))
    context = {
        "status": 429,
        "title": "Too many requests",
        "message": (
            "You have sent many requests in a short time, and each one makes the archive "
            f"search. Please wait {seconds} second{'s' if seconds > 1 else ''} and try again."
        ),
    }
    response = render(request, "archive/error.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def throttled(scope: str, setting: str = "PAGES_ANON_RATE"):
    """A view decorator: anonymous clients get ``too_many`` beyond the rate in ``setting``
    (read on every request, so an override applies at once)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            wait = anonymous_wait(request, scope, setting)
            if wait is not None:
                return too_many(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
