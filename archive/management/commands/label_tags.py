from django.core.management.base import BaseCommand, CommandError

from archive.ingest.draft import IngestError
from archive.ingest.labels import label_file, labels_store, tags_relabel
from search.maintenance import index_sync


class Command(BaseCommand):
    help = (
        "Name the tags that carry a source's codes (Reuters' earn, money-fx, west-germany) "
        "from a labels file; the code stays an alias and the tag's address (slug) stays. "
        "Later imports name new tags the same way."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="kind<TAB>code<TAB>name lines, or Reuters' cat-descriptions_120396.txt."
        )

    def handle(self, *args, file, **options):
        try:
            labels = label_file(file)
        except IngestError as exc:
            raise CommandError(str(exc)) from exc
        stored = labels_store(labels)
        report = tags_relabel(labels)
        self.stdout.write(
            f"{len(labels)} labels read ({stored} new); {report.renamed} tags renamed, "
            f"{report.articles} articles to index again."
        )
        if report.articles:
            self.stdout.write(f"Search index brought up to date ({index_sync()} changes).")
