"""Where the database lives, how connections are made, and opening it safely.

Nothing is created at import time: the composition root (cli.py) calls
``open_database`` once and hands the result down.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import create_engine

from workshop_tui.domain.storable import text_problem

# Re-exported: callers have always found these here.
from workshop_tui.storage.location import APP_NAME, DB_FILENAME, data_dir, readonly_uri, resolve_url  # noqa: F401
from workshop_tui.storage.quick import SCHEMA_HEAD

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseError(Exception):
    """A database that cannot be opened safely; the message says why, plainly."""


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    # Every connection: referential integrity on, WAL for crash safety and a
    # reader that never blocks the writer, and a wait instead of "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


# The execution option of a read that takes no lock (``unit_of_work.snapshot``).
SNAPSHOT = "workshop_tui_snapshot"


def _begin(conn) -> None:
    # Take the write lock at BEGIN so two processes queue instead of one failing
    # half-way through a transaction when it upgrades its read lock. A snapshot read
    # takes none: in WAL mode it reads the last commit beside a writer, neither
    # waiting for it nor holding it up.
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(SNAPSHOT) else "BEGIN IMMEDIATE")


class UnstorableText(ValueError):
    """Text that cannot be stored (a lone surrogate, a NUL); nothing was saved."""


def _refuse_unstorable_text(conn, cursor, statement, parameters, context, executemany) -> None:
    # The last door for typed text (session files and spreadsheets are checked, with
    # their JSON path or row, when read): a lone surrogate would otherwise crash the
    # driver with UnicodeEncodeError half-way through a user action. Bulk inserts
    # (executemany) come from those checked files and are not scanned again.
    if executemany or not parameters:
        return
    values = parameters.items() if isinstance(parameters, dict) else enumerate(parameters)
    for name, value in values:
        if isinstance(value, str) and (why := text_problem(value)):
            compiled = getattr(context, "compiled", None)
            table = getattr(getattr(getattr(compiled, "statement", None), "table", None), "name", None)
            names = getattr(compiled, "positiontup", None) or []
            column = names[name] if isinstance(name, int) and name < len(names) else name
            where = f"{table} {column}" if table else str(column)
            raise UnstorableText(f"{where.replace('_', ' ')}: {why}. Nothing was saved.")


def make_engine(url: str) -> Engine:
    """An engine with the per-connection settings this app relies on."""
    engine = _make_engine(url)
    event.listen(engine, "before_cursor_execute", _refuse_unstorable_text)
    return engine


def _make_engine(url: str) -> Engine:
    if is_sqlite(url):
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            poolclass=NullPool if sqlite_path(url) is None else None,
        )
        box_file = sqlite_path(url)

        # pysqlite's own transaction handling is switched off so BEGIN is ours.
        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, record):  # noqa: ANN001
            dbapi_connection.isolation_level = None
            _on_sqlite_connect(dbapi_connection, record)
            from workshop_tui.storage.ballot_box import attach_sqlite

            attach_sqlite(dbapi_connection, box_file)

        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def check_sqlite_file(path: Path) -> None:
    """Refuse, with a plain message, files we must not open or write to."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file.")
    if path.exists():
        if not os.access(path, os.R_OK):
            raise DatabaseError(f"{path} cannot be read (check its permissions).")
        size = path.stat().st_size
        if size == 0:
            return  # an empty file is a new database
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
        if header != SQLITE_MAGIC:
            raise DatabaseError(f"{path} is not an SQLite database; it was left untouched.")
        if not os.access(path, os.W_OK):
            raise DatabaseError(f"{path} is read-only; workshop-tui needs to save every change. Copy it somewhere writable.")
        if not os.access(path.parent, os.W_OK):
            # WAL mode keeps its -wal and -shm files beside the database.
            raise DatabaseError(
                f"{path} is in a read-only folder ({path.parent}); workshop-tui needs to save every change "
                "there. Copy it somewhere writable."
            )
    else:
        parent = path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"Cannot create the folder {parent}: {exc.strerror or exc}.") from exc
        if not os.access(parent, os.W_OK):
            raise DatabaseError(f"Cannot create a database in {parent}: the folder is read-only.")


def check_sqlite_integrity(path: Path) -> None:
    """A quick check that an existing file is a healthy SQLite database."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is damaged or not a database ({exc}); it was left untouched.") from exc
    if not result or result[0] != "ok":
        raise DatabaseError(f"{path} is damaged ({result[0] if result else 'no answer'}); it was left untouched.")


def check_sqlite_contents(path: Path) -> str | None:
    """Before any read-write connection (which would switch the file to WAL mode):
    refuse another application's database, or one from a newer workshop-tui.
    Returns the file's schema revision (None: a new or empty file)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in names:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is damaged or not a database ({exc}); it was left untouched.") from exc
    names.discard("sqlite_sequence")
    if names and "workshop_meta" not in names and "alembic_version" not in names:
        shown = ", ".join(sorted(names)[:5])
        raise DatabaseError(f"{path} holds tables that are not workshop-tui's ({shown}); it was left untouched.")
    if revision is not None and revision != SCHEMA_HEAD:
        from workshop_tui.storage.migrate import refuse_unknown_revision

        refuse_unknown_revision(revision)
    return revision


def foreign_tables(engine: Engine) -> list[str]:
    """Tables in a non-empty database that is not ours (we refuse to touch it)."""
    names = set(inspect(engine).get_table_names())
    if not names or "workshop_meta" in names or "alembic_version" in names:
        return []
    return sorted(names)


@dataclass
class Database:
    """The opened database: the engine plus where it is, handed to services."""

    engine: Engine
    url: str

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, migrate: bool = True, backup: bool = True) -> Database:
    """Open (creating if needed) and migrate a database, refusing unsafe files."""
    path = sqlite_path(url)
    revision = None
    if path is not None:
        check_sqlite_file(path)
        check_sqlite_integrity(path)
        revision = check_sqlite_contents(path)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # the driver's own error says what went wrong
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]  # the driver's words, one line
        raise DatabaseError(f"Cannot open the database: {reason}") from exc
    foreign = foreign_tables(engine)
    if foreign:
        engine.dispose()
        where = path or make_url(url).render_as_string(hide_password=True)
        raise DatabaseError(
            f"{where} holds tables that are not workshop-tui's ({', '.join(foreign[:5])}); it was left untouched."
        )
    db = Database(engine=engine, url=url)
    if engine.dialect.name == "postgresql":
        from workshop_tui.storage.ballot_box import ensure_postgres

        ensure_postgres(engine)
    # A file already at the head needs no migration: Alembic (and its parse of every
    # migration script, about 0.3 s) is imported only when there is work for it.
    if migrate and not (path is not None and revision == SCHEMA_HEAD):
        from workshop_tui.storage.migrate import upgrade_to_head

        upgrade_to_head(db, backup=backup)
    return db
