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
#
# The real-terminal tests (tests/terminal/) run the app in tmux, and the phone pages are
# tested in a real browser (tests/browser/: Playwright driving Debian's chromium, never a
# downloaded browser): both are installed from Debian's packages when missing and we are root. The import contracts in pyproject.toml
# are checked first with lint-imports; a broken contract fails the run.
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

if ! command -v tmux >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test.sh: installing tmux for the real-terminal tests"
        (apt-get install -y -qq tmux >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq tmux; }) \
            || echo "test.sh: NOTE: tmux could not be installed; tests/terminal will fail."
    else
        echo "test.sh: NOTE: tmux is missing and cannot be installed here; tests/terminal will fail."
    fi
fi

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "test.sh: installing chromium for the phone-page browser tests"
        (apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }) \
            || echo "test.sh: NOTE: chromium could not be installed; tests/browser will fail."
    else
        echo "test.sh: NOTE: /usr/bin/chromium is missing and cannot be installed here; tests/browser will fail."
    fi
fi

status=0
echo "test.sh: checking the import contracts (lint-imports)"
"$(dirname "$PY")/lint-imports" --no-cache || status=$?
"$PY" -m pytest "$@" || status=$?
exit "$status"
