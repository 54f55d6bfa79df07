"""The query kinds of ``benchmark_search`` timed with CPU p50 and p95 (not a test).

On a machine shared with other work the wall-clock time mostly counts waits for a core;
the CPU time is what a search costs. Run on an index that ``benchmark_search`` built:

    DATA_DIR=/tmp/b10 DEBUG=0 SECRET_KEY=x SEARCH_TIME_LIMIT_MS=30000 \\
        PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_query_cpu.py 30

Run it from two checkouts on the same DATA_DIR to compare them.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from archive.models import Article  # noqa: E402
from search import bench, service  # noqa: E402


def timed(function, arguments, *, repeat):
    wall, cpu = [], []
    for i in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function(arguments[i % len(arguments)])
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return (*bench.percentiles(wall), *bench.percentiles(cpu))


def main(repeat: int) -> None:
    bench.timed = timed  # the same queries as benchmark_search, with CPU p95 too
    first = Article.objects.order_by("pk").values_list("pk", flat=True)[0]
    service.more_like_this(first)  # maps built once per index segment: not a query's cost
    print("load average before:", os.getloadavg())
    figures = bench.query_figures(repeat=repeat, collapse="copies")
    print(f"{'kind':32} wall p50    p95  CPU p50    p95")
    for name, (p50, p95, cpu50, cpu95) in figures.items():
        print(f"{name:32} {p50:8.1f} {p95:6.1f} {cpu50:8.1f} {cpu95:6.1f}")
    print("load average after:", os.getloadavg())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
