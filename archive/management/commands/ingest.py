import sys
import time

from django.core.management.base import BaseCommand, CommandError

from archive.ingest.draft import IngestError
from archive.ingest.labels import label_file, labels_store
from archive.ingest.readers import FORMATS
from archive.ingest.run import ingest_paths
from search.maintenance import index_sync

_SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "Ingest articles from files, folders and globs (txt, html, jsonl, json, Reuters-21578)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files, folders or glob patterns.")
        parser.add_argument("--format", choices=FORMATS, help="Read every file in this format.")
        parser.add_argument("--outlet", help="Outlet of the items that do not name one.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read, clean and check everything; keep nothing."
        )
        parser.add_argument(
            "--labels",
            metavar="FILE",
            help="Names of the source's tag codes (kind<TAB>code<TAB>name lines, or Reuters' "
            "cat-descriptions_120396.txt), kept for this and later imports.",
        )

    def handle(self, *args, paths, format=None, outlet=None, dry_run=False, **options):
        started = time.monotonic()
        if options.get("labels"):
            stored = labels_store(label_file(options["labels"]))
            self.stdout.write(f"{stored} new tag labels from {options['labels']}.")
        try:
            batch = ingest_paths(
                paths, fmt=format, outlet=outlet, dry_run=dry_run, progress=sys.stderr.isatty()
            )
        except IngestError as exc:
            raise CommandError(str(exc)) from exc
        stored = time.monotonic() - started
        self._report(batch, stored)
        if batch.changed_articles:
            applied = index_sync()  # searchable when the command returns
            self.stdout.write(
                f"Search index brought up to date ({applied} changes) "
                f"{time.monotonic() - started:.1f} s after the start."
            )

    def _report(self, batch, seconds: float) -> None:
        write = self.stdout.write
        # Skipped items (nothing to import) are counted below; their reasons stay in the batch.
        errors = [e for e in batch.errors if e.get("level") != "skipped"]
        for error in errors[:_SHOWN_ERRORS]:
            where = [error["item"], error.get("url", ""), error.get("external_id", "")]
            item = f" [{', '.join(w for w in where if w)}]" if any(where) else ""
            level = error.get("level", "failed")
            self.stderr.write(f"{level}: {error['file']}{item}: {error['reason']}")
        if len(errors) > _SHOWN_ERRORS:
            more = len(errors) - _SHOWN_ERRORS
            self.stderr.write(f"… and {more} more (see the import batch).")
        prefix = "Dry run: would have " if batch.dry_run else ""
        total = batch.created + batch.updated + batch.duplicates
        rate = f", {total / seconds:,.0f} articles/s" if seconds > 0 and total else ""
        write(
            f"{prefix}created {batch.created}, updated {batch.updated}, "
            f"duplicates {batch.duplicates}, skipped {batch.skipped}, failed {batch.failed} "
            f"in {seconds:.1f} s{rate}."
        )
        linked = getattr(batch, "linked", 0)
        if linked:
            write(f"{linked} new articles linked to their near-duplicate twins.")
        style = self.style.SUCCESS if not batch.failed else self.style.WARNING
        write(style(f"Import batch #{batch.pk} ({batch.status})."))
