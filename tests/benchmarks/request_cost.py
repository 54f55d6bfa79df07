"""In-process cost of one search request (not a test): the load test's requests through
Django's test Client, timed one after another, with the database queries each asks.

Less sensitive to a busy machine than ``api_load.py`` (one process, no network, no
competing clients), so it shows what a change to the request path saves.

    DATA_DIR=/tmp/bench .venv/bin/python tests/benchmarks/request_cost.py --rounds 20
    DATA_DIR=/tmp/bench .venv/bin/python tests/benchmarks/request_cost.py --page --profile

Uses the archive api_load.py ``--setup`` made. ``--page`` times the HTML search page
(/search/?q=…) instead of the API; ``--profile`` prints cProfile's heaviest functions (in
CPU time). ``--kind`` times a part of the API's searches: ``plain`` (words, no facets),
``filters`` (words and a filter, no facets) or ``facets`` (words, every facet counted).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere


def configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ |= {"DEBUG": "0", "SECRET_KEY": "benchmark-only", "LOG_LEVEL": "WARNING"}
    os.environ |= {"API_ANON_RATE": "", "PAGES_ANON_RATE": "", "SEARCH_OUTBOX_INTERVAL": "0"}
    os.environ |= {"ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "0"}
    import django

    django.setup()


def timed(client, paths: list[str], rounds: int) -> tuple[list[float], list[float], list[int]]:
    """Milliseconds of each request (wall clock and this process's CPU) and the database
    queries each asked. CPU time is what a busy machine disturbs least."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu, queries = [], [], []
    for _ in range(rounds):
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                started, used = time.perf_counter(), time.process_time()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - used) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            queries.append(len(captured))
    return times, cpu, queries


FILTERS = ("outlet=", "tag=", "year=", "date_from=")


def kind_paths(kind: str) -> list[str]:
    """The API's searches of one kind (see the module's docstring), from api_load's."""
    from tests.benchmarks.api_load import QUERIES, search_paths

    if kind == "all":
        return search_paths()
    filtered = [q for q in QUERIES if any(f in q for f in FILTERS)]
    words = [q for q in QUERIES if q not in filtered and "facets=" not in q]
    chosen = {"plain": words, "filters": filtered, "facets": words}[kind]
    none = "" if kind == "facets" else "&facets="
    return [f"/api/search/?{query}{none}" for query in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes over the requests")
    parser.add_argument("--page", action="store_true", help="the HTML search page, not the API")
    parser.add_argument("--profile", action="store_true", help="cProfile's top functions")
    parser.add_argument(
        "--kind", choices=("all", "plain", "filters", "facets"), default="all", help="API searches"
    )
    args = parser.parse_args()
    if "DATA_DIR" not in os.environ:
        raise SystemExit("Set DATA_DIR to the directory api_load.py --setup filled.")
    configure()
    from django.test import Client

    from tests.benchmarks.api_load import page_paths

    paths = page_paths() if args.page else kind_paths(args.kind)
    client = Client()
    timed(client, paths, 2)  # warm: the searcher, caches, imports
    profile = cProfile.Profile(time.process_time) if args.profile else None  # CPU: load-proof
    if profile:
        profile.enable()
    times, cpu, queries = timed(client, paths, args.rounds)
    if profile:
        profile.disable()
        pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
            45
        )
    cuts, cpu_cuts = statistics.quantiles(times, n=100), statistics.quantiles(cpu, n=100)
    print(
        f"RESULT {'page' if args.page else 'api-' + args.kind} requests={len(times)} "
        f"p50_ms={cuts[49]:.2f} p95_ms={cuts[94]:.2f} mean_ms={statistics.fmean(times):.2f} "
        f"cpu_p50_ms={cpu_cuts[49]:.2f} cpu_p95_ms={cpu_cuts[94]:.2f} "
        f"cpu_mean_ms={statistics.fmean(cpu):.2f} "
        f"queries_min={min(queries)} queries_max={max(queries)} "
        f"queries_mean={statistics.fmean(queries):.1f} load={os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
