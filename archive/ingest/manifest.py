"""``manifest.json``: metadata for the text files of a folder, in the format of the seeds'."""

import json
from dataclasses import dataclass
from pathlib import Path

from archive.ingest.draft import IngestError
from archive.ingest.normalize import storable

NAME = "manifest.json"


@dataclass(frozen=True)
class Manifest:
    """Entries by file name, in the manifest's order; outlets described by name."""

    articles: dict[str, dict]
    outlets: tuple[dict, ...]


def read_manifest(folder: Path) -> Manifest | None:
    """The folder's manifest (None when it has none); IngestError saying what is wrong
    with one that cannot be read."""
    path = folder / NAME
    if not path.is_file():
        return None
    try:
        data = _storable(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise IngestError(f"{NAME} cannot be read ({exc})") from None
    except RecursionError:
        raise IngestError(f"{NAME} cannot be read (nested too deep)") from None
    if not isinstance(data, dict):
        raise IngestError(f"{NAME} must be an object with 'articles' (and 'outlets')")
    articles = _objects(data, "articles", key="file")
    return Manifest(
        articles={entry["file"]: entry for entry in articles},
        outlets=tuple(_objects(data, "outlets", key="name")),
    )


def _objects(data: dict, field: str, *, key: str) -> list[dict]:
    entries = data.get(field, [])
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get(key), str) for e in entries
    ):
        raise IngestError(f"{NAME}: '{field}' must be a list of objects, each with a '{key}'")
    return entries


def _storable(value):
    """The manifest's values made storable (``normalize.storable``); a NUL refuses it.
    Its outlets are created from it directly, not through a draft."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("it contains NUL characters")
        return storable(value)
    if isinstance(value, list):
        return [_storable(v) for v in value]
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    return value
