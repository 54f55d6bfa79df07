"""What a client may send reaches the archive through gunicorn as it does in tests:
a chunked body (no Content-Length) and a long query in the address."""

import http.client
import json
import secrets
from urllib.parse import quote

import pytest

from search.query import MAX_QUERY_CHARS
from tests.reliability.service import TIMEOUT

pytestmark = pytest.mark.slow

ARTICLE = {"title": "Wheat harvest up", "body": "The harvest rose ten percent.", "outlet": "AP"}


def chunked(port: int, method: str, path: str, body: bytes, headers: dict) -> tuple[int, dict]:
    """Send ``body`` in 100-byte chunks with Transfer-Encoding: chunked; (status, JSON)."""
    pieces = [body[i : i + 100] for i in range(0, len(body), 100)]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=iter(pieces), headers=headers, encode_chunked=True)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def start(archive, serve, **env):
    archive.run("store", "Harbour", "1")  # an index to serve from
    # A name of its own: on PostgreSQL the archives of a run share their users.
    token = archive.run("token", f"editor-{secrets.token_hex(4)}").split()[-1]
    return serve(archive, token=token, **env)


@pytest.fixture
def service(archive, serve):
    return start(archive, serve)


def test_a_chunked_ingest_body_is_read(service):
    body = (json.dumps(ARTICLE) + "\n").encode()
    headers = {"Authorization": f"Token {service.token}", "Content-Type": "application/x-ndjson"}

    status, report = chunked(service.port, "POST", "/api/ingest/", body, headers)

    assert status == 200, report
    assert report["created"] == 1
    assert service.get("/api/search/?q=wheat").json()["count"] == 1


def test_a_chunked_article_create_is_read(service):
    body = json.dumps({"title": "Wheat harvest up", "body": "The harvest rose."}).encode()
    headers = {"Authorization": f"Token {service.token}", "Content-Type": "application/json"}

    status, article = chunked(service.port, "POST", "/api/articles/", body, headers)

    assert status == 201, article
    assert article["title"] == "Wheat harvest up"


def test_a_chunked_body_over_the_limit_is_refused(archive, serve):
    service = start(archive, serve, API_MAX_UPLOAD_BYTES="1000")
    body = (json.dumps(ARTICLE) + "\n").encode() * 40
    headers = {"Authorization": f"Token {service.token}", "Content-Type": "application/x-ndjson"}

    status, answer = chunked(service.port, "POST", "/api/ingest/", body, headers)

    assert status == 413, answer
    assert "1,000 bytes" in answer["detail"]


@pytest.mark.parametrize("words", ["kim summit ", "김정은 회담 "], ids=["ascii", "korean"])
def test_a_query_twice_the_read_length_is_searched_with_a_notice_not_refused(service, words):
    # 1,000 characters: twice what is read, 7 KB once percent-encoded in Korean.
    q = (words * 1_000)[: 2 * MAX_QUERY_CHARS]

    api = service.get("/api/search/?q=" + quote(q))
    page = service.get("/?q=" + quote(q))

    assert api.status == 200, api.text[:300]
    assert f"longer than {MAX_QUERY_CHARS} characters" in " ".join(api.json()["notices"])
    assert page.status == 200, page.text[:300]
    assert f"longer than {MAX_QUERY_CHARS} characters" in page.text


def test_an_address_past_gunicorns_cap_is_refused_before_any_work(service):
    # gunicorn reads an unbounded request line in time that grows with its square: its
    # own cap (8,190 bytes) stands, and a longer address is a 414 at once.
    answer = service.get("/api/search/?q=" + "a" * 20_000)
    assert answer.status == 414
