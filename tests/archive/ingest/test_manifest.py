"""A folder's manifest.json: read the same way for the seeds and for any ingested folder."""

import re

import pytest

from archive.ingest.draft import IngestError
from archive.ingest.manifest import read_manifest


def test_entries_are_keyed_by_file_in_the_manifests_order(tmp_path):
    (tmp_path / "manifest.json").write_text(
        '{"outlets": [{"name": "Daily"}], "articles": [{"file": "b.txt"}, {"file": "a.txt"}]}',
        encoding="utf-8",
    )
    manifest = read_manifest(tmp_path)
    assert list(manifest.articles) == ["b.txt", "a.txt"]
    assert manifest.outlets == ({"name": "Daily"},)


def test_a_folder_without_a_manifest_has_none(tmp_path):
    assert read_manifest(tmp_path) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "manifest.json cannot be read"),
        ("[]", "must be an object"),
        ('{"articles": "story.txt"}', "'articles' must be a list of objects, each with a 'file'"),
        ('{"articles": [{"outlet": "Daily"}]}', "each with a 'file'"),
        ('{"outlets": [{"homepage": "https://x.example/"}]}', "each with a 'name'"),
    ],
)
def test_a_malformed_manifest_says_what_is_wrong(tmp_path, text, reason):
    (tmp_path / "manifest.json").write_text(text, encoding="utf-8")
    with pytest.raises(IngestError, match=re.escape(reason)):
        read_manifest(tmp_path)
