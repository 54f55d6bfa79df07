"""The chunked-body middleware reads a body only where a view may read one."""

import io

import pytest

from config.chunked import ChunkedBody


class Untouchable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")


def _environ(method: str, stream) -> dict:
    return {
        "REQUEST_METHOD": method,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input_terminated": True,
        "wsgi.input": stream,
    }


def _seen(environ: dict) -> dict:
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return []

    ChunkedBody(app)(environ, lambda *a: None)
    return seen


@pytest.mark.parametrize("method", ["GET", "HEAD", "DELETE", "OPTIONS"])
def test_a_chunked_body_on_a_method_without_one_is_left_unread(method):
    seen = _seen(_environ(method, Untouchable()))
    assert "CONTENT_LENGTH" not in seen


def test_a_chunked_post_body_is_read_and_measured(settings):
    seen = _seen(_environ("POST", io.BytesIO(b'{"title": "x"}')))
    assert seen["CONTENT_LENGTH"] == "14"
    assert seen["wsgi.input"].read() == b'{"title": "x"}'
