"""What a run reads: files named by paths, folders and globs, with their manifests' metadata."""

import glob
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archive.ingest import manifest, readers
from archive.ingest.draft import IngestError
from archive.ingest.vocabulary import VocabularyCache

_GLOB_CHARS = set("*?[")

# (file, item, reason): a problem that costs metadata, not an item.
Warn = Callable[[str, str, str], None]


@dataclass
class Source:
    """One file (or upload) to read: its name for messages, how to get its bytes."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    meta: dict = field(default_factory=dict)

    def size(self) -> int:
        return len(self.data) if self.data is not None else self.path.stat().st_size

    def read(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()


def expand(paths: Iterable[Path | str], fmt: str | None) -> tuple[list[Path], list[dict]]:
    """Files named by paths, folders (recursively) and globs; errors for what matches nothing."""
    files: list[Path] = []
    errors = []
    for entry in paths:
        text = str(entry)
        if _GLOB_CHARS & set(text) and not Path(text).exists():
            matched = sorted(Path(p) for p in glob.glob(text, recursive=True))
            if not matched:
                errors.append({"file": text, "item": "", "reason": "no file matches this pattern"})
            files.extend(p for p in matched if p.is_file())
            files.extend(f for p in matched if p.is_dir() for f in _folder(p, fmt))
        elif Path(text).is_dir():
            files.extend(_folder(Path(text), fmt))
        elif Path(text).is_file():
            files.append(Path(text))
        else:
            errors.append({"file": text, "item": "", "reason": "no such file or folder"})
    return list(dict.fromkeys(files)), errors


def _folder(folder: Path, fmt: str | None) -> list[Path]:
    """The readable files of a folder: known extensions (any file with --format).

    ``manifest.json`` describes the text files beside it and is not itself read.
    """
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith(".") or path.name == manifest.NAME:
            continue
        if fmt or path.suffix.lower() in readers.EXTENSIONS:
            found.append(path)
    return found


def _manifest_entries(folder: Path, cache: dict, warn: Warn) -> dict[str, dict]:
    """The folder's manifest entries by file name, its outlets created; a manifest that
    cannot be read is reported, and its files are read without its metadata."""
    if folder not in cache:
        try:
            found = manifest.read_manifest(folder)
        except IngestError as exc:
            warn(str(folder / manifest.NAME), "", f"{exc}; its metadata was not applied")
            found = None
        if found is not None:
            ensure_outlets(found.outlets)
        cache[folder] = found.articles if found is not None else {}
    return cache[folder]


def ensure_outlets(entries: Iterable[dict]) -> None:
    """Create or complete the outlets described (by a manifest, or an export's outlet
    objects): name, and homepage, domain, country, language where given."""
    from archive.ingest.readers.jsonl import OUTLET_FIELDS

    vocabulary = VocabularyCache()
    for entry in entries:
        details = {f: entry[f] for f in OUTLET_FIELDS if isinstance(entry.get(f), str)}
        vocabulary.describe_outlet(entry["name"], details)


def sources_for(files: list[Path], *, outlet: str | None, warn: Warn) -> Iterator[Source]:
    manifests: dict = {}
    base = {"outlet": outlet} if outlet else {}
    for path in files:
        entry = _manifest_entries(path.parent, manifests, warn).get(path.name, {})
        # Metadata a manifest gives explicitly wins over the run's --outlet.
        meta = {**base, **{k: v for k, v in entry.items() if v not in (None, "", [])}}
        yield Source(name=str(path), path=path, meta=meta)
