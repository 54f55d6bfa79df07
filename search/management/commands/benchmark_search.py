"""python manage.py benchmark_search [--corpus PATH] [--scale 10] [--repeat 60]
[--link-copies] [--collapse copies none ...] [--mode keyword hybrid ...] [--embed N]
[--reuse-vectors]"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.models import Article
from search.types import COLLAPSES, MODES


class Command(BaseCommand):
    help = (
        "Load Reuters-21578 (bulk, into this DATA_DIR's database), rebuild the index and "
        "report p50/p95 of the query service; with --scale N also at N times the corpus."
    )

    def add_arguments(self, parser):
        default = Path(settings.SHARED_DIR) / "datasets" / "reuters21578"
        parser.add_argument("--corpus", type=Path, default=default)
        parser.add_argument("--scale", type=int, default=1)
        parser.add_argument("--repeat", type=int, default=60)
        parser.add_argument(
            "--skip-rebuild",
            action="store_true",
            help="Reuse the index when it already holds every article.",
        )
        parser.add_argument(
            "--link-copies",
            action="store_true",
            help="Link articles with the same headline and date as copies (a stand-in for "
            "copy detection) before the rebuild, so that there are groups to fold.",
        )
        parser.add_argument(
            "--collapse",
            nargs="+",
            choices=COLLAPSES,
            default=["copies"],
            help="Time the queries under each of these (search's collapse); default: copies.",
        )
        parser.add_argument(
            "--mode",
            nargs="+",
            choices=MODES,
            default=["keyword"],
            help="Time the queries in each of these search modes; semantic and hybrid turn "
            "SEARCH_SEMANTIC on and embed the backlog first (see --embed).",
        )
        parser.add_argument(
            "--embed",
            type=int,
            help="Embed at most this many more articles before timing a semantic or hybrid "
            "mode (a sample, in id order; default: all of the backlog).",
        )

        parser.add_argument(
            "--reuse-vectors",
            action="store_true",
            help="Embed the articles of copy 0 only and give each later copy of an article "
            "its original's stored vectors, with a little seeded noise: a stand-in that "
            "times semantic and hybrid search at --scale without hours of embedding (the "
            "output says so; the copies' vectors are not the model's).",
        )

    def handle(self, *args, corpus: Path, scale: int, repeat: int, skip_rebuild: bool, **kw):
        from search import bench

        link_copies, collapses, modes = kw["link_copies"], kw["collapse"], kw["mode"]
        if not corpus.is_dir():
            raise CommandError(f"No corpus at {corpus}")
        bench.database_migrate(log=self.stdout.write)
        # A database loaded at scale already is timed once, under its own scale.
        loaded = bench.copies_loaded()
        steps = [n for n in [1] + ([scale] if scale > 1 else []) if n >= loaded]
        for copies in steps:
            bench.corpus_load(corpus, copies=range(copies), log=self.stdout.write)
            if link_copies:
                linked = bench.copies_link()
                self.stdout.write(f"linked {linked:,} more articles as copies")
            total = Article.objects.count()
            folded = Article.objects.exclude(duplicate_of=None).count()
            self.stdout.write(
                f"\n== {total:,} articles, {folded:,} of them copies ({copies}x corpus)"
            )
            if not skip_rebuild or _indexed() != total:
                count, rate, cpu_rate = bench.rebuild_rate()
                self.stdout.write(
                    f"rebuild: {count:,} articles at {rate:,.0f} articles/s "
                    f"({cpu_rate:,.0f} per CPU-second of all its processes)"
                )
            self.reused = kw["reuse_vectors"] and copies > 1
            if set(modes) - {"keyword"}:
                self._embed(kw["embed"], reuse=kw["reuse_vectors"])
            for collapse in collapses:
                for mode in modes:
                    self._time(collapse, mode, repeat)

    def _embed(self, limit: int | None, *, reuse: bool) -> None:
        from search import bench

        settings.SEARCH_SEMANTIC = True
        if reuse:  # the originals only: copy 0 has the lowest ids, embedded first
            pending = bench.originals_pending()
            limit = pending if limit is None else min(limit, pending)
        encoded, rate, embedded = bench.embed_rate(limit=limit)
        self.stdout.write(
            f"embedded {encoded:,} articles at {rate:,.1f} articles/s; "
            f"{embedded:,} of {Article.objects.count():,} articles have vectors"
        )
        if reuse:
            reused = bench.vectors_reuse()
            self.stdout.write(
                f"REUSED VECTORS: {reused:,} more copies were given the stored vectors of "
                f"the copy-0 article they repeat, plus seeded noise ({bench.REUSE_NOISE} a "
                "number): a stand-in for timing only, not the model's vectors; "
                f"{bench.embedded_count():,} articles have vectors"
            )
        passages, seconds = bench.vectors_ready()
        how = "exact search" if seconds is None else f"approximate index built in {seconds:,.0f} s"
        self.stdout.write(f"vectors: {passages:,} passages loaded, {how}")

    def _time(self, collapse: str, mode: str, repeat: int) -> None:
        from search import bench

        reused = " (copies reuse vectors)" if mode != "keyword" and self.reused else ""
        title = f"collapse={collapse}, mode={mode}{reused}: query (page of 20, facets...)"
        self.stdout.write(f"{title:58} p50 ms  p95 ms  CPU p50")
        figures = bench.query_figures(repeat=repeat, collapse=collapse, mode=mode)
        for name, (p50, p95, cpu) in figures.items():
            self.stdout.write(f"{name:58} {p50:6.1f}  {p95:6.1f}  {cpu:6.1f}")


def _indexed() -> int:
    from search.service import get_backend

    try:
        return get_backend().stats().get("documents", 0)
    except Exception:  # no readable index: rebuild it
        return -1
