#!/usr/bin/env bash
# The whole test suite: format check, clippy with warnings as errors, every test on SQLite and
# on PostgreSQL. Starts the local PostgreSQL server if it is not running; each test makes its
# own database (SQLite temp file, or a fresh PostgreSQL database dropped when the test ends);
# leftovers of an interrupted run are dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

export TDKT_TEST_PG_URL="${TDKT_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

start_postgres() {
    if pg_up; then return 0; fi
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "== installing PostgreSQL"
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        else
            echo "PostgreSQL is not installed and cannot be installed here; the suite needs it." >&2
            exit 1
        fi
    fi
    echo "== starting PostgreSQL"
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 60); do pg_up && return 0; sleep 0.5; done
    echo "PostgreSQL did not start on 127.0.0.1:5432" >&2
    exit 1
}

drop_leftovers() {
    psql "$TDKT_TEST_PG_URL" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'tdkt\_t\_%'" 2>/dev/null |
        while read -r db; do psql "$TDKT_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true; done
}

start_postgres
trap drop_leftovers EXIT

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== tests (SQLite and PostgreSQL)"
if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --locked --no-fail-fast --test-threads "${TDKT_TEST_THREADS:-4}"
else
    cargo test --workspace --locked --no-fail-fast -- --test-threads "${TDKT_TEST_THREADS:-4}"
fi
