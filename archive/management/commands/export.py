import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from archive.ingest.export import export_jsonl
from archive.models import Article


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date: {value!r} (expected YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Export articles as JSON Lines (the format `ingest` reads)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["jsonl"], default="jsonl")
        parser.add_argument("--outlet", help="Only this outlet (name or slug).")
        parser.add_argument("--tag", help="Only articles with this tag (name or slug).")
        parser.add_argument("--since", help="Published on or after YYYY-MM-DD.")
        parser.add_argument("--until", help="Published on or before YYYY-MM-DD.")
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")

    def handle(self, *args, outlet=None, tag=None, since=None, until=None, output=None, **opts):
        articles = Article.objects.all()
        if outlet:
            articles = articles.filter(outlet__name__iexact=outlet) | articles.filter(
                outlet__slug=outlet
            )
        if tag:
            articles = articles.filter(tags__name__iexact=tag) | articles.filter(tags__slug=tag)
            articles = articles.distinct()
        if since:
            articles = articles.filter(published__gte=_date(since))
        if until:
            articles = articles.filter(published__lte=_date(until))
        # A whole-archive export also carries the outlets, authors and tags no article
        # uses, so that export -> wipe -> ingest gives back the same archive.
        lines = export_jsonl(articles, unused=not (outlet or tag or since or until))
        if output:
            with open(output, "w", encoding="utf-8") as stream:
                stream.writelines(lines)
            self.stderr.write(f"Exported {articles.count()} articles to {output}.")
        else:
            for line in lines:
                self.stdout.write(line, ending="")
