"""An export's manifest: what was asked, of which archive, when, and a hash of the rows.

The hash is the SHA-256 of every byte of the export before its manifest line: all of a
CSV file (its byte order mark and header row included), all of a JSON Lines file but
its last line (``{"manifest": ...}``). ``sha256sum file.csv`` checks a CSV;
``head -n -1 file.jsonl | sha256sum`` a JSON Lines file. ``checking.check`` does
both, then runs the export again and says whether the archive still answers the same rows.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from archive.ingest.readers.jsonl import is_manifest_record

VERSION = 1
HASHED = (
    "SHA-256 of every byte of the export before its manifest line: the whole CSV file "
    "(byte order mark and header row included); every line of a JSON Lines file but "
    "the last, the manifest itself."
)


def manifest_of(export) -> dict:
    """The manifest of a written export (``stream.Export``)."""
    spec = export.spec
    manifest = {
        "version": VERSION,
        "query": spec.request.q,
        "filters": spec.filters(),
        "sort": spec.request.sort,
        "collapse": spec.request.collapse,
        "format": spec.format,
    }
    if spec.format == "csv":
        manifest |= {"columns": list(spec.columns), "bom": spec.bom}
    return manifest | {
        "parameters": spec.query_string(),
        "backend": export.backend,
        "created": export.created.isoformat().replace("+00:00", "Z"),
        "total": export.total,
        "count": export.rows,
        "bytes": export.size,
        "sha256": export.digest.hexdigest(),
        "hashed": HASHED,
        "notices": list(export.matches.notices),
    }


def manifest_line(manifest: dict) -> bytes:
    return (json.dumps({"manifest": manifest}, ensure_ascii=False) + "\n").encode()


@dataclass(frozen=True)
class FileDigest:
    sha256: str
    size: int
    manifest: dict | None  # the manifest line of a JSON Lines file


def file_digest(path: Path) -> FileDigest:
    """The hash of a file's bytes before its manifest line (if its last line is one)."""
    data = Path(path).read_bytes()
    body, manifest = data, None
    start = data.rstrip(b"\n").rfind(b"\n") + 1
    try:
        last = json.loads(data[start:])
    except ValueError:
        last = None
    if is_manifest_record(last):
        body, manifest = data[:start], last["manifest"]
    return FileDigest(hashlib.sha256(body).hexdigest(), len(body), manifest)


def manifest_path(path: Path) -> Path:
    return Path(f"{path}.manifest.json")


def read_manifest(path: Path) -> dict:
    side = manifest_path(path)
    if not side.exists():
        raise FileNotFoundError(f"{path} has no manifest line and there is no {side.name}")
    return json.loads(side.read_text(encoding="utf-8"))
