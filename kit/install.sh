#!/bin/sh
# Installs workshop-tui @VERSION@ from the wheels beside this script, with no internet:
# a virtual environment is made in .venv beside this script, and pip installs into it
# from ./wheels only (--no-index). Run it again to repair or upgrade; nothing else changes.
#
#   sh install.sh                       (uses python3.13, 3.12, 3.11 or python3)
#   PYTHON=/path/to/python3 sh install.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
VENV="$HERE/.venv"
FITS='import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] <= (3, 13)))'

PY=""
if [ -n "${PYTHON:-}" ]; then
    if "$PYTHON" -c "$FITS" 2>/dev/null; then PY="$PYTHON"; else
        echo "install.sh: PYTHON=$PYTHON is not Python @PYTHON_MIN@ to @PYTHON_MAX@ (the versions this kit holds wheels for)." >&2
        exit 1
    fi
else
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "$FITS" 2>/dev/null; then
            PY="$candidate"; break
        fi
    done
fi
if [ -z "$PY" ]; then
    echo "install.sh: workshop-tui needs Python @PYTHONS@, and none was found." >&2
    echo "  Install one (python.org, or your system's packages), or name it: PYTHON=/path/to/python3 sh install.sh" >&2
    exit 1
fi

echo "Using $("$PY" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
if ! "$PY" -m venv "$VENV"; then
    echo "install.sh: could not create $VENV." >&2
    echo "  On Debian or Ubuntu the venv module is a separate package: sudo apt install python3-venv" >&2
    exit 1
fi
# --isolated and PIP_CONFIG_FILE=/dev/null: this laptop's own pip settings (a company
# index, a proxy, constraints) play no part; --no-index: nothing is fetched from anywhere.
PIP_CONFIG_FILE=/dev/null "$VENV/bin/python" -m pip install --isolated --no-index \
    --find-links "$HERE/wheels" --disable-pip-version-check --upgrade workshop-tui

echo
echo "workshop-tui is installed. Start it with:"
echo "  $VENV/bin/workshop-tui"
echo "(or: $VENV/bin/python -m workshop_tui). See README.txt for where your data is kept."
