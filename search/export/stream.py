"""An export's bytes: CSV or JSON Lines, hashed as they are written.

``Export`` finds and counts the hits when it is made (``total``, for a header sent
before the body), then writes its body once, a batch of articles a chunk, so memory
does not grow with the rows. JSON Lines ends with the manifest as its last line.
"""

import hashlib
import json
from collections.abc import Iterator

from django.utils import timezone

from archive.ingest.export import article_record, unused_records
from search import service
from search.csv_text import BOM, csv_lines
from search.export.columns import csv_row
from search.export.manifest import manifest_line, manifest_of
from search.export.rows import LONG_TEXTS, Exported, Loader
from search.export.spec import ExportSpec
from search.maintenance import index_catch_up

BATCH = 500  # articles read (and bytes sent) at a time


def jsonl_line(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode()


def jsonl_row(exported: Exported) -> bytes:
    """The ingest format's record (``archive.ingest.export``) with the article's id first."""
    article = exported.article
    record = article_record(article, authors=exported.authors, tags=exported.tags)
    return jsonl_line({"id": article.pk, **record})


class Export:
    """One export of a search: made (the hits found), then its body read once."""

    def __init__(self, spec: ExportSpec, *, batch: int = BATCH):
        self.spec = spec
        self.created = timezone.now().replace(microsecond=0)
        self.backend = service.get_backend().name
        # Queued index changes first: an export has every article stored when it starts
        # (one of the whole archive is its backup), not only those indexed so far.
        index_catch_up()
        self.matches = service.matching_ids(spec.request, batch=batch)
        self.total = self.matches.total
        self.rows = 0  # articles written so far
        self.size = 0  # bytes hashed
        self.digest = hashlib.sha256()
        self.manifest: dict | None = None  # once the body is written

    def __iter__(self) -> Iterator[bytes]:
        return self.body()

    def body(self) -> Iterator[bytes]:
        """The bytes to send; the manifest is made (and, for JSON Lines, written last)
        after the last row."""
        try:
            for chunk in self._content():
                self.digest.update(chunk)
                self.size += len(chunk)
                yield chunk
            self.manifest = manifest_of(self)
            if self.spec.format == "jsonl":
                yield manifest_line(self.manifest)
        finally:
            self.close()

    def _content(self) -> Iterator[bytes]:
        csv_file = self.spec.format == "csv"
        if csv_file:
            yield (BOM if self.spec.bom else b"") + csv_lines([list(self.spec.columns)])
        # A CSV with a byte order mark is the one for spreadsheets: formula-like cells quoted.
        spreadsheet = self.spec.bom
        texts = self.spec.columns if csv_file else LONG_TEXTS
        for articles in Loader(texts=texts).in_order(self.matches.batches):
            self.rows += len(articles)
            if csv_file:
                rows = [csv_row(a, self.spec.columns) for a in articles]
                yield csv_lines(rows, spreadsheet=spreadsheet)
            else:
                yield b"".join(jsonl_row(a) for a in articles)
        if not csv_file and self.spec.everything:
            # The whole archive: with the outlets, authors and tags no article uses,
            # so that the file restores the archive it came from (``ingest``).
            yield b"".join(jsonl_line(record) for record in unused_records())

    def close(self) -> None:
        self.matches.close()
