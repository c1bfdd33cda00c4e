#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite.
#
#   scripts/postgres.sh start DIR   starts a cluster under DIR (created), listening only
#                                   on a Unix socket in DIR; prints its SQLAlchemy URL on
#                                   stdout. Exit 3 (with a note on stderr) when no
#                                   PostgreSQL can be found or installed.
#   scripts/postgres.sh stop DIR    stops it and deletes DIR.
#
# PostgreSQL comes from Debian's packages: when initdb is missing and we are root with
# apt-get, `apt-get install -y postgresql` installs it. initdb refuses to run as root,
# so as root the cluster runs as the unprivileged `postgres` user the package creates.
set -euo pipefail

note() { echo "postgres.sh: $*" >&2; }

find_bindir() {
    local candidate
    if command -v pg_config >/dev/null 2>&1; then
        candidate="$(pg_config --bindir 2>/dev/null || true)"
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then echo "$candidate"; return 0; fi
    fi
    candidate="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ]; then echo "$candidate"; return 0; fi
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"; return 0
    fi
    return 1
}

install_postgres() {
    if [ "$(id -u)" != 0 ]; then note "PostgreSQL is not installed and we are not root: not installing it."; return 1; fi
    if ! command -v apt-get >/dev/null 2>&1; then note "PostgreSQL is not installed and there is no apt-get."; return 1; fi
    note "installing PostgreSQL from the Debian packages (apt-get install -y postgresql) ..."
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q postgresql >/dev/null 2>&1; then
        apt-get update -q >/dev/null 2>&1 || true
        apt-get install -y -q postgresql >/dev/null 2>&1 || { note "apt-get install postgresql failed."; return 1; }
    fi
}

# Run a command as the cluster's owner: ourselves, or `postgres` when we are root.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
    else
        "$@"
    fi
}

start() {
    local dir="$1" bindir
    if ! bindir="$(find_bindir)"; then
        install_postgres || exit 3
        bindir="$(find_bindir)" || { note "PostgreSQL installed but initdb not found."; exit 3; }
    fi
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        note "running as root and there is no unprivileged 'postgres' user for initdb."; exit 3
    fi
    mkdir -p "$dir"
    chmod 0755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    # --no-sync and fsync=off: a throwaway cluster, speed over durability.
    as_owner "$bindir/initdb" -D "$dir/data" -U workshop -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
        || { note "initdb failed:"; cat "$dir/initdb.log" >&2; exit 3; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $dir -p 5433 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null \
        || { note "the server did not start:"; cat "$dir/server.log" >&2; exit 3; }
    as_owner "$bindir/createdb" -h "$dir" -p 5433 -U workshop workshop_test
    echo "$bindir" >"$dir/bindir"
    echo "postgresql+psycopg://workshop@/workshop_test?host=$dir&port=5433"
}

stop() {
    local dir="$1"
    [ -d "$dir" ] || return 0
    if [ -f "$dir/bindir" ] && [ -d "$dir/data" ]; then
        as_owner "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start "${2:?a directory}" ;;
    stop) stop "${2:?a directory}" ;;
    *) echo "usage: $0 start|stop DIR" >&2; exit 64 ;;
esac
