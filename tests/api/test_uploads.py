"""Hostile uploads to POST /api/ingest/: file names, archives, sizes, types, encodings.

What tests/api/test_ingest_export.py already proves (413 on a declared large body and on
a large file, 415 for text/yaml, 400 on an empty body) is not repeated here.
"""

import gzip
import io
import json
import logging
import os
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from archive.models import Article, ImportBatch

pytestmark = pytest.mark.django_db

GOOD = {"title": "Wheat harvest up", "body": "The wheat harvest rose ten percent.", "outlet": "AP"}


def jsonl(*items) -> bytes:
    return "".join(json.dumps(item) + "\n" for item in items).encode()


def _upload(client, name: str, content: bytes):
    return client.post(
        "/api/ingest/", {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )


_writes: list[str] | None = None
_hooked = False


def _audit(event: str, args: tuple) -> None:
    # open(path, mode, flags): remember every file opened for writing while recording.
    if _writes is not None and event == "open" and isinstance(args[0], str | bytes):
        mode, flags = args[1] or "", args[2] or 0
        path = os.fsdecode(args[0])
        writing = any(c in str(mode) for c in "wax+") or flags & (os.O_WRONLY | os.O_RDWR)
        if writing and not os.path.isdir(path):
            _writes.append(path)


@pytest.fixture
def written_files():
    """The paths the code under test opens for writing (Python's audit hook)."""
    global _writes, _hooked
    if not _hooked:  # a hook cannot be removed: install it once, idle between tests
        sys.addaudithook(_audit)
        _hooked = True
    _writes = []
    yield _writes
    _writes = None


# -- file names --------------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../etc/passwd.jsonl",
    "..\\..\\windows\\win.ini.jsonl",
    "/etc/cron.d/evil.jsonl",
    "C:\\evil.jsonl",
    "nul\x00byte.jsonl",
    "x" * 1000 + ".jsonl",
    "<script>alert(1)</script>.jsonl",
    '"><img src=x onerror=alert(1)>.jsonl',
    "....//....//x.jsonl",
    "%2e%2e%2fetc%2fpasswd.jsonl",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_file_name_is_reduced_to_a_harmless_base_name(
    as_editor, written_files, settings, name
):
    response = _upload(as_editor, name, jsonl(GOOD))

    assert response.status_code == 200
    assert response.json()["created"] == 1
    shown = ImportBatch.objects.get().source.removeprefix("upload:")
    assert "/" not in shown and "\\" not in shown and "\x00" not in shown
    assert shown not in ("", ".", "..") and len(shown) <= 255
    # Nothing is written to disk for a small upload (the search index aside).
    index = str(settings.SEARCH_INDEX_DIR)
    assert [path for path in written_files if not path.startswith(index)] == []


def test_a_large_upload_touches_disk_only_in_a_random_temporary_file(
    as_editor, settings, tmp_path, written_files
):
    """Over FILE_UPLOAD_MAX_MEMORY_SIZE Django spools an upload to a temporary file with a
    random name in FILE_UPLOAD_TEMP_DIR, removed once the request is answered."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    items = ({**GOOD, "title": f"Harvest {n}", "body": f"Harvest {n} rose."} for n in range(60))
    big = jsonl(*items)
    assert len(big) > 1000

    response = _upload(as_editor, "../../evil.jsonl", big)

    assert response.status_code == 200
    assert response.json()["created"] == 60
    # The search index aside: the import is indexed before the answer.
    spooled = [p for p in written_files if not p.startswith(str(settings.SEARCH_INDEX_DIR))]
    assert spooled and all(Path(p).parent == tmp_path for p in spooled)
    assert not any("evil" in Path(p).name for p in spooled)
    assert os.listdir(tmp_path) == []


# -- archives ---------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


ARCHIVES = {
    "articles.zip": _zip({"a.jsonl": jsonl(GOOD)}),
    "articles.jsonl.gz": gzip.compress(jsonl(GOOD)),
    "articles.tar": _tar({"../../a.jsonl": jsonl(GOOD)}),
    "articles.tgz": gzip.compress(_tar({"a.jsonl": jsonl(GOOD)})),
    # A zip bomb in miniature: 10 MB of zeros in a few kilobytes.
    "bomb.zip": _zip({"zeros.jsonl": b"\0" * 10_000_000}),
    # An archive under a text file's name.
    "disguised.jsonl": _zip({"a.jsonl": jsonl(GOOD)}),
}


@pytest.mark.parametrize("name", ARCHIVES)
def test_archives_are_refused_with_the_formats_that_are_accepted(as_editor, name):
    response = _upload(as_editor, name, ARCHIVES[name])

    assert response.status_code == 415
    detail = response.json()["detail"]
    assert "archive" in detail
    assert "JSON Lines" in detail
    assert not Article.objects.exists()
    assert not ImportBatch.objects.exists()


def test_a_gzip_body_is_refused_with_415(as_editor):
    response = as_editor.post(
        "/api/ingest/", gzip.compress(jsonl(GOOD)), content_type="application/x-ndjson"
    )

    assert response.status_code == 415
    assert "archive" in response.json()["detail"]


def test_a_compressed_content_encoding_is_refused_with_415(as_editor):
    response = as_editor.post(
        "/api/ingest/",
        gzip.compress(jsonl(GOOD)),
        content_type="application/x-ndjson",
        HTTP_CONTENT_ENCODING="gzip",
    )

    assert response.status_code == 415
    assert "Content-Encoding" in response.json()["detail"]
    assert not Article.objects.exists()


# -- sizes and types --------------------------------------------------------------------


def test_a_declared_large_multipart_body_is_a_413_before_it_is_read(as_editor, settings):
    settings.API_MAX_UPLOAD_BYTES = 100
    body = b"--x\r\nContent-Disposition: form-data; name=file; filename=a.jsonl\r\n\r\n"

    response = as_editor.generic(
        "POST",
        "/api/ingest/",
        body,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH="10000000",
    )

    assert response.status_code == 413
    assert "100 bytes" in response.json()["detail"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "application/zip", "application/x-www-form-urlencoded"],
)
def test_a_wrong_content_type_is_a_415_listing_the_accepted_ones(as_editor, content_type):
    response = as_editor.post("/api/ingest/", b"title=x", content_type=content_type)

    assert response.status_code == 415
    detail = response.json()["detail"]
    for accepted in ("application/json", "application/x-ndjson", "multipart/form-data"):
        assert accepted in detail


def _browser_session(user) -> APIClient:
    """A signed-in browser: session and CSRF cookies, but no CSRF token sent."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = "a" * 32
    return client


def test_a_session_upload_without_csrf_token_is_refused_with_403(editor):
    """A browser session must prove a write is its own (CSRF token): refused, as documented."""
    client = _browser_session(editor)

    response = client.post("/api/ingest/", {"file": SimpleUploadedFile("a.jsonl", jsonl(GOOD))})

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Article.objects.exists()


def test_a_session_upload_over_the_limit_is_a_413_unread_even_before_the_csrf_check(
    editor, settings
):
    """The CSRF check reads the form to find its token; a body over every upload limit is
    refused before that (FILE_UPLOAD_HANDLERS), so nothing of it is read or spooled."""
    settings.API_MAX_UPLOAD_BYTES = settings.INGEST_MAX_FILE_BYTES = 1000
    client = _browser_session(editor)

    response = client.generic(
        "POST",
        "/api/ingest/",
        b"--b\r\nnot a multipart body",
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH="5000000",
    )

    assert response.status_code == 413
    assert "larger than the 1,000 bytes allowed" in response.json()["detail"]


def test_a_token_upload_needs_no_csrf_token(as_editor):
    response = _upload(as_editor, "a.jsonl", jsonl(GOOD))
    assert response.status_code == 200


# -- encodings and junk -----------------------------------------------------------------


def test_binary_junk_in_a_text_file_is_a_per_file_error_and_nothing_is_written(as_editor):
    response = _upload(as_editor, "junk.txt", bytes(range(256)) * 16)

    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 0 and body["failed"] == 1
    assert "binary" in body["errors"][0]["reason"]
    assert not Article.objects.exists()


def test_nul_bytes_in_utf8_text_are_refused_not_stored(as_editor):
    response = _upload(as_editor, "nul.txt", b"Title here\n\nA body\x00 with a NUL byte.")

    assert response.status_code == 200
    assert response.json()["failed"] == 1
    assert not Article.objects.exists()


def test_an_escaped_nul_in_json_is_a_per_item_error(as_editor):
    bad = {"title": "Nul\u0000title", "body": "A body with \u0000 inside it."}
    response = as_editor.post("/api/ingest/", jsonl(bad, GOOD), content_type="application/x-ndjson")

    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 1 and body["failed"] == 1
    assert "NUL" in body["errors"][0]["reason"]
    assert Article.objects.get().title == "Wheat harvest up"


def test_a_body_that_is_not_utf8_is_read_in_its_detected_encoding(as_editor):
    body = jsonl(GOOD) + '{"title": "Café ÿ crème", "body": "Zürich cafés"}\n'.encode("cp1252")
    response = as_editor.post("/api/ingest/", body, content_type="application/x-ndjson")

    assert response.status_code == 200
    assert response.json()["created"] == 2
    assert Article.objects.filter(title="Café ÿ crème").exists()


def test_a_file_named_with_html_is_reported_in_json_with_its_errors(as_editor):
    response = _upload(as_editor, "<b onmouseover=alert(1)>.jsonl", b"{not json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["source"] == "upload:<b onmouseover=alert(1)>.jsonl"  # data, escaped by pages
    assert body["failed"] == 1 and body["errors"][0]["file"].endswith(".jsonl")


def test_a_nonsense_content_length_is_not_a_500(as_editor):
    response = as_editor.generic(
        "POST", "/api/ingest/", jsonl(GOOD), content_type="application/x-ndjson",
        CONTENT_LENGTH="lots",
    )  # fmt: skip
    assert response.status_code < 500


def test_a_page_that_is_not_html_fails_its_item_and_logs_no_error(as_editor, caplog):
    """The report says what was wrong with the page; the service's error log is for the
    service's own faults (the HTML extractor logs an empty page as an error)."""
    response = as_editor.post(
        "/api/ingest/?format=html", '[{"title": "t"}]', content_type="application/json"
    )

    assert response.status_code == 200, response.content[:300]
    assert response.json()["failed"] == 1
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
