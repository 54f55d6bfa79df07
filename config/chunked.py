"""A chunked request body (Transfer-Encoding: chunked, no Content-Length) made readable.

Django reads exactly CONTENT_LENGTH bytes of a body, so without that header it reads
nothing ("the body is empty"). A server that has decoded the chunks and ends the stream
itself says so with ``wsgi.input_terminated`` (gunicorn does); then the body is read
here, up to the largest upload any view takes, and handed on with its length. A longer
body is handed on with a length past that limit, so the view refuses it as too large.
"""

import tempfile

from django.conf import settings

_READ = 64 * 1024


def upload_limit() -> int:
    return max(settings.API_MAX_UPLOAD_BYTES, settings.INGEST_MAX_FILE_BYTES)


class ChunkedBody:
    """WSGI middleware: gives a terminated body without Content-Length its length."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if _unsized(environ):
            environ = _sized(environ, upload_limit())
        return self.app(environ, start_response)


# Only these carry a body any view reads; another method's chunked body is left unread
# (a GET must not make the server spool 50 MB before routing).
_WITH_BODY = {"POST", "PUT", "PATCH"}


def _unsized(environ) -> bool:
    if environ.get("REQUEST_METHOD", "GET").upper() not in _WITH_BODY:
        return False
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    terminated = bool(environ.get("wsgi.input_terminated"))
    return chunked and terminated and not environ.get("CONTENT_LENGTH")


def _sized(environ: dict, limit: int) -> dict:
    """``environ`` with the body spooled (memory, then a temporary file) and measured;
    at most ``limit`` + 1 bytes are read."""
    # Outlives this function: closed (its file deleted) when the request lets go of it.
    body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
    stream, length = environ["wsgi.input"], 0
    while length <= limit:
        data = stream.read(min(_READ, limit + 1 - length))
        if not data:
            break
        body.write(data)
        length += len(data)
    body.seek(0)
    return {**environ, "wsgi.input": body, "CONTENT_LENGTH": str(length)}
