"""Importing from the admin: upload files, read the batch report, list past batches."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.models import Article, ImportBatch
from search.models import IndexChange
from tests.admin.helpers import indexed_ids
from tests.factories import make_article

UPLOAD = "admin:archive_importbatch_add"
ARTICLES = "admin:archive_article_changelist"


def _jsonl(*items) -> bytes:
    return "\n".join(json.dumps(item) for item in items).encode()


def test_upload_page_offers_files_format_outlet_and_dry_run(editor_client):
    page = editor_client.get(reverse(UPLOAD)).text
    assert 'type="file"' in page and "multiple" in page
    for field in ('name="format"', 'name="outlet"', 'name="dry_run"'):
        assert field in page
    assert '<option value="jsonl">' in page


def test_uploading_files_imports_them_and_shows_the_batch_report(editor_client):
    good = SimpleUploadedFile(
        "wire.jsonl",
        _jsonl(
            {"title": "Volcano erupts", "body": "Lava flowed down the mountain overnight."},
            {"title": "Quake", "body": "The ground shook at dawn in the valley."},
            {"title": "", "body": ""},
        ),
    )
    note = SimpleUploadedFile("note.txt", b"Harbour closes\n\nThe harbour closed for the storm.")

    page = editor_client.post(reverse(UPLOAD), {"files": [good, note], "outlet": "Wire"})

    assert page.status_code == 200
    assert "Report" in page.text
    batches = page.context["reports"]
    assert [b.created for b, *_ in batches] == [2, 1]
    assert batches[0][0].failed == 1
    assert "missing" in page.text  # the failed item's reason
    assert Article.objects.filter(outlet__name="Wire").count() == 3
    assert IndexChange.objects.count() == 0  # searchable when the page answers
    assert len(indexed_ids(q="lava")) == 1


def test_a_file_of_unknown_format_is_reported_with_the_reason(editor_client):
    odd = SimpleUploadedFile("data.bin", b"\x00\x01binary")
    page = editor_client.post(reverse(UPLOAD), {"files": [odd]})
    assert "cannot tell the format" in page.text
    assert not Article.objects.exists()
    assert ImportBatch.objects.get().errors[0]["file"] == "data.bin"


def test_dry_run_stores_nothing(editor_client):
    item = SimpleUploadedFile("a.jsonl", _jsonl({"title": "T", "body": "Some words here."}))
    editor_client.post(reverse(UPLOAD), {"files": [item], "dry_run": "on"})
    assert not Article.objects.exists()
    assert ImportBatch.objects.get().dry_run


def test_batch_list_and_page_show_counts_and_errors(editor_client):
    batch = ImportBatch.objects.create(
        source="upload:old.jsonl",
        format="jsonl",
        status="done",
        created=4,
        failed=1,
        errors=[{"file": "old.jsonl", "item": "line 3", "reason": "missing body"}],
    )
    listing = editor_client.get(reverse("admin:archive_importbatch_changelist")).text
    assert "upload:old.jsonl" in listing and "Import files" in listing
    assert "line 3: missing body" in listing
    page = editor_client.get(reverse("admin:archive_importbatch_change", args=[batch.pk])).text
    assert "<td>line 3</td><td>missing body</td>" in page


def test_the_report_names_the_format_read_and_links_to_the_imported_articles(editor_client):
    wire = SimpleUploadedFile(
        "wire.jsonl",
        _jsonl(
            {"title": "Volcano erupts", "body": "Lava flowed down the mountain overnight."},
            {"title": "Quake", "body": "The ground shook at dawn in the valley."},
        ),
    )
    make_article(title="Imported before")

    page = editor_client.post(reverse(UPLOAD), {"files": [wire]})

    batch = ImportBatch.objects.get()
    assert batch.format == "jsonl"  # read by its extension: the report says so, not "?"
    assert "(jsonl, done)" in page.text
    link = f'{reverse(ARTICLES)}?import_batch={batch.pk}">2 articles</a>'
    assert link in page.text
    listed = editor_client.get(reverse(ARTICLES), {"import_batch": batch.pk})
    assert sorted(a.title for a in listed.context["cl"].result_list) == ["Quake", "Volcano erupts"]
    assert str(batch) in listed.text  # the sidebar says which batch is shown
    detail = editor_client.get(reverse("admin:archive_importbatch_change", args=[batch.pk]))
    assert f"?import_batch={batch.pk}" in detail.text


def test_skipped_items_are_stored_with_their_reason_and_shown(editor_client):
    sgm = SimpleUploadedFile(
        "reut2-000.sgm",
        b'<REUTERS NEWID="1"><TEXT><TITLE>GRAIN PRICES</TITLE><BODY>Wheat rose.</BODY></TEXT>'
        b'</REUTERS>\n<REUTERS NEWID="2"><TEXT>&#2;</TEXT></REUTERS>',
    )

    page = editor_client.post(reverse(UPLOAD), {"files": [sgm]})

    batch = ImportBatch.objects.get()
    assert (batch.format, batch.created, batch.skipped, batch.failed) == ("reuters", 1, 1, 0)
    assert batch.errors == [
        {
            "file": "reut2-000.sgm",
            "item": "NEWID 2",
            "reason": "no title and no body",
            "level": "skipped",
        }
    ]
    row = "<td>skipped</td><td>reut2-000.sgm</td><td>NEWID 2</td><td>no title and no body</td>"
    assert row in page.text
    detail = editor_client.get(reverse("admin:archive_importbatch_change", args=[batch.pk]))
    assert row in detail.text


# -- hostile uploads -----------------------------------------------------------------------

SCRIPT = "<img src=x onerror=alert(1)>"


def test_a_path_in_the_file_name_is_dropped_and_html_in_it_is_shown_escaped(editor_client):
    hostile = SimpleUploadedFile(f"../../etc/{SCRIPT}.jsonl", b'{"title": "T"}\n{oops')

    page = editor_client.post(reverse(UPLOAD), {"files": [hostile]})

    batch = ImportBatch.objects.get()
    assert batch.source == f"upload:{SCRIPT}.jsonl"
    assert batch.errors and all(e["file"] == f"{SCRIPT}.jsonl" for e in batch.errors)
    assert SCRIPT not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;.jsonl" in page.text
    listing = editor_client.get(reverse("admin:archive_importbatch_changelist")).text
    detail = editor_client.get(reverse("admin:archive_importbatch_change", args=[batch.pk])).text
    assert SCRIPT not in listing and SCRIPT not in detail
    assert "&lt;img src=x" in listing and "&lt;img src=x" in detail


def test_archives_are_refused_with_a_clear_reason_and_the_rest_is_imported(editor_client):
    import gzip
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.jsonl", b"\0" * 5_000_000)  # a small zip bomb
    bomb = SimpleUploadedFile("bomb.zip", buffer.getvalue())
    gz = SimpleUploadedFile("wire.jsonl.gz", gzip.compress(_jsonl({"title": "A", "body": "B c"})))
    disguised = SimpleUploadedFile("plain.txt", buffer.getvalue())
    good = SimpleUploadedFile("note.txt", b"Harbour closes\n\nThe harbour closed for the storm.")

    page = editor_client.post(reverse(UPLOAD), {"files": [bomb, gz, disguised, good]})

    assert page.status_code == 200
    assert page.text.count("archives and compressed files are not accepted") == 3
    assert "bomb.zip was not imported: it is a zip archive" in page.text
    assert "wire.jsonl.gz was not imported: it is a gzip archive" in page.text
    assert [b.source for b in ImportBatch.objects.all()] == ["upload:note.txt"]
    assert Article.objects.count() == 1


def test_a_body_over_the_limit_is_a_413_before_it_is_read(editor, settings):
    from django.test import Client

    settings.INGEST_MAX_FILE_BYTES = 1000
    client = Client(enforce_csrf_checks=True)  # the size is checked before the CSRF token
    client.force_login(editor)
    # A body that cannot be parsed: reading it would fail, so a 413 proves it was not read.
    page = client.generic(
        "POST",
        reverse(UPLOAD),
        b"--b\r\nnot a multipart body",
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH="5000000",
    )

    assert page.status_code == 413
    assert "5,000,000 bytes, over the limit of 1,000" in page.text
    assert "INGEST_MAX_FILE_BYTES" in page.text and 'type="file"' in page.text
    assert "no-store" in page["Cache-Control"]
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_a_large_upload_by_someone_who_may_not_import_is_a_403(reader, settings, who):
    from django.test import Client

    settings.INGEST_MAX_FILE_BYTES = 1000
    client = Client()
    if who == "reader":
        client.force_login(reader)
    page = client.generic(
        "POST", reverse(UPLOAD), b"x", content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH="5000000",
    )  # fmt: skip

    assert page.status_code == 403


def test_the_upload_page_still_checks_the_csrf_token(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    item = SimpleUploadedFile("a.jsonl", _jsonl({"title": "T", "body": "Some words here."}))

    page = client.post(reverse(UPLOAD), {"files": [item]})

    assert page.status_code == 403
    assert not ImportBatch.objects.exists()


def test_binary_junk_and_nul_bytes_are_per_file_errors(editor_client):
    junk = SimpleUploadedFile("junk.txt", bytes(range(256)) * 16)
    nul = SimpleUploadedFile("nul.jsonl", b'{"title": "T", "body": "a\x00b"}\n')
    good = SimpleUploadedFile("good.txt", b"Harbour closes\n\nThe harbour closed for the storm.")

    page = editor_client.post(reverse(UPLOAD), {"files": [junk, nul, good]})

    assert page.status_code == 200
    reasons = {b.source: [e["reason"] for e in b.errors] for b in ImportBatch.objects.all()}
    assert "binary data, not text" in reasons["upload:junk.txt"][0]
    assert "NUL" in reasons["upload:nul.jsonl"][0]
    assert reasons["upload:good.txt"] == []
    assert Article.objects.count() == 1
