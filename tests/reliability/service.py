"""The archive served by gunicorn for the reliability tests, and ways to look inside it.

``Service`` runs ``gunicorn -c docker/gunicorn.conf.py config.wsgi`` (the production
configuration, two workers, DEBUG off) on loopback over an ``Archive`` of
tests/search/test_concurrency_support.py: a database and an index of its own.
``Database`` reads that database directly, as an operator with ``psql`` would.
"""

import contextlib
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.net import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
TIMEOUT = 30.0  # per request: a busy two-core machine is slow, not broken


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float = TIMEOUT,
    on_connect=None,
) -> Answer:
    """One request on a fresh connection; ``on_connect(local_port)`` runs before it is sent."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.connect()
        if on_connect:
            on_connect(connection.sock.getsockname()[1])
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read())
    finally:
        connection.close()


class Service:
    """A running gunicorn master with its workers; ``stop()`` ends them."""

    def __init__(self, env: dict, log: Path, *, token: str = ""):
        self.port = free_port()
        self.token = token
        self.log = log
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "2",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            # The throttles stay on (their code runs on every request), at rates that a
            # bounded test from one address cannot reach.
            "API_ANON_RATE": "1000000/min",
            "PAGES_ANON_RATE": "1000000/min",
            "EXPORT_ANON_RATE": "1000000/min",
            "LOG_LEVEL": "INFO",
        }
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 60) -> "Service":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "-c", "docker/gunicorn.conf.py", "config.wsgi"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError):
                if self.get("/healthz", timeout=5).status == 200:
                    break
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log_tail()}"
            assert time.monotonic() < deadline, (
                f"not serving after {timeout:g} s:\n{self.log_tail()}"
            )
            time.sleep(0.2)
        # Both workers up, so a killed or busy one has a sibling from the start.
        while len(self.workers()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    # --- talking to it ---
    def call(self, method: str, path: str, data=None, **options) -> Answer:
        """A request as the token's user (when there is a token), JSON in."""
        headers = {"Authorization": f"Token {self.token}"} if self.token else {}
        body = None
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        return request(self.port, method, path, body=body, headers=headers, **options)

    def get(self, path: str, **options) -> Answer:
        return request(self.port, "GET", path, **options)

    def wait_for(self, path: str, predicate, *, timeout: float = 20) -> Answer:
        """GET ``path`` until ``predicate(answer)`` holds or ``timeout`` passes; the last answer."""
        deadline = time.monotonic() + timeout
        while True:
            answer = self.get(path)
            if predicate(answer) or time.monotonic() > deadline:
                return answer
            time.sleep(0.2)

    # --- looking inside ---
    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def worker_for(self, client_port: int, *, timeout: float = 10) -> int:
        """The pid of the worker that accepted the connection from ``client_port``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            inode = _socket_inode(self.port, client_port)
            for pid in self.workers() if inode else ():
                if f"socket:[{inode}]" in open_files(pid):
                    return pid
            time.sleep(0.01)
        raise AssertionError(f"no worker accepted the connection from port {client_port}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _socket_inode(server_port: int, client_port: int) -> str:
    # /proc/net/tcp: "sl local_address rem_address st ... uid timeout inode"; ports in hex.
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1].split(":")[1], fields[2].split(":")[1]
        if int(local, 16) == server_port and int(remote, 16) == client_port and fields[9] != "0":
            return fields[9]
    return ""


def open_files(pid: int) -> set[str]:
    """What the process has open (paths and ``socket:[inode]``); empty once it is gone."""
    found = set()
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                found.add(os.readlink(fd))
    return found


def sigkill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


class Database:
    """Direct SQL on an Archive's database (SQLite file or PostgreSQL), autocommit."""

    def __init__(self, url: str):
        self.url = url
        parts = urlsplit(url)
        self.postgres = parts.scheme.startswith("postgres")
        if self.postgres:
            import psycopg2

            self.connection = psycopg2.connect(url, connect_timeout=10)
            self.connection.autocommit = True
        else:
            self.connection = sqlite3.connect(
                parts.path[1:] if parts.path.startswith("//") else parts.path,
                timeout=30,
                isolation_level=None,
            )

    def scalar(self, sql: str):
        cursor = self.connection.cursor()
        cursor.execute(sql)
        row = cursor.fetchone()
        cursor.close()
        return row[0] if row else None

    @contextlib.contextmanager
    def writes_blocked(self):
        """Hold a lock that makes every article insert wait until the block ends."""
        cursor = self.connection.cursor()
        if self.postgres:
            cursor.execute("BEGIN")
            cursor.execute("LOCK TABLE archive_article IN SHARE MODE")
        else:
            cursor.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            cursor.execute("ROLLBACK")
            cursor.close()

    def close(self) -> None:
        self.connection.close()
