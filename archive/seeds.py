"""The seed articles: raw files in ``seeds/`` described by ``seeds/manifest.json``."""

import json
from pathlib import Path

from django.conf import settings

from archive.ingest.pipeline import prepare
from archive.ingest.readers.text import read_text_file
from archive.ingest.resolve import Resolver
from archive.ingest.run import ensure_outlets
from archive.ingest.store import StoreResult, article_store


def read_manifest(directory: Path) -> dict:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


def seeds_load(*, directory: Path | None = None) -> list[StoreResult]:
    """Load every article of the manifest through the pipeline; loading twice changes nothing."""
    directory = Path(directory or settings.SEEDS_DIR)
    manifest = read_manifest(directory)
    ensure_outlets(manifest.get("outlets", []))
    resolver = Resolver()
    results = []
    for entry in manifest["articles"]:
        meta = {k: v for k, v in entry.items() if v not in (None, "", [])}
        draft = prepare(read_text_file(directory / entry["file"], meta))
        results.append(article_store(draft=draft, resolver=resolver))
    return results
