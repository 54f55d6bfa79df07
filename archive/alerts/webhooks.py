"""Webhooks: which addresses may receive, how a body is signed, and one POST.

The body is the dispatch's payload as compact JSON with sorted keys, so every retry sends
the same bytes. The signature covers the time of the try and the body:
``X-Archive-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>`` with
``X-Archive-Timestamp: <unix seconds>``; a receiver refuses old timestamps (replays) and
keeps ``X-Archive-Delivery`` (the dispatch id) to drop a message it already has.
"""

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from archive.ingest.normalize import is_web_address

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def webhook_url_problem(url: str) -> str:
    """Why ``url`` cannot receive webhooks, or "" when it can: an https address, or plain
    http to a loopback host when ALERTS_ALLOW_HTTP_WEBHOOKS is on (dev and tests). A host
    written as an address (or ``localhost``) must be public (``address_problem``); a
    name is checked where it leads when a message is sent (``resolved_problem``)."""
    if not is_web_address(url):
        return "not an http(s) address"
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    address = _written_address(host)
    if parts.scheme == "https":
        return address_problem(host, address) if address else ""
    if not settings.ALERTS_ALLOW_HTTP_WEBHOOKS:
        return "webhooks must use https"
    if not (address and _ip(address).is_loopback):
        return "plain http is allowed for loopback addresses only; use https"
    return ""


def webhook_address(url: str) -> None:
    """A validator (model, forms, API): refuses an address ``webhook_url_problem`` refuses."""
    from django.core.exceptions import ValidationError

    problem = webhook_url_problem(url)
    if problem:
        raise ValidationError(f"This address cannot receive webhooks: {problem}.")


def address_problem(host: str, address: str) -> str:
    """Why a webhook may not be posted to ``address`` (where ``host`` leads), or "": a
    reader's webhook must not make the worker post into the network it runs in (a cloud's
    metadata service, an internal API). Public addresses may receive; loopback ones too
    while ALERTS_ALLOW_HTTP_WEBHOOKS is on (development); any one with
    ALERTS_WEBHOOK_PRIVATE_ADDRESSES (receivers inside a private network)."""
    ip = _ip(address)
    if ip.is_global or settings.ALERTS_WEBHOOK_PRIVATE_ADDRESSES:
        return ""
    if ip.is_loopback and settings.ALERTS_ALLOW_HTTP_WEBHOOKS:
        return ""
    where = host if host == address else f"{host} resolves to {address}, which"
    return f"{where} is a private, loopback or reserved address"


def resolved_problem(url: str) -> str:
    """``address_problem`` of every address the url's host name resolves to now; "" when
    it does not resolve (the post then fails as a dead address does)."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if _ip(host):
        return ""  # checked as written
    try:
        found = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return ""
    for address in dict.fromkeys(info[4][0] for info in found):
        if problem := address_problem(host, address):
            return problem
    return ""


def _written_address(host: str) -> str:
    """The address a url's host is as written ("" for a name to resolve)."""
    if host.lower() in LOOPBACK_NAMES:
        return "127.0.0.1"
    return host if _ip(host) else ""


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``text`` is, as the network reaches it: an IPv6 address that carries
    an IPv4 one (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d, 6to4 2002:…, the old
    IPv4-compatible ::a.b.c.d) is that IPv4 address; None for a name."""
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if ip.version == 4:
        return ip
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip in _NAT64 or (int(ip) >> 32 == 0 and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def body_bytes(payload: dict) -> bytes:
    """The exact bytes POSTed for a payload: the same for every try."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Archive-Signature`` value: ``sha256=`` and the hex HMAC of "timestamp.body"."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@dataclass(frozen=True)
class Answer:
    """What a try came to: ``ok`` for a 2xx answer; else the error a person can read."""

    ok: bool
    status_code: int | None = None
    error: str = ""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address to post to (it could point anywhere)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# No proxy from the environment either: a webhook goes straight to the address checked.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def post(url: str, *, secret: str, payload: dict, delivery_id: str) -> Answer:
    """POST ``payload`` signed with ``secret``; a 2xx answer is success, anything else
    (another status, a redirect, a timeout, a refused connection) a failure to retry."""
    problem = webhook_url_problem(url) or resolved_problem(url)
    if problem:
        return Answer(ok=False, error=f"address refused: {problem}")
    body = body_bytes(payload)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json; charset=utf-8")
    request.add_header("User-Agent", "news-archive-webhooks/1")
    request.add_header("X-Archive-Delivery", delivery_id)
    request.add_header("X-Archive-Timestamp", timestamp)
    request.add_header("X-Archive-Signature", signature(secret, timestamp, body))
    try:
        with _OPENER.open(request, timeout=settings.ALERTS_WEBHOOK_TIMEOUT) as response:
            return Answer(ok=200 <= response.status < 300, status_code=response.status)
    except urllib.error.HTTPError as error:
        return Answer(ok=False, status_code=error.code, error=f"answered {error.code}")
    except (OSError, ValueError) as error:  # URLError, timeouts, refused connections
        return Answer(ok=False, error=str(getattr(error, "reason", error))[:500])
