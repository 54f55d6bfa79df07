"""Whoosh and PostgreSQL side by side on Reuters-21578: build rate, query p50/p95.

Run against a PostgreSQL database and a DATA_DIR of your own (it loads the corpus):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench DATA_DIR=/tmp/bench \\
        .venv/bin/python tests/benchmarks/compare_backends.py [--scale 10] [--repeat 60]

It reuses the search benchmark (``search.bench``): the same corpus loader, the same
queries through the query service (first page of 20, facets outlet/year/topic/place,
the histogram and highlights), one backend after the other on the same data.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def use_backend(name: str) -> None:
    from django.conf import settings

    from search.service import reset_backends

    settings.SEARCH_BACKEND = name
    reset_backends()


def server_cpu_seconds() -> float:
    """CPU seconds of this connection's PostgreSQL server process (same machine): with
    PostgreSQL the search runs there, not in Python."""
    from search.bench import database_cpu_seconds

    return database_cpu_seconds()


def timed(function, arguments: list, *, repeat: int) -> tuple[float, float, float]:
    """(p50, p95) wall milliseconds and p50 CPU milliseconds of Python + the server."""
    import statistics

    from search import bench

    samples, cpu = [], []
    for i in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time() + server_cpu_seconds()
        function(arguments[i % len(arguments)])
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() + server_cpu_seconds() - started_cpu) * 1000)
    return (*bench.percentiles(samples), statistics.median(cpu))


def sql_refresh_rate() -> tuple[int, float]:
    """PostgreSQL only: every vector recomputed by SQL alone (what a rebuild costs
    without loading the articles into Python; rows that come out the same are not
    written again)."""
    from django.db import connection, transaction

    from search.backends.pg import maintenance

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        count = maintenance.refresh(cursor, None)
    return count, count / (time.perf_counter() - started)


def measure(backends: list[str], repeat: int, *, skip_rebuild: bool = False) -> dict:
    from archive.models import Article
    from search import bench

    bench.timed = timed  # CPU of the PostgreSQL server counts too
    results = {}
    for name in backends:
        use_backend(name)
        figures = {}
        if not (skip_rebuild and indexed() == Article.objects.count()):
            count, rate, _cpu_rate = bench.rebuild_rate()
            figures["rebuild, articles/s"] = (rate, None)
            if name == "postgres":
                figures["vectors by SQL alone, articles/s"] = (sql_refresh_rate()[1], None)
                vacuum()  # what autovacuum does after a rebuild, done now
        count = indexed()
        figures.update(bench.query_figures(repeat=repeat))
        results[name] = figures
        print(f"{name}: {count:,} articles measured\n{table({name: figures})}\n", flush=True)
    return results


def indexed() -> int:
    """Documents in the current backend's index (-1 when there is none to read)."""
    from search.service import get_backend

    try:
        return get_backend().stats().get("documents", 0)
    except Exception:  # no readable index: rebuild it
        return -1


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("search_pgdocument", "search_pgfacet", "search_pgword", "search_pgterm"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def table(results: dict) -> str:
    names = list(results)
    header = "| measure | " + " | ".join(f"{n} p50 / p95 ms (CPU p50)" for n in names) + " |"
    lines = [header, "| --- |" + " --- |" * len(names)]
    rows = list(dict.fromkeys(row for name in names for row in results[name]))
    for row in rows:
        cells = []
        for name in names:
            p50, p95, *cpu = results[name].get(row, (None, None))
            if p50 is None:
                cells.append("-")
            elif p95 is None:
                cells.append(f"{p50:,.0f}")
            else:
                cells.append(f"{p50:.1f} / {p95:.1f} ({cpu[0]:.1f})" if cpu else f"{p50:.1f}")
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/datasets/reuters21578")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--backends", default="whoosh,postgres")
    parser.add_argument(
        "--skip-rebuild",
        action="store_true",
        help="Reuse each backend's index when it holds every article (a run before built it).",
    )
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from archive.models import Article
    from search import bench

    if connection.vendor != "postgresql":
        sys.exit("Run it with DATABASE_URL pointing to PostgreSQL (both backends need it).")
    started = time.perf_counter()
    bench.corpus_load(args.corpus, copies=range(args.scale), log=print)
    print(f"corpus ready in {time.perf_counter() - started:.0f} s (vectors by trigger)", flush=True)
    results = measure(args.backends.split(","), args.repeat, skip_rebuild=args.skip_rebuild)
    print(f"\n{Article.objects.count():,} articles ({args.scale}x Reuters-21578)\n")
    print(table(results))


if __name__ == "__main__":
    main()
