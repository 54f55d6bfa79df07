import sys
import time

from django.core.management.base import BaseCommand

from archive.ingest.copies import regroup_copies
from archive.statistics import article_tables, statistics_note, tables_analyze
from archive.stories.grouping import regroup_stories
from search.maintenance import index_sync


class Command(BaseCommand):
    help = (
        "Group the whole archive again: copy-detection signatures where missing or made "
        "from another text (all of them with --all), then the copy groups, each led by "
        "its first publisher, then the stories not curated in the admin (as "
        "`group_stories`). Imports keep both up to date; run this after an upgrade or a "
        "change of the detection's settings."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Compute every signature again, not only stale ones."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        report = regroup_copies(everything=options["all"], progress=self._progress)
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        groups = f"{report.groups:,} copy group{'s' if report.groups != 1 else ''}"
        changed = f"{report.changed:,} article{'s' if report.changed != 1 else ''} re-linked"
        self.stdout.write(
            f"{report.signed:,} signatures computed; {report.articles:,} articles grouped into "
            f"{groups}; {changed} in {time.monotonic() - started:.1f} s."
        )
        moved = regroup_stories()
        self.stdout.write(f"Stories: {len(moved):,} articles changed story.")
        self.stdout.write(statistics_note(tables_analyze(article_tables())))
        if report.changed or moved:
            self.stdout.write(f"Search index brought up to date ({index_sync()} changes).")

    def _progress(self, step: str, done: int, total: int) -> None:
        line = f"{step}: {done:,} of {total:,}"
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{line}")
        elif done == total:
            self.stderr.write(line)
