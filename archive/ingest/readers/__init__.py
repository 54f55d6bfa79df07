"""Readers turn a file's bytes into article drafts, one format a module.

Each reader module has ``read(data, *, source, meta)`` yielding ``ArticleDraft`` or
``ItemFailure`` (one bad item does not stop the file) and ``redraft(raw, *, source)``,
which rebuilds a draft from an article's stored raw text.
"""

from collections.abc import Iterable, Iterator
from pathlib import PurePath
from types import ModuleType

from archive.ingest.draft import ArticleDraft, IngestError, ItemFailure
from archive.ingest.readers import html, jsonl, reuters, text

FORMATS = ("txt", "html", "jsonl", "json", "reuters")
EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".xml": "reuters",
    ".sgm": "reuters",
}
_MODULES: dict[str, ModuleType] = {
    "txt": text,
    "html": html,
    "jsonl": jsonl,
    "json": jsonl,
    "reuters": reuters,
}


def format_for(name: str, fmt: str | None = None) -> str:
    """The format to read ``name`` with: the one asked for, else by extension."""
    if fmt:
        if fmt not in FORMATS:
            raise IngestError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
        return fmt
    suffix = PurePath(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise IngestError(
            f"cannot tell the format of {name!r} from its extension; give --format "
            f"({', '.join(FORMATS)})"
        )
    return EXTENSIONS[suffix]


def formats_of(names: Iterable[str | PurePath], fmt: str | None = None) -> str:
    """What files of these names are read as, for a batch's record: "jsonl", or
    "jsonl, txt" for a mix ("" when no name tells: each such file fails on its own)."""
    if fmt:
        return fmt
    found = {EXTENSIONS.get(PurePath(name).suffix.lower()) for name in names} - {None}
    return ", ".join(sorted(found))  # at most the five formats: fits ImportBatch.format


def read(
    data: bytes, *, fmt: str, source: str, meta: dict | None = None
) -> Iterator[ArticleDraft | ItemFailure]:
    """The drafts in one file (or upload) of format ``fmt``."""
    if not data.strip():
        raise IngestError("empty file")
    module = _MODULES[fmt]
    if fmt == "json":
        return module.read_array(data, source=source, meta=meta)
    return module.read(data, source=source, meta=meta)


def redraft(raw: str, *, source: str) -> ArticleDraft:
    """A fresh draft from a stored raw text, read the way its source file was."""
    try:
        fmt = format_for(source)
    except IngestError:
        fmt = "txt"
    return _MODULES[fmt].redraft(raw, source=source)
