"""Benchmark: the whole of Reuters-21578 into an empty database, then searchable.

Run it against a throw-away data directory (it migrates a fresh database there):

    DATA_DIR=/tmp/bench-ingest .venv/bin/python tests/benchmarks/bench_ingest.py

or on PostgreSQL with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ingest``
(the database is emptied first). It prints the articles stored per second and the
seconds from the start until the search index has every article (``--stored-only``:
stop once stored). CPU is given for the writer, the reading worker and, on PostgreSQL,
the writer's server process (where its inserts and look-ups run). DEBUG is off, as in
production. The band keys of copy detection, which an import leaves to the worker, are
written after it and timed apart; with ``--worker`` a real ``db_worker`` runs beside the
import and writes them as it asks, as on a site.
"""

import glob
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    import django

    django.setup()
    from django.conf import settings

    # As a production import runs: with DEBUG on, Django keeps the SQL of every statement
    # with its parameters quoted, which costs most where a statement has thousands.
    settings.DEBUG = False
    from django.core.management import call_command

    from archive.ingest.copies import bands_write
    from archive.ingest.run import ingest_paths
    from archive.models import Article
    from search.bench import database_cpu_seconds, machine_cpu_seconds, process_cpu_seconds
    from search.maintenance import index_sync

    if "DATA_DIR" not in os.environ and "DATABASE_URL" not in os.environ:
        sys.exit("Set DATA_DIR (or DATABASE_URL) to a throw-away place: this empties the database.")
    corpus = Path(settings.SHARED_DIR) / "datasets" / "reuters21578"
    files = sorted(glob.glob(str(corpus / "reut2-*.xml")) + glob.glob(str(corpus / "reut2-*.sgm")))
    if not files:
        sys.exit(f"Reuters-21578 not found in {corpus}")
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    index_dir = Path(settings.SEARCH_INDEX_DIR)
    if index_dir.is_dir() and str(index_dir).startswith(("/tmp", str(ROOT / "var"))):
        import shutil

        shutil.rmtree(index_dir)

    # ``--worker``: a real ``db_worker`` beside the import, as a site runs one, writing the
    # band keys the import asks for while it goes on.
    worker = None
    if "--worker" in sys.argv:
        import subprocess

        from tests.processes import worker as db_worker

        worker = db_worker(dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started, cpu, server = time.monotonic(), time.process_time(), database_cpu_seconds()
    machine = machine_cpu_seconds()
    batch = ingest_paths(files)
    stored = time.monotonic() - started
    stored_cpu = time.process_time() - cpu
    server_cpu = database_cpu_seconds() - server
    reader = resource.getrusage(resource.RUSAGE_CHILDREN)
    reader_cpu = reader.ru_utime + reader.ru_stime
    machine_cpu = machine_cpu_seconds() - machine
    if worker is not None:
        drained_keys = _queue_drained(started)
        worker_cpu = process_cpu_seconds(worker.pid)
        drained_cpu = machine_cpu_seconds() - machine
        worker.terminate()
        worker.wait(timeout=60)
        print(
            f"with a worker running: band keys all written {drained_keys:.1f} s after the start"
            f" (the worker's CPU: {worker_cpu:.1f} s; the whole machine's until then:"
            f" {drained_cpu:.1f} s)"
        )
    # The band keys of copy detection, which the import leaves to the worker: written
    # here, as the worker would, and timed apart.
    keys_started, keys_cpu = time.monotonic(), time.process_time()
    keys_server = database_cpu_seconds()
    keyed = bands_write()
    keys_wall, keys_cpu = time.monotonic() - keys_started, time.process_time() - keys_cpu
    keys_server = database_cpu_seconds() - keys_server
    drained = None if "--stored-only" in sys.argv else index_sync()
    searchable = time.monotonic() - started
    total = Article.objects.count()
    print(f"files: {len(files)}, database: {settings.DATABASES['default']['ENGINE']}")
    print(
        f"created {batch.created}, updated {batch.updated}, duplicates {batch.duplicates}, "
        f"skipped {batch.skipped}, failed {batch.failed}; linked near-duplicates {batch.linked}"
    )
    print(f"articles in the database: {total}")
    print(
        f"stored in {stored:.1f} s: {batch.created / stored:,.0f} articles/s "
        f"(CPU: {stored_cpu:.1f} s writing, {server_cpu:.1f} s in its database server, "
        f"{reader_cpu:.1f} s reading in the worker; "
        f"{batch.created / stored_cpu:,.0f} articles per CPU-second of the writer;"
        f" {machine_cpu:.1f} s of the whole machine's)"
    )
    print(
        f"then the worker's task: band keys of {keyed} articles written in {keys_wall:.1f} s "
        f"(CPU: {keys_cpu:.1f} s, {keys_server:.1f} s in its database server)"
    )
    if drained is not None:
        print(f"searchable {searchable:.1f} s after the start ({drained} index changes)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


def _queue_drained(started: float) -> float:
    """Seconds from ``started`` until no article waits for its band keys."""
    from archive.models import CopyBandQueue

    while CopyBandQueue.objects.exists():
        time.sleep(0.1)
    return time.monotonic() - started


if __name__ == "__main__":
    main()
