"""The seed articles: raw files in ``seeds/`` described by ``seeds/manifest.json``."""

from pathlib import Path

from django.conf import settings

from archive.ingest.draft import IngestError
from archive.ingest.manifest import Manifest
from archive.ingest.manifest import read_manifest as read_folder_manifest
from archive.ingest.pipeline import prepare
from archive.ingest.readers.text import read_text_file
from archive.ingest.sources import ensure_outlets
from archive.ingest.state import RunState
from archive.ingest.store import StoreResult, article_store
from archive.stories.grouping import stories_group


def read_manifest(directory: Path) -> Manifest:
    """The seeds' manifest; IngestError when it is missing or cannot be read."""
    manifest = read_folder_manifest(directory)
    if manifest is None:
        raise IngestError(f"{directory} has no manifest.json")
    return manifest


def seeds_load(*, directory: Path | None = None) -> list[StoreResult]:
    """Load every article of the manifest through the pipeline; loading twice changes nothing."""
    directory = Path(directory or settings.SEEDS_DIR)
    manifest = read_manifest(directory)
    ensure_outlets(manifest.outlets)
    state = RunState()
    results = []
    for entry in manifest.articles.values():
        meta = {k: v for k, v in entry.items() if v not in (None, "", [])}
        draft = prepare(read_text_file(directory / entry["file"], meta))
        results.append(article_store(draft=draft, state=state))
    stories_group(article_ids=[r.article.pk for r in results])
    return results
