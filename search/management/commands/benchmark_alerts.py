"""python manage.py benchmark_alerts [--searches 1000] [--new 2000] [--repeat 5]"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.models import Article


class Command(BaseCommand):
    help = (
        "Load Reuters-21578 (into this DATA_DIR's database) and index it, make N saved "
        "searches and time matching the newest M articles against them (median and p95)."
    )

    def add_arguments(self, parser):
        default = Path(settings.SHARED_DIR) / "datasets" / "reuters21578"
        parser.add_argument("--corpus", type=Path, default=default)
        parser.add_argument("--searches", type=int, default=1000)
        parser.add_argument("--new", type=int, default=2000)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, corpus: Path, searches: int, new: int, repeat: int, **options):
        from search import bench
        from search.service import get_backend

        if not corpus.is_dir():
            raise CommandError(f"No corpus at {corpus}")
        bench.database_migrate(log=self.stdout.write)
        bench.corpus_load(corpus, copies=range(1), log=self.stdout.write)
        total = Article.objects.count()
        if get_backend().stats().get("documents", 0) != total:
            count, rate, _ = bench.rebuild_rate()
            self.stdout.write(f"index rebuilt: {count:,} articles at {rate:,.0f}/s")
        distinct = bench.saved_searches_make(searches)
        new_ids = list(Article.objects.order_by("-pk").values_list("pk", flat=True)[:new])
        samples, cpu, made = bench.matching_figures(new_ids, repeat=repeat)
        median, p95 = bench.percentiles(samples)
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".")[-1]
        self.stdout.write(
            f"{settings.SEARCH_BACKEND} on {database}: {searches} saved searches ({distinct} "
            f"distinct) x {len(new_ids)} new articles of {total:,}: matching median "
            f"{median:.2f} s, p95 {p95:.2f} s (CPU median {bench.percentiles(cpu)[0]:.2f} s, "
            "database server included) "
            f"over {repeat} runs; {made} matches; load {os.getloadavg()[0]:.2f}"
        )
