"""Opening the database for a front end, and telling a busy database from a broken one.

The TUI imports this module before its first frame, so it stays standard-library
only at import time: storage/location.py and storage/quick.py are stdlib-only,
and SQLAlchemy (storage/engine.py) is imported inside the functions that need it.
"""

from __future__ import annotations

from typing import Any, Callable, Collection

from workshop_tui.storage.location import plain_sqlite_file
from workshop_tui.storage.quick import list_sessions_fast


class OpenFailed(Exception):
    """The database could not be opened; the message is for people."""


def read_sessions_quickly(url: str | None, *, samples_when_empty: bool, check: bool = False) -> list | None:
    """The sessions list read with sqlite3 alone, for the first frame or the `sessions`
    command (None: not available; ``check``: only from a file that passes SQLite's quick check)."""
    path = plain_sqlite_file(url)
    summaries = list_sessions_fast(path, check=check) if path is not None else None
    if not summaries and samples_when_empty:
        return None  # an empty database is about to get the samples: show those instead
    return summaries


def read_session_quickly(url: str | None, choose: Callable[[list], int], *,
                         rounds: Collection[str] | None = None) -> tuple[int, Any] | None:
    """For a command that only reads: the session ``choose`` picks from the sessions list,
    as a workshop (only ``rounds``' votes, when named), read with sqlite3 alone in one read
    transaction (storage/quick_load.py); None: open the database the usual way instead
    (PostgreSQL, a file to migrate, refuse or repair, anything unexpected)."""
    path = plain_sqlite_file(url)
    if path is None:
        return None
    from workshop_tui.storage.quick_load import read_session

    return read_session(path, choose, rounds=rounds)


def open_for_app(url: str | None, *, samples_when_empty: bool):
    """Open (and migrate) the database, loading the samples into an empty one."""
    from workshop_tui.services import sessions
    from workshop_tui.storage.engine import DatabaseError, open_database

    try:
        db = open_database(url)
        if samples_when_empty and sessions.is_empty(db):
            sessions.load_samples(db)
    except DatabaseError as exc:
        raise OpenFailed(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - a visible message, never a crash dump in front of the room
        raise OpenFailed(f"Cannot open the database: {exc}") from exc
    return db


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` means another program holds the database (locked, busy):
    the work can be tried again once it lets go."""
    from sqlalchemy.exc import DBAPIError

    from workshop_tui.services.unit_of_work import _is_transient

    return isinstance(exc, DBAPIError) and _is_transient(exc)


def is_database_error(exc: BaseException) -> bool:
    """True for any failure of the database itself (as opposed to a refused vote)."""
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(exc, (SQLAlchemyError, OSError))
