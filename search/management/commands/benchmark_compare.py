"""python manage.py benchmark_compare [--corpus PATH] [--scale 10] [--repeat 20]"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.models import Article
from search.types import SearchRequest

# Five searches of different sizes: a topic of 4,000 articles (read in a sample), a
# few hundred, a few dozen; words, a phrase and a filter.
SEARCHES = (
    SearchRequest(tags=("topic:earn",)),
    SearchRequest(q="oil prices"),
    SearchRequest(tags=("topic:coffee",)),
    SearchRequest(q='"interest rates"', tags=("topic:money-fx",)),
    SearchRequest(q="wheat", years=(1987,)),
)


class Command(BaseCommand):
    help = (
        "Load Reuters-21578 (as benchmark_search does) and time five-search comparisons "
        "(series, facets, samples, significant terms): p50/p95 per comparison and per search."
    )

    def add_arguments(self, parser):
        default = Path(settings.SHARED_DIR) / "datasets" / "reuters21578"
        parser.add_argument("--corpus", type=Path, default=default)
        parser.add_argument("--scale", type=int, default=1)
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, corpus: Path, scale: int, repeat: int, **options):
        from search import bench, compare
        from search.service import get_backend

        if not corpus.is_dir():
            raise CommandError(f"No corpus at {corpus}")
        bench.database_migrate(log=self.stdout.write)
        steps = [1] + ([scale] if scale > 1 else [])
        searches = [
            compare.ComparedSearch(r, f"search {i}", "#000000") for i, r in enumerate(SEARCHES)
        ]
        for copies in steps:
            bench.corpus_load(corpus, copies=range(copies), log=self.stdout.write)
            total = Article.objects.count()
            if get_backend().stats().get("documents") != total:
                bench.rebuild_rate()
            self.stdout.write(f"\n== {total:,} articles ({copies}x), {settings.SEARCH_BACKEND}")
            compare.compare(searches)  # warm up: caches, the archive's day counts
            p50, p95, cpu = bench.timed(compare.compare, [searches], repeat=repeat)
            self.stdout.write(f"{'':36} p50 ms  p95 ms  CPU p50")
            self.stdout.write(f"{'five searches compared':36} {p50:6.1f}  {p95:6.1f}  {cpu:6.1f}")
            self.stdout.write("each search alone (series, facets, samples, terms):")
            for compared in searches:
                p50, p95, cpu = bench.timed(
                    lambda s: compare.compare([s]), [compared], repeat=repeat
                )
                label = _label(compared.request)
                self.stdout.write(f"  {label:34} {p50:6.1f}  {p95:6.1f}  {cpu:6.1f}")


def _label(request: SearchRequest) -> str:
    parts = [request.q, *request.tags, *(str(y) for y in request.years)]
    return " ".join(p for p in parts if p)[:34]
