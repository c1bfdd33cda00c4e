"""Shared by the bench/tui_*.py scripts: the databases they measure on."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _built(name: str, make) -> Path:
    folder = Path(os.environ.get("BENCH_WORKDIR") or tempfile.mkdtemp(prefix="tui-bench-"))
    path = folder / f"{name}.db"
    if not path.exists():
        from workshop_tui.services import sessions
        from workshop_tui.storage.engine import open_database

        db = open_database(f"sqlite:///{path}")
        for workshop in make():
            sessions.import_workshop(db, workshop)
        db.dispose()
    return path


def grid_database() -> Path:
    """The 300 x 40 x 4 session (id 1): bench/run.py's private copy, else one built here."""
    if os.environ.get("BENCH_GRID_DB"):
        return Path(os.environ["BENCH_GRID_DB"])
    import build

    return _built("grid", lambda: [build.large_workshop()])


def hundred_database() -> Path:
    """100 small sessions: bench/run.py's private copy, else one built here."""
    if os.environ.get("BENCH_HUNDRED_DB"):
        return Path(os.environ["BENCH_HUNDRED_DB"])
    import build

    return _built("hundred", lambda: [build.small_workshop(n) for n in range(100)])


def large_database() -> Path | None:
    """The 500 x 60 x 4 session (id 1), only when bench/run.py built it (BENCH_LARGE_DB)."""
    return Path(os.environ["BENCH_LARGE_DB"]) if os.environ.get("BENCH_LARGE_DB") else None
