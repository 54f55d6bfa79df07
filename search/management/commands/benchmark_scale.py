"""python manage.py benchmark_scale [--scales 1 10 50] [--backends whoosh postgres]
[--repeat 40] [--results FILE.json] [--report FILE.json ... --out docs/]"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search import bench, scaling, scaling_report


class Command(BaseCommand):
    help = (
        "The scaling curve: at each scale, load Reuters-21578 that many times (bulk), then "
        "for each backend rebuild its index and time the search benchmark's queries in a "
        "fresh process (rebuild rate, index size, peak memory, p50/p95); writes JSON, "
        "a markdown table and a PNG chart."
    )

    def add_arguments(self, parser):
        default = Path(settings.SHARED_DIR) / "datasets" / "reuters21578"
        parser.add_argument("--corpus", type=Path, default=default)
        parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
        parser.add_argument(
            "--backends", nargs="+", choices=scaling.BACKENDS, default=list(scaling.BACKENDS)
        )
        parser.add_argument("--repeat", type=int, default=40)
        parser.add_argument("--results", type=Path, help="JSON file of this run's rows.")
        parser.add_argument(
            "--report",
            type=Path,
            nargs="*",
            help="Only make the table and chart of these JSON files.",
        )
        parser.add_argument("--out", type=Path, help="Folder for scaling.md and scaling.png.")
        parser.add_argument("--serve", action="store_true", help="(internal) time the queries")

    def handle(self, *args, **options):
        if options["serve"]:
            import json

            self.stdout.write(json.dumps(scaling.serve_figures(repeat=options["repeat"])))
            return
        if options["report"]:
            self._report(scaling.results_read(options["report"]), options["out"])
            return
        if not options["corpus"].is_dir():
            raise CommandError(f"No corpus at {options['corpus']}")
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("Run it with DATABASE_URL pointing to PostgreSQL (both need it).")
        bench.database_migrate(log=self.stdout.write)
        rows = []
        for scale in options["scales"]:
            bench.corpus_load(options["corpus"], copies=range(scale), log=self.stdout.write)
            self.stdout.write(
                f"== {scale}x loaded (corpus_load analysed the tables); load {os.getloadavg()}"
            )
            for backend in options["backends"]:
                row = scaling.step_measure(backend, repeat=options["repeat"], log=self.stdout.write)
                rows.append({"scale": scale, "load": os.getloadavg(), **row})
                if options["results"]:
                    scaling.results_write(options["results"], rows)
                self.stdout.write(self._tables([rows[-1]]))
        if options["out"]:
            self._report(rows, options["out"])

    def _tables(self, rows: list[dict]) -> str:
        return f"{scaling_report.sizes_table(rows)}\n\n{scaling_report.queries_table(rows)}\n"

    def _report(self, rows: list[dict], out: Path | None) -> None:
        tables = self._tables(rows)
        self.stdout.write(tables)
        if out:
            out.mkdir(parents=True, exist_ok=True)
            (out / "scaling.md").write_text(tables)
            try:
                scaling_report.chart_write(rows, out / "scaling.png")
            except scaling_report.ChartUnavailable as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"wrote {out / 'scaling.md'} and {out / 'scaling.png'}")
