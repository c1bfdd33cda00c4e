"""Online backups of an SQLite database (the SQLite backup API), kept bounded."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from workshop_tui.storage.engine import Database, DatabaseError, data_dir

MAX_BACKUPS = 10


def backups_dir() -> Path:
    return data_dir() / "backups"


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live database consistently, even while another process writes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source), timeout=10)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def backup_before(db: Database, *, reason: str) -> Path | None:
    """Back up before something risky; keeps the newest MAX_BACKUPS copies."""
    path = db.path
    if path is None or not path.exists() or path.stat().st_size == 0:
        return None
    folder = backups_dir()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}-{stamp}-{reason}.db"
    copy_sqlite(path, target)
    prune(folder, path.stem)
    return target


def prune(folder: Path, stem: str, keep: int = MAX_BACKUPS) -> None:
    copies = sorted(folder.glob(f"{stem}-*.db"))
    for old in copies[:-keep]:
        old.unlink(missing_ok=True)


def backup_to(db: Database, target: Path) -> Path:
    if db.path is None:
        raise DatabaseError("Backups are for SQLite files; use your server's own tools for PostgreSQL.")
    if target.exists() and target.is_dir():
        target = target / f"{db.path.stem}-{dt.datetime.now():%Y%m%d-%H%M%S}.db"
    copy_sqlite(db.path, target)
    return target


def restore_from(db: Database, source: Path) -> Path | None:
    """Replace the database with a backup; the current one is backed up first."""
    from workshop_tui.storage.meta import is_ours_sqlite

    if db.path is None:
        raise DatabaseError("Restore works on SQLite files only.")
    if not source.is_file():
        raise DatabaseError(f"{source} does not exist.")
    with source.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise DatabaseError(f"{source} is not an SQLite database; nothing was restored.")
    if not is_ours_sqlite(source):
        raise DatabaseError(f"{source} is not a workshop-tui database; nothing was restored.")
    saved = backup_before(db, reason="before-restore")
    db.engine.dispose()
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(db.path), timeout=10)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return saved
