#!/bin/sh
# db-replica's start (compose profile "replica"): on the first start, an empty data
# volume becomes a copy of the primary that streams from it (pg_basebackup -R writes
# standby.signal and the connection to the primary); then the server runs as a read-only
# hot standby. Later starts only run the server, which catches up by itself.
set -eu
primary_host="${PRIMARY_HOST:-db}"
primary_port="${PRIMARY_PORT:-5432}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    password="${POSTGRES_REPLICATION_PASSWORD:?must be set (in .env) to copy the primary: see README, read replica}"
    until pg_isready -q -h "$primary_host" -p "$primary_port"; do
        echo "replica-start: waiting for the primary at $primary_host:$primary_port" >&2
        sleep 1
    done
    echo "replica-start: copying the primary into $PGDATA" >&2
    PGPASSWORD="$password" pg_basebackup \
        -h "$primary_host" -p "$primary_port" -U "${POSTGRES_REPLICATION_USER:-replicator}" \
        -D "$PGDATA" -R -X stream --checkpoint=fast
    chmod 0700 "$PGDATA"
fi
exec "$@"
