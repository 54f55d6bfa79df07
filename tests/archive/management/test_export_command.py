"""manage.py export --query ... --out FILE: the file, its manifest beside it, --check."""

import csv
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

from archive.models import Article
from tests.search.export.conftest import harvest  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    err = io.StringIO()
    call_command("export", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def check(path) -> str:
    out = io.StringIO()
    call_command("export", "--check", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_csv_export_and_its_manifest_file(harvest, tmp_path):  # noqa: F811
    out = tmp_path / "harvest.csv"

    said = export(
        "--query", "harvest", "--tag", "topic:coffee", "--format", "csv", "--out", str(out)
    )

    manifest = json.loads((tmp_path / "harvest.csv.manifest.json").read_text())
    assert manifest["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert manifest["count"] == 15 and manifest["filters"] == {"tag": ["topic:coffee"]}
    assert len(list(csv.reader(io.StringIO(out.read_text(), newline="")))) == 16
    assert "Exported 15 articles" in said and manifest["sha256"] in said


def test_check_passes_while_the_archive_answers_the_same(harvest, tmp_path):  # noqa: F811
    out = tmp_path / "harvest.jsonl"
    export("--query", "harvest", "--sort", "relevance", "--out", str(out))

    assert "gives the same 30 rows again" in check(out)


def test_check_fails_when_the_file_was_changed(harvest, tmp_path):  # noqa: F811
    out = tmp_path / "harvest.csv"
    export("--query", "harvest", "--format", "csv", "--out", str(out))
    out.write_bytes(out.read_bytes().replace(b"Farm Wire", b"Farm Wine", 1))

    with pytest.raises(CommandError, match="the file's SHA-256 is"):
        check(out)


def test_check_fails_when_the_archive_answers_differently(harvest, tmp_path):  # noqa: F811
    out = tmp_path / "harvest.jsonl"
    export("--query", "harvest", "--out", str(out))
    Article.objects.filter(pk=harvest["articles"][0].pk).delete()

    with pytest.raises(CommandError, match=r"now has 29 rows \(the manifest: 30\)"):
        check(out)


def test_bad_options_are_clear_errors(harvest, tmp_path):  # noqa: F811
    with pytest.raises(CommandError, match="unknown column 'colour'"):
        export("--format", "csv", "--columns", "id,colour", "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="could not be understood"):
        export("--query", "harvest AND (", "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="no such file"):
        check(tmp_path / "missing.csv")
