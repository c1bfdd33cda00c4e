#!/usr/bin/env bash
# Runs the whole test suite with the venv's Python given as $1.
#
# The storage, services and robustness tests also run against PostgreSQL: a throwaway
# server is started under a temporary directory (scripts/postgres.sh, installing
# PostgreSQL from Debian's packages when it is missing and we may), its URL handed to
# pytest in WORKSHOP_TUI_TEST_PG_URL, and it is stopped and deleted on exit. When no
# server can be had, the postgres tests are reported as skipped with the reason.
# WORKSHOP_TUI_TEST_PG_URL already set: that server is used instead.
# WORKSHOP_TUI_TEST_NO_PG=1: don't start one.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-.venv/bin/python}"
shift || true

if [ -z "${WORKSHOP_TUI_TEST_PG_URL:-}" ] && [ -z "${WORKSHOP_TUI_TEST_NO_PG:-}" ]; then
    PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/workshop-tui-pg.XXXXXX")"
    trap 'bash scripts/postgres.sh stop "$PG_DIR"' EXIT
    if url="$(bash scripts/postgres.sh start "$PG_DIR")"; then
        export WORKSHOP_TUI_TEST_PG_URL="$url"
        echo "test.sh: throwaway PostgreSQL running for this run ($url)"
    else
        echo "test.sh: NOTE: no PostgreSQL server could be started (see above); the postgres tests will be skipped."
    fi
fi

status=0
"$PY" -m pytest "$@" || status=$?
exit "$status"
