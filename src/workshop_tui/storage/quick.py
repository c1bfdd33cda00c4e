"""The sessions list read with the standard library's sqlite3 alone.

SQLAlchemy and pydantic take about half a second to import on a modest laptop;
the home screen shows this list first and the full storage layer loads behind
it. Used only when the file is an SQLite database already at the current
schema; otherwise the caller falls back to the normal path.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from workshop_tui.domain.model import SessionSummary
from workshop_tui.storage.location import readonly_uri

# Must equal the Alembic head; tests/storage/test_quick.py checks it.
SCHEMA_HEAD = "0003_decisions_when"

_QUERY = """
SELECT s.id, s.title, s.organisation, s.date, s.stage, s.updated_at, s.source,
       (SELECT count(*) FROM initiative i WHERE i.session_id = s.id),
       (SELECT count(*) FROM participant p WHERE p.session_id = s.id),
       (SELECT count(*) FROM round r WHERE r.session_id = s.id)
FROM session s ORDER BY s.id
"""


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _datetime(text: str | None) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    # Stored as UTC without an offset, as the full storage layer reads it back.
    return value.replace(tzinfo=dt.timezone.utc) if value and value.tzinfo is None else value


def list_sessions_fast(path: Path, *, check: bool = False) -> list[SessionSummary] | None:
    """The sessions in an up-to-date database file, or None to use the full path.

    Nothing is created beside the file (``readonly_uri``). With ``check`` the file must
    also pass SQLite's quick check, as the full path requires (a command that answers
    from here alone must not list a damaged file as if it were whole)."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        if check and conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
            return None
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if not version or version[0] != SCHEMA_HEAD:
            return None
        return summaries(conn)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def summaries(conn: sqlite3.Connection) -> list[SessionSummary]:
    """Every session's summary, on an open connection to a file at ``SCHEMA_HEAD``
    (also read inside the quick read path's transaction, storage/quick_load.py)."""
    return [
        SessionSummary(id=r[0], title=r[1], organisation=r[2], date=_date(r[3]), stage=r[4],
                       updated_at=_datetime(r[5]), source=r[6] or "", initiatives=r[7], participants=r[8],
                       rounds=r[9])
        for r in conn.execute(_QUERY).fetchall()
    ]
