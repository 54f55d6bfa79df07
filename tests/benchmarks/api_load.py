"""Load benchmark of the REST search API (not a test).

gunicorn with 2 workers on loopback, the archive holding all of Reuters-21578, 8 concurrent
clients sending a mix of /api/search/ requests with facets and highlights. Target: at least
200 requests/s with p95 at most 80 ms (issue 22).

    DATA_DIR=/tmp/bench .venv/bin/python tests/benchmarks/api_load.py --setup   # once
    DATA_DIR=/tmp/bench .venv/bin/python tests/benchmarks/api_load.py --duration 30

``--setup`` migrates the database in DATA_DIR, ingests ../shared/datasets/reuters21578,
rebuilds the index and collects the static files. ``--page`` loads the HTML search page
with the same searches; ``--imports N`` imports 20 new articles every N seconds and
``--worker`` runs the alerts worker beside the server (100 saved searches are made for
it), to compare the searches' p95 with and without it.

The load comes from wrk (Debian: ``apt-get install wrk``) with api_load.lua; without
wrk, from a thread-per-client Python loop (heavier on the CPU the server shares).
Anonymous throttling is off for the server under test.

``server_waited`` is the share of the workers' runnable time spent waiting for a core. A
background job's ``nice`` does not keep it low when the kernel groups tasks by session
(``/proc/sys/kernel/sched_autogroup_enabled`` = 1, Debian's and Ubuntu's default): nice
then only ranks tasks within one session, and each session gets an equal share of the
cores, so a ``nice 19`` job in another shell takes half of a 2-core machine. Lower such a
job's session instead (``echo 19 > /proc/<its pid>/autogroup``).
"""

import argparse
import http.client
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere

from tests.net import free_port

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# The shared data sits beside the main checkout, or one level up from a worktree of it.
REUTERS = next(
    (d / "shared/datasets/reuters21578" for d in ROOT.parents if (d / "shared/datasets").is_dir()),
    ROOT.parent / "shared/datasets/reuters21578",
)

QUERIES = [
    "q=oil",
    "q=crude+oil+prices&sort=newest",
    "q=bank+rates",
    "q=trade+deficit&facets=year,topic,place",
    "q=gold",
    "q=coffee+exports&outlet=reuters",
    "q=%22interest+rates%22",
    "q=opec&tag=topic:crude",
    "q=dollar+yen&page=2",
    "q=wheat&date_from=1987-03-01&date_to=1987-03-31",
    "q=grain+AND+ussr",
    "q=merger&sort=oldest&facets=organization,person",
    "q=earnings&tag=place:usa",
    "q=shares&year=1987",
    "q=inflation",
    "q=money+supply&page_size=10",
]


# The API's parameter names as the search page spells them (facets: the page shows its own).
PAGE_NAMES = {"date_from": "from", "date_to": "to", "page_size": "size"}


def search_paths() -> list[str]:
    return [f"/api/search/?{query}" for query in QUERIES]


def page_paths() -> list[str]:
    """The same searches on the HTML search page (``/?q=…``)."""
    paths = []
    for query in QUERIES:
        pairs = [pair.split("=", 1) for pair in query.split("&")]
        kept = [(PAGE_NAMES.get(k, k), v) for k, v in pairs if k != "facets"]
        paths.append("/?" + "&".join(f"{k}={v}" for k, v in kept))
    return paths


# Saved searches for the alerts worker to match imports against (``--worker``): words,
# phrases and filters, as the search page's parameters.
SAVED_SEARCHES = [
    {"q": ["oil"]},
    {"q": ["crude oil prices"], "sort": ["newest"]},
    {"q": ['"interest rates"']},
    {"q": ["opec"], "tag": ["topic:crude"]},
    {"q": ["wheat"], "outlet": ["reuters"]},
    {"q": ["grain AND ussr"]},
    {"q": ["dollar yen"]},
    {"q": ["coffee exports"]},
    {"q": ["merger"]},
    {"q": ["bank rates"], "year": ["1987"]},
]
SAVED_SEARCH_COPIES = 10  # of each: 100 saved searches
IMPORT_WORDS = (
    "Oil prices and crude output were discussed by OPEC as interest rates rose; wheat and "
    "grain sales to the USSR, coffee exports, the dollar against the yen, a bank merger."
)


def manage(env: dict, *args: str, **kwargs) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def saved_searches_setup(env: dict) -> None:
    """A user with ``SAVED_SEARCHES`` (once): the worker's matching has work to do."""
    searches = SAVED_SEARCHES * SAVED_SEARCH_COPIES
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from archive.alerts.models import SavedSearch\n"
        "user, _ = get_user_model().objects.get_or_create(username='api-load')\n"
        f"for n, params in enumerate({searches!r}):\n"
        "    SavedSearch.objects.get_or_create(user=user, name=f'load {n}', "
        "defaults={'params': params})\n"
    )
    manage(env, "shell", "-c", code)


def start_worker(env: dict) -> subprocess.Popen:
    """The alerts worker as ``make run`` starts it."""
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "1"]
    command.append("--no-reload")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


class Imports(threading.Thread):
    """A stream of imports during the load: every ``every`` seconds, ``size`` new articles
    that the saved searches find, through ``manage.py ingest`` (as a newsroom's cron would)."""

    def __init__(self, env: dict, *, every: float, size: int):
        super().__init__(daemon=True)
        self.env, self.every, self.size = env, every, size
        self.stop, self.batches, self.started = threading.Event(), 0, 0

    def run(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="api-load-imports-"))
        while not self.stop.wait(self.every):
            path = folder / f"batch-{self.batches}.jsonl"
            with path.open("w") as out:
                for n in range(self.size):
                    stamp = f"{time.time_ns()}-{self.batches}-{n}"
                    article = {"title": f"Markets {stamp}", "body": f"{IMPORT_WORDS} ({stamp})"}
                    out.write(json.dumps({**article, "outlet": "Reuters"}) + "\n")
            self.started += 1  # a batch may take longer than the load on a busy machine
            manage(self.env, "ingest", str(path), stdout=subprocess.DEVNULL)
            self.batches += 1
        shutil.rmtree(folder, ignore_errors=True)


