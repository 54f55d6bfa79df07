#!/bin/sh
# The db service's first start (the postgres image runs /docker-entrypoint-initdb.d/*.sh
# once, on an empty volume): a role that may stream the WAL, and a pg_hba.conf line that
# lets it in with a password. Safe to run again by hand on an older volume:
#   docker compose exec -u postgres db sh /docker-entrypoint-initdb.d/replication.sh
set -eu
user="${POSTGRES_REPLICATION_USER:-replicator}"
password="${POSTGRES_REPLICATION_PASSWORD:-}"
if [ -z "$password" ]; then
    # No default password: without one the role is not made, and db starts as usual.
    echo "replication.sh: POSTGRES_REPLICATION_PASSWORD is not set: no replication role." \
        "For the replica profile set it in .env and run this script by hand." >&2
    exit 0
fi

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" \
    --dbname "${POSTGRES_DB:-postgres}" --set=user="$user" --set=password="$password" <<'SQL'
SELECT format('CREATE ROLE %I WITH REPLICATION LOGIN PASSWORD %L', :'user', :'password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
SQL

line="host replication $user all scram-sha-256"
if ! grep -qxF "$line" "$PGDATA/pg_hba.conf"; then
    echo "$line" >>"$PGDATA/pg_hba.conf"
    # A running server (a second run by hand) reads the file again; during the image's
    # first-run setup the restart that follows does it.
    psql --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
        -c 'SELECT pg_reload_conf()' >/dev/null
fi
