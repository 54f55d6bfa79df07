"""The scaling curve: the search benchmark at several sizes of the archive, on each engine.

For each scale (copies of Reuters-21578) and backend: the rebuild's time and rate, the
index's size on disk, the peak memory of a fresh process serving the benchmark's queries
and their p50/p95. ``manage.py benchmark_scale`` runs it; the results are one JSON file
per run, and the table and the chart are made from any number of them.
"""

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

from archive.models import Article
from search import bench

BACKENDS = ("whoosh", "postgres")
# PostgreSQL's search tables: documents (vectors), facet values, words and stems.
PG_TABLES = (
    "search_pgdocument",
    "search_pgfacet",
    "search_pgword",
    "search_pgterm",
    "search_pgcount",
)
# The serving process may take this long per search: the curve measures the cost of a
# search at each size, not whether it fits the default budget (the doc says so).
SERVE_TIME_LIMIT_MS = "30000"


def index_size(backend: str) -> int:
    """Bytes on disk of the search index: the live Whoosh generation's files, or the
    PostgreSQL search tables with their indexes and TOAST."""
    from search.service import get_backend

    if backend != "postgres":
        return int(get_backend().stats().get("size_bytes", 0))
    with connection.cursor() as cursor:
        sizes = " + ".join(f"pg_total_relation_size('{t}')" for t in PG_TABLES)
        cursor.execute(f"SELECT {sizes}")
        return int(cursor.fetchone()[0])


def archive_size() -> int:
    """Bytes of the archive's own tables (articles, tags and their links), both engines."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size('archive_article')"
            " + pg_total_relation_size('archive_article_tags')"
        )
        return int(cursor.fetchone()[0])


def use_backend(name: str) -> None:
    from search.service import reset_backends

    settings.SEARCH_BACKEND = name
    reset_backends()


def step_measure(backend: str, *, repeat: int, log: Callable = print) -> dict:
    """Rebuild ``backend``'s index from the database, then time its queries in a fresh
    process; one row of the curve."""
    use_backend(backend)
    started = time.perf_counter()
    if backend == "postgres" and not pg_live():
        count, rate, cpu_rate = pg_switch_on()
    else:
        count, rate, cpu_rate = bench.rebuild_rate()
    rebuild_s = time.perf_counter() - started
    load_after_rebuild = os.getloadavg()[0]
    log(f"{backend}: rebuilt {count:,} articles in {rebuild_s:,.0f} s ({rate:,.0f}/s)")
    served = serve_measure(backend, repeat=repeat)
    return {
        "backend": backend,
        "articles": count,
        "rebuild_s": rebuild_s,
        "rebuild_rate": rate,
        "rebuild_cpu_rate": cpu_rate,
        "load_after_rebuild": load_after_rebuild,
        "index_bytes": index_size(backend),
        "archive_bytes": archive_size(),
        **served,
    }


def pg_live() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_pg_live()")
        return bool(cursor.fetchone()[0])


def pg_switch_on() -> tuple[int, float, None]:
    """The PostgreSQL backend's first start on an archive it does not index yet: it
    rebuilds every vector (the same rebuild as ``search_index rebuild``) and switches its
    triggers on. Timed as the rebuild, rather than rebuilding twice; its work is in the
    database server, so there is no CPU rate of this process to give."""
    from search.service import get_backend

    started = time.perf_counter()
    get_backend()
    return Article.objects.count(), Article.objects.count() / (time.perf_counter() - started), None


def serve_measure(backend: str, *, repeat: int) -> dict:
    """Run the queries in a new process (``benchmark_scale --serve``) so that its peak
    memory is that of serving them, not of loading or rebuilding."""
    env = {**os.environ, "SEARCH_BACKEND": backend, "SEARCH_TIME_LIMIT_MS": SERVE_TIME_LIMIT_MS}
    run = subprocess.run(
        [sys.executable, "manage.py", "benchmark_scale", "--serve", "--repeat", str(repeat)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def serve_figures(*, repeat: int) -> dict:
    """This process's query figures and its peak resident memory (what ``--serve`` prints)."""
    load_before = os.getloadavg()[0]
    figures = bench.query_figures(repeat=repeat)
    return {
        "queries": {
            name: {"p50": p50, "p95": p95, "cpu_p50": cpu}
            for name, (p50, p95, cpu) in figures.items()
        },
        "serve_peak_rss_bytes": peak_rss(),
        "load_queries": [load_before, os.getloadavg()[0]],
    }


def peak_rss() -> int:
    """This process's peak resident memory in bytes. Not ``ru_maxrss``: Linux carries that
    across fork and exec, so a child started by a big parent reports the parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def results_write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, indent=1))


def results_read(paths: list[Path]) -> list[dict]:
    """Every row of ``paths``, the last one of each (backend, scale) kept, by scale; a row
    transcribed from an earlier run (``"run": "earlier"``) never replaces a measured one,
    whatever the order of the files."""
    rows = {}
    for path in paths:
        for row in json.loads(path.read_text()):
            key = (row["backend"], row["scale"])
            if row.get("run") == "earlier" and key in rows and rows[key].get("run") != "earlier":
                continue
            rows[key] = row
    return sorted(rows.values(), key=lambda r: (r["scale"], BACKENDS.index(r["backend"])))
