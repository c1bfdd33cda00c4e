"""Backups as user actions: the copy taken when a session is closed, and on demand."""

from __future__ import annotations

import logging
from pathlib import Path

from workshop_tui.storage import backup as storage_backup
from workshop_tui.storage.engine import Database

log = logging.getLogger(__name__)


def backup_on_close(db: Database) -> Path | None:
    """Take an online backup when the app (or a CLI command that wrote) closes.

    Kept in the data directory's ``backups`` folder with the migration and
    restore copies, bounded to ``MAX_BACKUPS`` per database. Skipped for
    PostgreSQL (use pg_dump) and when nothing changed since the newest copy.
    Never raises: a failed backup must not stop the app from closing, so it
    is logged and None returned instead.
    """
    if db.path is None:
        return None
    try:
        if not storage_backup.changed_since_last_backup(db):
            return None
        return storage_backup.backup_before(db, reason="close")
    except Exception:  # noqa: BLE001 - closing must always succeed
        log.warning("automatic backup of %s on close failed", db.path, exc_info=True)
        return None


def backup_to(db: Database, path: Path) -> Path:
    """Copy the live database to ``path`` (safe while the app runs)."""
    return storage_backup.backup_to(db, path)


def restore_from(db: Database, path: Path) -> Path | None:
    """Replace the database with a backup; returns where the previous one was saved."""
    return storage_backup.restore_from(db, path)


def backups(db: Database) -> list[Path]:
    """This database's automatic backups, oldest first."""
    return storage_backup.list_backups(db)
