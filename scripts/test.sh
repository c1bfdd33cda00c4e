#!/usr/bin/env bash
# Runs the whole test suite with the venv's Python given as $1.
set -euo pipefail
PY="${1:-.venv/bin/python}"
exec "$PY" -m pytest
