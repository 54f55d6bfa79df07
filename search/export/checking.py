"""Check an exported file: against its manifest, then against the archive as it is now."""

from dataclasses import dataclass
from pathlib import Path

from django.http import QueryDict

from search.export.manifest import file_digest, read_manifest
from search.export.spec import read_spec
from search.export.stream import Export


@dataclass(frozen=True)
class Check:
    """A file checked against its manifest and against the archive as it is now."""

    file_matches: bool  # the file's bytes are those the manifest hashed
    archive_matches: bool  # the same export made now has the same hash
    now: dict  # the manifest of the export made now
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.file_matches and self.archive_matches


def check(path: Path, manifest: dict | None = None) -> Check:
    """Whether ``path`` is the export its manifest describes (the manifest given, or
    the file's own last line, or ``<path>.manifest.json``), and whether the archive
    gives the same rows again."""
    digest = file_digest(path)
    manifest = manifest or digest.manifest or read_manifest(path)
    problems = []
    file_matches = digest.sha256 == manifest["sha256"]
    if not file_matches:
        problems.append(
            f"the file's SHA-256 is {digest.sha256}, the manifest says {manifest['sha256']}"
        )
    again = Export(read_spec(QueryDict(manifest["parameters"])))
    for _chunk in again.body():
        pass
    now = again.manifest
    archive_matches = now["sha256"] == manifest["sha256"]
    if not archive_matches:
        problems.append(
            f"the same export now has {now['count']} rows (the manifest: {manifest['count']})"
            f" and SHA-256 {now['sha256']}"
        )
    return Check(file_matches, archive_matches, now, tuple(problems))
