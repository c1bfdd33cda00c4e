"""Online backups of an SQLite database (the SQLite backup API), kept bounded."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

from workshop_tui.storage.engine import Database, DatabaseError, data_dir

MAX_BACKUPS = 10


def backups_dir() -> Path:
    return data_dir() / "backups"


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live database consistently, even while another process writes.

    The copy is made in a temporary file beside ``target`` and renamed over it when
    complete, so a full disk leaves neither a 0-byte file nor a -journal behind (the
    error is raised after cleaning up)."""
    import os
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    partial = Path(name)
    try:
        src = sqlite3.connect(str(source), timeout=10)
        try:
            dst = sqlite3.connect(str(partial))
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, target)
    except BaseException:
        for leftover in (partial, Path(f"{partial}-journal"), Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        raise


def backup_stem(path: Path) -> str:
    """Backups of one database share a name prefix: its name plus a digest of where it is,
    so two files both called workshop.db never prune each other's copies."""
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]
    return f"{path.stem}-{digest}"


def backup_before(db: Database, *, reason: str) -> Path | None:
    """Back up before something risky; keeps the newest MAX_BACKUPS copies."""
    path = db.path
    if path is None or not path.exists() or path.stat().st_size == 0:
        return None
    folder = backups_dir()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{backup_stem(path)}-{stamp}-{reason}.db"
    copy_sqlite(path, target)
    prune(folder, backup_stem(path))
    return target


def list_backups(db: Database) -> list[Path]:
    """This database's automatic backups, oldest first."""
    if db.path is None or not backups_dir().is_dir():
        return []
    return sorted(backups_dir().glob(f"{backup_stem(db.path)}-*.db"))


def changed_since_last_backup(db: Database) -> bool:
    """True unless the newest automatic backup is newer than the file and its WAL."""
    path = db.path
    if path is None or not path.exists():
        return False
    copies = list_backups(db)
    if not copies:
        return True
    newest = copies[-1].stat().st_mtime_ns
    wal = Path(f"{path}-wal")
    latest_change = max(path.stat().st_mtime_ns, wal.stat().st_mtime_ns if wal.exists() else 0)
    return latest_change > newest


def prune(folder: Path, stem: str, keep: int = MAX_BACKUPS) -> None:
    copies = sorted(folder.glob(f"{stem}-*.db"))
    for old in copies[:-keep]:
        old.unlink(missing_ok=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def backup_to(db: Database, target: Path) -> Path:
    if db.path is None:
        raise DatabaseError("Backups are for SQLite files; use your server's own tools for PostgreSQL.")
    if target.exists() and target.is_dir():
        target = target / f"{db.path.stem}-{dt.datetime.now():%Y%m%d-%H%M%S}.db"
    if _same_file(target, db.path):
        raise DatabaseError(f"{target} is the database itself; choose another file for the backup.")
    if target.exists() and target.stat().st_size > 0:
        from workshop_tui.storage.meta import is_ours_sqlite

        if not is_ours_sqlite(target):
            raise DatabaseError(f"{target} exists and is not a workshop-tui backup; it was left untouched.")
    copy_sqlite(db.path, target)
    return target


def restore_from(db: Database, source: Path) -> Path | None:
    """Replace the database with a backup; the current one is backed up first."""
    if db.path is None:
        raise DatabaseError("Restore works on SQLite files only.")
    if not source.is_file():
        raise DatabaseError(f"{source} does not exist.")
    if _same_file(source, db.path):
        raise DatabaseError(f"{source} is the database itself; nothing was restored.")
    with source.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise DatabaseError(f"{source} is not an SQLite database; nothing was restored.")
    check_restorable(source, db.path.parent)
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


def check_restorable(source: Path, scratch_dir: Path) -> None:
    """Before anything is replaced: the file is healthy, its schema is one this version
    can open or upgrade, and a copy of it opens and lists its sessions."""
    import tempfile

    from workshop_tui.storage.engine import check_sqlite_contents, check_sqlite_integrity, open_database
    from workshop_tui.storage.location import sqlite_url

    try:
        check_sqlite_integrity(source)
        check_sqlite_contents(source)
    except DatabaseError as exc:
        raise DatabaseError(_not_restored(str(exc))) from None
    from workshop_tui.storage.meta import is_ours_sqlite

    if not is_ours_sqlite(source):
        raise DatabaseError(f"{source} is not a workshop-tui database; nothing was restored.")
    folder = Path(tempfile.mkdtemp(prefix=".restore-check-", dir=scratch_dir))
    trial = folder / "trial.db"
    try:
        copy_sqlite(source, trial)
        opened = open_database(sqlite_url(trial), backup=False)
        try:
            from sqlmodel import Session

            from workshop_tui.storage import repository

            with Session(opened.engine) as s:
                for summary in repository.list_sessions(s):
                    repository.load_workshop(s, summary.id)
        finally:
            opened.dispose()
    except DatabaseError as exc:
        raise DatabaseError(_not_restored(str(exc))) from None
    except Exception as exc:  # noqa: BLE001 - whatever stops it opening, it is not restorable
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise DatabaseError(_not_restored(f"{source} does not open as a workshop-tui database ({first})")) from None
    finally:
        for leftover in folder.iterdir():
            leftover.unlink(missing_ok=True)
        folder.rmdir()


def _not_restored(reason: str) -> str:
    for tail in ("; it was left untouched.", " The file was left untouched.", "."):
        if reason.endswith(tail):
            reason = reason[: -len(tail)]
    return f"{reason}; nothing was restored."
