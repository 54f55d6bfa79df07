"""Importing from the admin: upload files, read the batch report, list past batches."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.models import Article, ImportBatch
from tests.admin.helpers import indexed_ids

UPLOAD = "admin:archive_importbatch_add"


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
    assert [b.created for b, _ in batches] == [2, 1]
    assert batches[0][0].failed == 1
    assert "missing" in page.text  # the failed item's reason
    assert Article.objects.filter(outlet__name="Wire").count() == 3
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
