"""Finding what a run reads: folders, globs and the metadata of a folder's manifest."""

import pytest

from archive.ingest.run import ingest_paths
from archive.models import Article

pytestmark = pytest.mark.django_db

STORY = (
    "A headline here\n\nThe first paragraph has more than ten words in it, so it reads as prose.\n"
)


def test_a_malformed_manifest_is_reported_and_its_files_are_read_without_it(write):
    story = write("dir/story.txt", STORY)
    write("dir/manifest.json", '{"articles": [{"file": "story.txt", "outlet": "Daily"},')

    batch = ingest_paths([story.parent])

    assert (batch.created, batch.failed) == (1, 0)
    [warning] = batch.errors
    assert warning["file"].endswith("manifest.json")
    assert warning["level"] == "warning"
    assert "cannot be read" in warning["reason"]
    assert "its metadata was not applied" in warning["reason"]
    assert Article.objects.get().outlet is None


def test_a_manifests_outlets_are_created_with_their_details(write):
    story = write("dir/story.txt", STORY)
    write(
        "dir/manifest.json",
        '{"outlets": [{"name": "Daily", "domain": "daily.example"}], '
        '"articles": [{"file": "story.txt", "outlet": "Daily"}]}',
    )

    ingest_paths([story.parent])

    assert Article.objects.get().outlet.domain == "daily.example"
