#!/bin/sh
# Container entrypoint (also run natively by tests/deploy): make sure there is a secret
# key, prepare the database and the search index, then run the command given, which is
# gunicorn from the Dockerfile's CMD. exec: gunicorn becomes PID 1 and gets the signals.
set -eu
cd "$(dirname "$0")/.."

if [ -z "${SECRET_KEY:-}" ] && [ -z "${SECRET_KEY_FILE:-}" ]; then
    # No key given: make one on the data volume, so it survives restarts and upgrades.
    key_file="${DATA_DIR:-var}/secret-key"
    if [ ! -s "$key_file" ]; then
        echo "entrypoint: no SECRET_KEY given; generating one in $key_file" >&2
        mkdir -p "$(dirname "$key_file")"
        (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(50))' >"$key_file")
    fi
    export SECRET_KEY_FILE="$key_file"
fi

# SKIP_PREPARE=1: another service prepares them (compose's worker leaves it to web).
if [ "${SKIP_PREPARE:-0}" != "1" ]; then
    python docker/prepare.py
fi

exec "$@"