def setup(env: dict) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "ingest", str(REUTERS))
    manage(env, "search_index", "rebuild")
    manage(env, "collectstatic", "--noinput", stdout=subprocess.DEVNULL)  # the page's CSS


def start_server(env: dict, port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/outlets/", timeout=5)
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user and system) these processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        used += int(fields[11]) + int(fields[12])  # utime, stime
    return used / ticks


def waited_seconds(pids: list[int]) -> float:
    """Time these processes have spent runnable but waiting for a core (the kernel's
    schedstat): on a machine with cores to spare it stays near nothing."""
    return sum(int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) for pid in pids) / 1e9


def workers_of(server: subprocess.Popen) -> list[int]:
    """The gunicorn master's worker processes."""
    tasks = Path(f"/proc/{server.pid}/task")
    return [int(p) for t in tasks.iterdir() for p in (t / "children").read_text().split()]


def with_cpu(run, workers: list[int], cores: int) -> str:
    """``run()``'s RESULT line with the CPU the workers and wrk (a child process) used:
    the workers' per request (what a busy machine disturbs least), and each one's share
    of the machine's cores; and the share of the workers' runnable time they waited for a
    core (``server_waited``): other work on the machine, whatever its load average says."""
    server, clients = cpu_seconds(workers), resource.getrusage(resource.RUSAGE_CHILDREN)
    waited = waited_seconds(workers)
    started = time.monotonic()
    line = run()
    elapsed = time.monotonic() - started
    server = cpu_seconds(workers) - server
    waited = waited_seconds(workers) - waited
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = after.ru_utime + after.ru_stime - clients.ru_utime - clients.ru_stime
    requests = int(line.split("requests=")[1].split()[0]) or 1
    return (
        f"{line} server_cpu_ms_per_request={1000 * server / requests:.2f} "
        f"server_cpu_share={server / (elapsed * cores):.2f} "
        f"client_cpu_share={load / (elapsed * cores):.2f} "
        f"server_waited={waited / ((server + waited) or 1):.2f}"
    )


def warm_up(port: int, paths: list[str], clients: int = 4) -> None:
    """Every request twice, from several clients at once so that every worker gets some:
    one that met its first search under load would time loading the index's columns (at
    10x, seconds of one worker's CPU), not searching."""

    failed: list[BaseException] = []

    def client(offset: int) -> None:
        try:
            for path in (paths * 2)[offset::clients]:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as got:
                    assert got.status == 200, path
        except BaseException as error:  # raised after the join: a failed warm-up stops the run
            failed.append(error)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise failed[0]


def run_wrk(port: int, paths: list[str], clients: int, duration: int) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listed:
        listed.write("\n".join(paths) + "\n")
    env = {**os.environ, "API_LOAD_PATHS": listed.name}
    command = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{duration}s", "--timeout", "10s"]
    command += ["-s", str(HERE / "api_load.lua"), f"http://127.0.0.1:{port}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    os.unlink(listed.name)
    return next(line for line in done.stdout.splitlines() if line.startswith("RESULT"))


def run_threads(port: int, paths: list[str], clients: int, duration: int) -> str:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        n = offset
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("GET", paths[n % len(paths)])
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors[0] += response.status != 200
            n += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(latencies, n=100)
    return (
        f"RESULT requests={len(latencies)} seconds={duration} rps={len(latencies) / duration:.1f} "
        f"p50_ms={cuts[49] * 1000:.1f} p95_ms={cuts[94] * 1000:.1f} p99_ms={cuts[98] * 1000:.1f} "
        f"errors={errors[0]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--setup", action="store_true", help="migrate, ingest Reuters, index")
    parser.add_argument("--duration", type=int, default=30, help="seconds of load")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--page", action="store_true", help="the HTML search page, not the API")
    parser.add_argument(
        "--imports", type=float, default=0, help="import 20 new articles every N seconds"
    )
    parser.add_argument(
        "--worker", action="store_true", help="run the alerts worker (db_worker) beside it"
    )
    args = parser.parse_args()
    if "DATA_DIR" not in os.environ:
        raise SystemExit("Set DATA_DIR to a directory of its own (it holds the benchmark's DB).")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only",
        "API_ANON_RATE": "",
        "PAGES_ANON_RATE": "",
    }
    env |= {"ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING"}
    if args.setup:
        setup(env)
    if args.worker or args.imports:
        saved_searches_setup(env)
    paths = page_paths() if args.page else search_paths()
    port = free_port()
    server = start_server(env, port)
    worker = start_worker(env) if args.worker else None
    imports = Imports(env, every=args.imports, size=20) if args.imports else None
    try:
        warm_up(port, paths)
        if imports:
            imports.start()
        runner = run_wrk if shutil.which("wrk") else run_threads
        cores = os.cpu_count() or 1
        result = with_cpu(
            lambda: runner(port, paths, args.clients, args.duration), workers_of(server), cores
        )
        done, started = (imports.batches, imports.started) if imports else (0, 0)
        background = f"imports_done={done} imports_started={started} worker={int(bool(worker))}"
        print(runner.__name__, result, background, f"load={os.getloadavg()[0]:.2f}")
    finally:
        if imports:
            imports.stop.set()
            imports.join(timeout=120)
        for process in (worker, server):
            if process:
                process.terminate()
                process.wait(timeout=60)


if __name__ == "__main__":
    main()
