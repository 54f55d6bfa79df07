"""The seed articles: raw files in ``seeds/`` described by ``seeds/manifest.json``."""

import json
from pathlib import Path

from django.conf import settings

from archive.ingest.pipeline import prepare
from archive.ingest.readers.text import read_text_file
from archive.ingest.store import StoreResult, article_store
from archive.models import Outlet, unique_slug


def read_manifest(directory: Path) -> dict:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


def _ensure_outlets(outlets: list[dict]) -> None:
    fields = ("homepage", "domain", "country", "language")
    for entry in outlets:
        outlet, _ = Outlet.objects.get_or_create(
            name=entry["name"], defaults={"slug": unique_slug(entry["name"])}
        )
        changed = [f for f in fields if entry.get(f) and getattr(outlet, f) != entry[f]]
        for name in changed:
            setattr(outlet, name, entry[name])
        if changed:
            outlet.save(update_fields=changed)


def seeds_load(*, directory: Path | None = None) -> list[StoreResult]:
    """Load every article of the manifest; loading twice changes nothing."""
    directory = Path(directory or settings.SEEDS_DIR)
    manifest = read_manifest(directory)
    _ensure_outlets(manifest.get("outlets", []))
    results = []
    for entry in manifest["articles"]:
        draft = prepare(read_text_file(directory / entry["file"], entry))
        results.append(article_store(draft=draft))
    return results
