"""Middleware of our own: a database that cannot be reached is a 503 that says so, never
a 500 (the REST API maps the same errors in ``archive/api/exceptions.py``; this covers the
pages); responses are compressed unless they carry a CSRF token."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_DOWN = "The archive's database cannot be reached right now. Please try again in a minute."
RETRY_AFTER = "60"


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.error("database unavailable", exc_info=exception)
        context = {"status": 503, "title": "The archive is resting for a moment"}
        try:
            # Without the request: its context processors would ask the database again
            # (the signed-in user's session).
            body = render_to_string("archive/error.html", {**context, "message": DATABASE_DOWN})
            response = HttpResponse(body, status=503)
        except Exception:  # the page itself needs something that is down: plain text
            response = HttpResponse(DATABASE_DOWN, status=503, content_type="text/plain")
        response["Retry-After"] = RETRY_AFTER
        return response


# Pages and feeds; the API's JSON is left as it was (its clients and tests read it raw).
COMPRESSED_TYPES = ("text/html", "application/atom+xml")


class GZipWithoutSecretsMiddleware(GZipMiddleware):
    """Gzip pages and feeds, except a response that carries a CSRF token (admin forms).
    BREACH reads a secret out of a compressed page that also reflects what the
    attacker sends (the query ``q``); the public pages hold no secret, so they are
    compressed (a search page: 57 KB -> about 11 KB). Django masks the token and pads
    the gzip header at random too; leaving those pages alone costs little and is sure.

    A page that renders the token always (re)sets the CSRF cookie, by
    ``CsrfViewMiddleware`` or a view's ``csrf_protect``: this sits above both."""

    def process_response(self, request, response):
        secret = settings.CSRF_COOKIE_NAME in response.cookies
        if secret or not response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
