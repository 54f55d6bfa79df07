"""docker-compose.yml's replica profile, its start commands run natively (no Docker engine
here): db's init script makes the replication role, and db-replica's start script turns an
empty directory into a streaming standby of the primary, then only starts it."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg2
import pytest

from tests.conftest import ROOT
from tests.replicas.cluster import Cluster, Node

pytestmark = pytest.mark.slow

USER, PASSWORD = "compose_replicator", "s3cret"


def as_postgres(pair: Cluster, script: str, *args: str, **env: str) -> list[str]:
    # A copy in the cluster's directory: the postgres user may not read the checkout (a
    # clone under a private temporary directory, a home directory).
    copy = pair.root / Path(script).name
    shutil.copyfile(ROOT / "docker" / script, copy)
    shutil.chown(copy, "postgres", "postgres")
    environment = {
        "PATH": f"{pair.bin}:{os.environ['PATH']}",
        "POSTGRES_REPLICATION_USER": USER,
        "POSTGRES_REPLICATION_PASSWORD": PASSWORD,
        **env,
    }
    return [
        "runuser", "-u", "postgres", "--", "env", *(f"{k}={v}" for k, v in environment.items()),
        "sh", str(copy), *args,
    ]  # fmt: skip


def test_db_init_script_adds_the_replication_role_once(pair):
    primary = pair.primary
    command = as_postgres(
        pair, "db-init/replication.sh",
        PGHOST=str(pair.root), PGPORT=str(primary.port), PGDATA=str(primary.data),
        POSTGRES_USER="postgres", POSTGRES_DB="postgres",
    )  # fmt: skip
    for _ in range(2):  # a second run (by hand, on an older volume) changes nothing
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd="/")
        assert done.returncode == 0, done.stderr

    role = primary.execute("SELECT rolreplication, rolcanlogin FROM pg_roles WHERE rolname = %s",
                           [USER])  # fmt: skip
    assert role == (True, True)
    hba = (primary.data / "pg_hba.conf").read_text().splitlines()
    assert hba.count(f"host replication {USER} all scram-sha-256") == 1


def test_without_a_password_db_makes_no_replication_role_and_still_starts(pair):
    primary = pair.primary
    command = as_postgres(
        pair, "db-init/replication.sh",
        PGHOST=str(pair.root), PGPORT=str(primary.port), PGDATA=str(primary.data),
        POSTGRES_USER="postgres", POSTGRES_DB="postgres", POSTGRES_REPLICATION_USER="nopass",
        POSTGRES_REPLICATION_PASSWORD="",
    )  # fmt: skip

    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd="/")

    assert done.returncode == 0, done.stderr  # db's first start goes on
    assert "POSTGRES_REPLICATION_PASSWORD" in done.stderr
    assert primary.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'nopass'") == (0,)
    assert "nopass" not in (primary.data / "pg_hba.conf").read_text()


def test_without_a_password_the_replica_does_not_start_and_says_why(pair):
    node = Node(pair, "compose-replica-nopass")
    command = as_postgres(
        pair, "replica-start.sh", "postgres",
        PGDATA=str(node.data), PRIMARY_HOST="127.0.0.1", PRIMARY_PORT=str(pair.primary.port),
        POSTGRES_REPLICATION_PASSWORD="",
    )  # fmt: skip

    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd="/")

    assert done.returncode != 0
    assert "POSTGRES_REPLICATION_PASSWORD" in done.stderr
    assert not (node.data / "PG_VERSION").exists()


class StartedReplica:
    """docker/replica-start.sh running a server on ``node`` (its ``postgres`` in front)."""

    def __init__(self, pair: Cluster, node: Node):
        options = ["-c", f"port={node.port}", "-c", f"unix_socket_directories={pair.root}"]
        command = as_postgres(
            pair, "replica-start.sh", "postgres", *options,
            PGDATA=str(node.data), PRIMARY_HOST="127.0.0.1", PRIMARY_PORT=str(pair.primary.port),
        )  # fmt: skip
        self.log = open(pair.root / "compose-replica.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(command, stdout=self.log, stderr=self.log, cwd="/")
        self.node = node

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.node.execute("SELECT 1")
                return
            except psycopg2.OperationalError:
                assert self.process.poll() is None, "the replica's start script exited"
                assert time.monotonic() < deadline, "the replica did not start"
                time.sleep(0.2)

    def stop(self) -> None:
        self.node.stop("fast")  # pg_ctl: runuser does not pass signals on to the server
        try:
            self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.log.close()


def test_replica_start_copies_the_primary_once_then_streams_from_it(pair):
    pair.primary.execute("CREATE TABLE IF NOT EXISTS compose_check (word text)")
    pair.primary.execute("INSERT INTO compose_check VALUES ('before')")
    node = Node(pair, "compose-replica")
    for start in ("first", "again"):
        replica = StartedReplica(pair, node)
        try:
            replica.wait_ready()
            pair.primary.execute("INSERT INTO compose_check VALUES (%s)", [start])
            deadline = time.monotonic() + 30
            while node.execute("SELECT count(*) FROM compose_check WHERE word = %s", [start]) != (
                1,
            ):
                assert time.monotonic() < deadline, "the change did not reach the replica"
                time.sleep(0.1)
            assert node.execute("SELECT pg_is_in_recovery()") == (True,)
            assert node.execute("SELECT count(*) FROM compose_check") == (
                {"first": 2, "again": 3}[start],
            )
            assert (node.data / "standby.signal").exists()
        finally:
            replica.stop()
