"""A PostgreSQL primary and its hot standby of the tests' own, in a temporary directory.

Built with the server's own tools as the ``postgres`` OS user (the server refuses to run
as root): ``initdb``, ``pg_ctl`` and ``pg_basebackup -R``. Both listen on loopback on free
ports; the machine's own cluster, its configuration and its ``pg_hba.conf`` are not
touched. ``stop()`` ends both servers and removes the directory.
"""

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2

from tests.net import free_port

REPLICATOR = "replicator"


def server_bin() -> Path | None:
    """The newest installed server's bin directory, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    return Path(found[-1]) if found else None


def skip_reason() -> str | None:
    if server_bin() is None:
        return "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres OS user to run a server as"
    if os.geteuid() != 0:
        return "not root: cannot run the server as the postgres user"
    return None


class Node:
    """One server of the pair: its data directory, port and a direct connection."""

    def __init__(self, cluster: "Cluster", name: str):
        self.cluster, self.name = cluster, name
        self.data = cluster.root / name
        self.port = free_port()

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-c port={self.port} -c unix_socket_directories={self.cluster.root}"
        self.cluster.run(
            "pg_ctl", "-D", self.data, "-l", self.cluster.root / f"{self.name}.log",
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self.cluster.run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def execute(self, sql: str, params=(), *, database: str = "postgres"):
        """Run one statement in autocommit; its first row, if it returns rows."""
        connection = psycopg2.connect(self.url(database), connect_timeout=5)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone() if cursor.description else None
        finally:
            connection.close()


class Cluster:
    """``Cluster().start()``: a primary with ``wal_level=replica`` and a streaming standby."""

    def __init__(self):
        self.bin = server_bin()
        self.root = Path(tempfile.mkdtemp(prefix="replicas-pg-"))
        shutil.chown(self.root, "postgres", "postgres")
        self.primary = Node(self, "primary")
        self.standby = Node(self, "standby")

    def run(self, tool: str, *args, check: bool = True) -> subprocess.CompletedProcess:
        command = ["runuser", "-u", "postgres", "--", str(self.bin / tool), *map(str, args)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/")
        if check and done.returncode != 0:
            raise RuntimeError(f"{tool} failed:\n{done.stdout}\n{done.stderr}\n{self.logs()}")
        return done

    def start(self) -> "Cluster":
        primary = self.primary
        self.run("initdb", "-D", primary.data, "-U", "postgres", "--auth=trust",
                 "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        with open(primary.data / "postgresql.conf", "a") as conf:
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\nwal_level = replica\nmax_wal_senders = 4\n"
                "fsync = off\nfull_page_writes = off\n"
                "shared_buffers = 32MB\nhot_standby = on\nwal_receiver_status_interval = 1s\n"
            )
        # The replication role's entry first: the first line that matches decides.
        hba = primary.data / "pg_hba.conf"
        hba.write_text(f"host replication {REPLICATOR} 127.0.0.1/32 trust\n" + hba.read_text())
        primary.start()
        primary.execute(f"CREATE ROLE {REPLICATOR} WITH REPLICATION LOGIN")
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", primary.port, "-U", REPLICATOR,
            "-D", self.standby.data, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync",
        )  # fmt: skip
        self.standby.start()
        return self

    def stop(self) -> None:
        """Every server started under the directory (a test's extra nodes too), then it."""
        for pid_file in self.root.glob("*/postmaster.pid"):
            with contextlib.suppress(Exception):
                self.run("pg_ctl", "-D", pid_file.parent, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n" + path.read_text(errors="replace")[-2000:]
            for path in sorted(self.root.glob("*.log"))
        )

    # --- replication control -------------------------------------------------------
    def wait_replayed(self, timeout: float = 20) -> None:
        """Until the standby has replayed everything the primary wrote so far."""
        (target,) = self.primary.execute("SELECT pg_current_wal_insert_lsn()::text")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            (done,) = self.standby.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
            )
            if done:
                return
            time.sleep(0.05)
        raise AssertionError(f"the standby did not catch up in {timeout} s\n{self.logs()}")

    @contextlib.contextmanager
    def replay_paused(self):
        """Replay stops right after a fresh transaction (the lag counts from then) and
        resumes on leaving, whatever happened inside; the standby has caught up after."""
        self.primary.execute("SELECT txid_current()")  # a commit to replay
        self.wait_replayed()
        self.standby.execute("SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            self.standby.execute("SELECT pg_wal_replay_resume()")
            self.wait_replayed()
