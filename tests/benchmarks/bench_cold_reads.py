"""Searches whose postings are all read cold, CPU p50 and p95 per kind (not a test).

``benchmark_search`` keeps each word's postings in the process, so only a query's first
ask reads them from the index; here the process's kept postings are emptied before
every search, so each one decompresses and unpickles every posting list it needs (and a
phrase, its words' positions). Run on an index that ``benchmark_search`` built:

    DATA_DIR=/tmp/b10 SEARCH_ANSWERS_KEPT=0 SEARCH_TIME_LIMIT_MS=30000 \\
        PYTHONPATH=. .venv/bin/python tests/benchmarks/bench_cold_reads.py 3

Run it from two checkouts on the same DATA_DIR, one after the other, to compare them.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from search import bench, service  # noqa: E402
from search.backends.whoosh.postings_cache import PostingsCache  # noqa: E402
from search.types import SearchRequest  # noqa: E402

KINDS = {
    "one term": bench.ONE_TERM,
    "two terms": bench.TWO_TERMS,
    "phrase": bench.PHRASES,
    "question (plain words)": bench.QUESTIONS,
}


def cold_cpu_ms(query: str) -> float:
    service.get_backend().postings = PostingsCache()  # nothing kept: every posting read
    request = SearchRequest(q=query, facets=("outlet", "year", "topic", "place"), page_size=20)
    started = time.process_time()
    service.search(request)
    return (time.process_time() - started) * 1000


def main(rounds: int) -> None:
    cold_cpu_ms("warm up")
    print("load average before:", os.getloadavg())
    print(f"{'kind (every posting cold)':32} CPU p50    p95")
    for name, queries in KINDS.items():
        samples = [cold_cpu_ms(q) for _ in range(rounds) for q in queries]
        p50, p95 = bench.percentiles(samples)
        print(f"{name:32} {p50:7.1f} {p95:6.1f}")
    print("load average after:", os.getloadavg())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
