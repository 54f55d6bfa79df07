"""Benchmark: an export of all of Reuters-21578, streamed, on each search backend.

Loads Reuters-21578 (once) into the PostgreSQL database of ``DATABASE_URL``, builds
both backends' indexes (the Whoosh one under ``DATA_DIR``), then exports, each run in a
fresh process: every article (no query, oldest first) and the oldest tenth of them, as
CSV and as JSON Lines. Each run reads the export's body to the end (hashing it, as an
HTTP response would be read) and reports articles per second, the time to the first
row, articles per CPU second (this process and its PostgreSQL server process: the
steadier figure on a shared machine) and the process's peak resident memory (VmHWM)
before and after: flat memory means the same peak for the whole archive as for a tenth.

    DEBUG=0 DATA_DIR=/tmp/export-bench \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/export_bench \\
    .venv/bin/python tests/benchmarks/bench_export.py [--runs 5] [--backends whoosh,postgres]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "datasets" / "reuters21578"


def setup_django(backend: str | None = None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if backend:
        os.environ["SEARCH_BACKEND"] = backend
    import django

    django.setup()


def server_cpu_seconds() -> float:
    """CPU seconds of this connection's PostgreSQL server process (same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb() -> float:
    """The process's high-water mark of resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def prepare(backends: list[str]) -> int:
    """Reuters in the database, and in each backend's index (built when it lacks any)."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from archive.models import Article
    from search import bench
    from search.documents import articles_for_index
    from search.service import get_backend, reset_backends

    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    if not Article.objects.exists():
        bench.corpus_load(CORPUS, copies=range(1))
    count = Article.objects.count()
    for name in backends:
        settings.SEARCH_BACKEND = name
        reset_backends()
        backend = get_backend()
        if getattr(backend, "ensure_index", None):
            backend.ensure_index()
        if backend.stats().get("documents") != count:
            print(f"building the {name} index of {count:,} articles…", flush=True)
            backend.rebuild(articles_for_index(), total=count)
    return count


def one_run(backend: str, fmt: str, part: str) -> dict:
    """One export in this process (a child): its figures as a dict."""
    setup_django(backend)
    from archive.models import Article
    from search.export.spec import ExportSpec
    from search.export.stream import Export
    from search.service import search
    from search.types import SearchRequest

    search(SearchRequest(q="oil"))  # the index opened and its columns loaded, as in a server
    request = SearchRequest(sort="oldest")
    if part == "tenth":
        dated = Article.objects.exclude(published=None).order_by("published", "pk")
        last = dated.values_list("published", flat=True)[dated.count() // 10]
        request = SearchRequest(sort="oldest", date_to=last)
    before = peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time() + server_cpu_seconds()
    export = Export(ExportSpec(request, fmt))
    first_row, size = None, 0
    for chunk in export.body():
        size += len(chunk)
        if first_row is None and export.rows:
            first_row = time.perf_counter() - started
    seconds = time.perf_counter() - started
    cpu = time.process_time() + server_cpu_seconds() - cpu
    return {
        "cpu_rate": export.rows / cpu,
        "rows": export.rows,
        "total": export.total,
        "seconds": seconds,
        "rate": export.rows / seconds,
        "first_row_ms": (first_row or 0) * 1000,
        "megabytes": size / 1e6,
        "rss_before": before,
        "rss_peak": peak_rss_mb(),
    }


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(backends: list[str], runs: int) -> None:
    print(f"uptime before: {subprocess.check_output(['uptime'], text=True).strip()}")
    rows = []
    for backend in backends:
        for fmt in ("csv", "jsonl"):
            for part in ("all", "tenth"):
                results = []
                for _ in range(runs):
                    out = subprocess.check_output(
                        [sys.executable, __file__, "--one", backend, fmt, part], text=True
                    )
                    results.append(json.loads(out.strip().splitlines()[-1]))
                rates = [r["rate"] for r in results]
                cpu_rates = [r["cpu_rate"] for r in results]
                first = [r["first_row_ms"] for r in results]
                rows.append(
                    f"| {backend} | {fmt} | {part} | {results[0]['rows']:,} "
                    f"| {results[0]['megabytes']:.1f} "
                    f"| {statistics.median(rates):,.0f} / {min(rates):,.0f} "
                    f"| {statistics.median(cpu_rates):,.0f} "
                    f"| {statistics.median(first):.0f} / {p95(first):.0f} "
                    f"| {statistics.median(r['rss_before'] for r in results):.0f} "
                    f"| {max(r['rss_peak'] for r in results):.0f} |"
                )
                print(rows[-1], flush=True)
    print(f"uptime after: {subprocess.check_output(['uptime'], text=True).strip()}")
    print(
        "| backend | format | part | articles | MB | articles/s median / slowest run "
        "| articles per CPU second (median) | first row ms median / p95 | RSS before MB "
        "| peak RSS MB |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", default="whoosh,postgres")
    parser.add_argument("--one", nargs=3, metavar=("BACKEND", "FORMAT", "PART"))
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(*args.one)))
        return
    if "DATA_DIR" not in os.environ or "DATABASE_URL" not in os.environ:
        sys.exit("Set DATA_DIR and DATABASE_URL to throw-away places (Reuters is loaded there).")
    backends = args.backends.split(",")
    count = prepare(backends)
    print(f"{count:,} articles")
    measure(backends, args.runs)


if __name__ == "__main__":
    main()
