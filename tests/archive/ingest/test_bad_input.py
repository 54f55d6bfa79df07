"""Bad input gets a clear message naming the file and the item; the batch goes on."""

import codecs
import json

import pytest

from archive.ingest.run import ingest_paths, ingest_upload
from archive.models import Article, ImportBatch
from tests.archive.ingest.conftest import ARTICLE, jsonl

pytestmark = pytest.mark.django_db

GOOD_TEXT = (
    "Harvest starts early\n\nFarmers in the north began the harvest two weeks early this year "
    "after a warm and dry spring, the ministry said.\n"
)


def _errors(batch: ImportBatch) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for error in batch.errors:
        found.setdefault(error["file"].rsplit("/", 1)[-1], []).append(
            (error["item"], error["reason"])
        )
    return found


def test_empty_file_is_reported_and_the_rest_goes_on(write):
    batch = ingest_paths([write("empty.txt", ""), write("good.txt", GOOD_TEXT)])
    assert batch.created == 1
    assert _errors(batch) == {"empty.txt": [("", "empty file")]}


def test_binary_junk_is_reported(write):
    junk = bytes(range(256)) * 8
    batch = ingest_paths([write("junk.txt", junk), write("good.txt", GOOD_TEXT)])
    assert batch.created == 1
    assert "binary" in _errors(batch)["junk.txt"][0][1]


def test_latin1_text_is_read_with_its_accents(write):
    text = GOOD_TEXT.replace("Farmers", "Les agriculteurs de la région").replace(
        "said.", "said over café crème."
    )
    batch = ingest_paths([write("latin.txt", text.encode("latin-1"))])
    assert batch.created == 1
    article = Article.objects.get()
    assert "région" in article.body and "café crème." in article.body


def test_utf16_with_bom_is_read(write):
    data = codecs.BOM_UTF16_LE + GOOD_TEXT.replace("north", "nörth").encode("utf-16-le")
    batch = ingest_paths([write("utf16.txt", data)])
    assert batch.created == 1
    assert "nörth" in Article.objects.get().body


def test_truncated_json_array_names_the_file(write):
    text = json.dumps([ARTICLE, {**ARTICLE, "title": "Two"}])[:-40]
    batch = ingest_paths([write("cut.json", text), write("good.txt", GOOD_TEXT)])
    assert batch.created == 1
    [(_item, reason)] = _errors(batch)["cut.json"]
    assert "invalid JSON" in reason and "truncated" in reason


def test_truncated_json_line_is_reported_and_earlier_lines_are_kept(write):
    text = jsonl(ARTICLE) + jsonl({**ARTICLE, "title": "Two", "url": None})[:-30]
    batch = ingest_paths([write("cut.jsonl", text)])
    assert batch.created == 1
    [(item, reason)] = _errors(batch)["cut.jsonl"]
    assert item == "line 2" and "invalid JSON" in reason


def test_object_missing_title_or_body_names_the_item(write):
    no_title = {k: v for k, v in ARTICLE.items() if k != "title"}
    no_body = {**ARTICLE, "body": "", "url": None}
    batch = ingest_paths([write("items.jsonl", jsonl(no_title, ARTICLE, no_body))])
    assert batch.created == 1
    assert _errors(batch)["items.jsonl"] == [
        ("line 1", "missing 'title'"),
        ("line 3", "missing 'body'"),
    ]


def test_unparseable_date_names_the_item_and_the_value(write):
    bad = {**ARTICLE, "published": "next Tuesday"}
    batch = ingest_paths([write("dates.jsonl", jsonl(bad))])
    assert batch.created == 0
    [(item, reason)] = _errors(batch)["dates.jsonl"]
    assert item == "line 1"
    assert "unparseable date 'next Tuesday'" in reason


def test_file_over_the_size_limit_is_refused_unread(write, settings):
    settings.INGEST_MAX_FILE_BYTES = 100
    big = write("big.txt", GOOD_TEXT * 3)
    batch = ingest_paths([big, write("small.jsonl", "")])
    [(_item, reason)] = _errors(batch)["big.txt"]
    assert "over the limit of 100" in reason and "INGEST_MAX_FILE_BYTES" in reason
    assert Article.objects.count() == 0


def test_upload_over_the_size_limit_is_refused(settings):
    settings.INGEST_MAX_FILE_BYTES = 10
    batch = ingest_upload("big.jsonl", jsonl(ARTICLE).encode())
    assert batch.failed == 1 and "over the limit" in batch.errors[0]["reason"]


def test_missing_path_and_unknown_extension_are_reported(write, tmp_path):
    batch = ingest_paths([tmp_path / "nowhere.txt", write("notes.docx", "x")])
    reasons = {e["file"].rsplit("/", 1)[-1]: e["reason"] for e in batch.errors}
    assert reasons["nowhere.txt"] == "no such file or folder"
    assert "cannot tell the format" in reasons["notes.docx"]


def test_every_run_is_recorded_as_an_import_batch(write):
    ingest_paths([write("good.txt", GOOD_TEXT)])
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.DONE
    assert batch.created == 1 and batch.finished_at is not None
    assert Article.objects.get().import_batch == batch
