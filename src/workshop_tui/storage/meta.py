"""The marker that says a database is workshop-tui's own."""

from __future__ import annotations

from sqlalchemy import text

from workshop_tui.storage.engine import Database

APP_MARKER = "workshop-tui"


def mark_as_ours(db: Database) -> None:
    with db.engine.begin() as conn:
        found = conn.execute(text("SELECT value FROM workshop_meta WHERE name = 'app'")).scalar()
        if found is None:
            conn.execute(text("INSERT INTO workshop_meta (name, value) VALUES ('app', :v)"), {"v": APP_MARKER})


def is_ours_sqlite(path) -> bool:
    """True when an SQLite file carries our marker (read-only check)."""
    import sqlite3

    from workshop_tui.storage.engine import readonly_uri

    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
        try:
            row = conn.execute("SELECT value FROM workshop_meta WHERE name = 'app'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return bool(row and row[0] == APP_MARKER)
