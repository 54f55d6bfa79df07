from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.ingest.draft import IngestError
from archive.seeds import seeds_load


class Command(BaseCommand):
    help = "Load the seed articles described by seeds/manifest.json (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None, help="Seeds folder.")

    def handle(self, *args, dir=None, **options):
        try:
            results = seeds_load(directory=dir)
        except IngestError as exc:
            raise CommandError(str(exc)) from None
        for result in results:
            self.stdout.write(f"{result.outcome:9} {result.article.title}")
        counts = {o: sum(r.outcome == o for r in results) for o in {r.outcome for r in results}}
        summary = ", ".join(f"{n} {o}" for o, n in sorted(counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Seeds: {summary}."))
