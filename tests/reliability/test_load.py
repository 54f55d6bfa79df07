"""Load: 16 clients search with facets for 30 s while 2,000 Reuters articles are imported.

The service is gunicorn with the production configuration (two sync workers) on
loopback; half the searches go to the JSON API with six facets, the rest to the HTML
search page. The figures are printed (also under ``pytest -q``) and written to
``load-figures.json`` in the test's temporary directory.
"""

import json
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest

from tests.reliability.service import ROOT, request

pytestmark = pytest.mark.slow

CLIENTS = 16
SECONDS = 30.0
INGEST_AFTER = 3.0  # seconds of searching an empty archive first
REUTERS_FILES = ("reut2-000.xml", "reut2-001.xml")  # 2,000 documents
WORDS = ("oil", "trade", "bank rates", "cocoa", "grain OR wheat", "dollar", "shares", "gold", "")
FACETS = "outlet,year,month,topic,place,organization"


@dataclass
class Tally:
    """What the clients saw; shared by their threads."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    api: int = 0
    pages: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, seconds: float, error: str) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if path.startswith("/api/"):
                self.api += 1
            else:
                self.pages += 1
            if error:
                self.errors.append(f"{path}: {error}")


def search_path(n: int) -> str:
    word = quote(WORDS[n % len(WORDS)])
    if n % 2:
        return f"/?q={word}"
    return f"/api/search/?q={word}&facets={FACETS}&page_size=10"


def client(port: int, first: int, until: float, tally: Tally) -> None:
    n = first
    while time.monotonic() < until:
        path = search_path(n)
        n += 1
        started = time.perf_counter()
        try:
            answer = request(port, "GET", path)
            error = "" if answer.status == 200 else f"HTTP {answer.status}: {answer.text[:200]}"
        except OSError as exc:  # refused, reset, timed out: a user would see an error too
            error = f"{type(exc).__name__}: {exc}"
        tally.add(path, time.perf_counter() - started, error)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ingest_figures(output: str) -> dict:
    counts = re.search(
        r"created (\d+), updated (\d+), duplicates (\d+), skipped (\d+), failed (\d+) "
        r"in ([\d.]+) s",
        output,
    )
    assert counts, output
    names = ("created", "updated", "duplicates", "skipped", "failed")
    figures = dict(zip(names, map(int, counts.groups()[:5]), strict=True))
    figures["store_seconds"] = float(counts.group(6))
    searchable = re.search(r"brought up to date \(\d+ changes\) ([\d.]+) s after", output)
    figures["searchable_seconds"] = float(searchable.group(1)) if searchable else None
    return figures


def test_sixteen_clients_search_without_errors_during_an_import(
    archive, serve, reuters_dir, tmp_path, capsys
):
    files = [str(reuters_dir / name) for name in REUTERS_FILES]
    rebuilt = archive.manage("search_index", "rebuild")  # an empty index, as after install
    assert rebuilt.returncode == 0, rebuilt.stderr
    service = serve(archive)

    tally = Tally()
    started = time.monotonic()
    until = started + SECONDS
    clients = [
        threading.Thread(target=client, args=(service.port, n * 7, until, tally), daemon=True)
        for n in range(CLIENTS)
    ]
    for thread in clients:
        thread.start()
    time.sleep(INGEST_AFTER)
    ingest_started = time.monotonic()
    ingest = subprocess.Popen(
        [sys.executable, "manage.py", "ingest", *files],
        cwd=ROOT, env=archive.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        output, errors = ingest.communicate(timeout=SECONDS + 60)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    ingest_wall = time.monotonic() - ingest_started
    for thread in clients:
        thread.join(timeout=60)
    elapsed = time.monotonic() - started

    imported = ingest_figures(output)
    figures = {
        "clients": CLIENTS,
        "seconds": round(elapsed, 1),
        "requests": len(tally.latencies),
        "api_requests": tally.api,
        "page_requests": tally.pages,
        "requests_per_second": round(len(tally.latencies) / elapsed, 1),
        "p50_ms": round(percentile(tally.latencies, 0.50) * 1000),
        "p95_ms": round(percentile(tally.latencies, 0.95) * 1000),
        "max_ms": round(max(tally.latencies) * 1000),
        "errors": len(tally.errors),
        "ingest": imported,
        "ingest_articles_per_second": round(imported["created"] / imported["store_seconds"]),
        "ingest_wall_seconds": round(ingest_wall, 1),
        "database": archive.env["DATABASE_URL"].split(":", 1)[0],
    }
    (tmp_path / "load-figures.json").write_text(json.dumps(figures, indent=2))
    with capsys.disabled():
        print(
            f"\nLoad ({figures['database']}): {figures['requests']} searches by {CLIENTS} "
            f"clients in {figures['seconds']} s ({figures['requests_per_second']}/s), "
            f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
            f"max {figures['max_ms']} ms, {figures['errors']} errors; import of "
            f"{imported['created']} articles at {figures['ingest_articles_per_second']}/s "
            f"({figures['ingest_wall_seconds']} s until searchable)"
        )

    assert ingest.returncode == 0, errors
    assert tally.errors == [], tally.errors[:10]
    assert all(not thread.is_alive() for thread in clients)
    assert imported["failed"] == 0 and imported["created"] + imported["skipped"] == 2000

    # Every imported article is in the index: the check compares every id and version...
    check = archive.manage("search_index", "check")
    assert "The index agrees with the database." in check.stdout, check.stdout + check.stderr
    assert f"{imported['created']} articles, {imported['created']} documents" in check.stdout
    # ...and a reader finds them all, counted under their outlet (copies too).
    everything = service.get("/api/search/?q=&facets=outlet&page_size=1&collapse=none").json()
    assert everything["count"] == imported["created"]
    assert everything["facets"]["outlet"] == [
        {"value": "reuters", "label": "Reuters", "count": imported["created"]}
    ]
