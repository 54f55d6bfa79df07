"""Load benchmark of the REST search API (not a test).

gunicorn with 2 workers on loopback, the archive holding all of Reuters-21578, 8 concurrent
clients sending a mix of /api/search/ requests with facets and highlights. Target: at least
150 requests/s with p95 at most 100 ms.

    DATA_DIR=/tmp/bench .venv/bin/python tests/benchmarks/api_load.py --setup   # once
    DATA_DIR=/tmp/bench .venv/bin/python tests/benchmarks/api_load.py --duration 30

``--setup`` migrates the database in DATA_DIR, ingests ../shared/datasets/reuters21578 and
rebuilds the index. The load comes from wrk (Debian: ``apt-get install wrk``) with
api_load.lua; without wrk, from a thread-per-client Python loop (heavier on the CPU the
server shares). Anonymous throttling is off for the server under test.
"""

import argparse
import http.client
import os
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


def search_paths() -> list[str]:
    return [f"/api/search/?{query}" for query in QUERIES]


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def setup(env: dict) -> None:
    reuters = ROOT.parent / "shared" / "datasets" / "reuters21578"
    manage(env, "migrate", "--noinput")
    manage(env, "ingest", str(reuters))
    manage(env, "search_index", "rebuild")


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


def warm_up(port: int) -> None:
    for path in search_paths() * 2:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            assert response.status == 200, path


def run_wrk(port: int, clients: int, duration: int) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as paths:
        paths.write("\n".join(search_paths()) + "\n")
    env = {**os.environ, "API_LOAD_PATHS": paths.name}
    command = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{duration}s", "--timeout", "10s"]
    command += ["-s", str(HERE / "api_load.lua"), f"http://127.0.0.1:{port}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    os.unlink(paths.name)
    return next(line for line in done.stdout.splitlines() if line.startswith("RESULT"))


def run_threads(port: int, clients: int, duration: int) -> str:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        paths = search_paths()
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
    port = free_port()
    server = start_server(env, port)
    try:
        warm_up(port)
        runner = run_wrk if shutil.which("wrk") else run_threads
        print(runner.__name__, runner(port, args.clients, args.duration))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
