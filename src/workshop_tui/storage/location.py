"""Where the database lives: standard library only.

Kept apart from engine.py (which imports SQLAlchemy) so that starting the app
can choose the database file and show the sessions list before the database
layer is imported (see storage/quick.py).
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from urllib.parse import quote, unquote

APP_NAME = "workshop-tui"
DB_FILENAME = "workshop.db"


def data_dir() -> Path:
    """The user's data directory (``WORKSHOP_TUI_DATA_DIR`` overrides, for tests)."""
    override = os.environ.get("WORKSHOP_TUI_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve_url(db_path: str | None = None, database_url: str | None = None) -> str:
    """Pick the database: explicit options first, then the environment, then the data dir."""
    if database_url:
        return database_url
    if db_path:
        return sqlite_url(Path(db_path))
    env_url = os.environ.get("WORKSHOP_TUI_DATABASE_URL")
    if env_url:
        return env_url
    env_db = os.environ.get("WORKSHOP_TUI_DB")
    if env_db:
        return sqlite_url(Path(env_db))
    return sqlite_url(data_dir() / DB_FILENAME)


def sqlite_url(path: Path) -> str:
    """The URL of exactly this file, whatever characters its name holds.

    SQLAlchemy reads ``?`` as the start of options and decodes ``%xx`` in the path,
    so the path is percent-encoded (it decodes back to the same name).
    """
    return "sqlite:///" + quote(str(Path(path).expanduser().resolve()), safe="/")


def sqlite_file_uri(path: PurePath | str) -> str:
    """``path`` as a ``file:`` URI for ``sqlite3.connect(..., uri=True)``, the same on every OS.

    ``Path.as_uri`` writes Windows paths as ``file:///C:/...`` (SQLite's own form) and
    percent-encodes '?', '#' and '%' in a name, which would otherwise end or change the path.
    """
    path = path if isinstance(path, PurePath) else Path(path)
    return (path if path.is_absolute() else Path(path).absolute()).as_uri()


def plain_sqlite_file(url: str | None) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL (as resolve_url writes them), else None.

    Deliberately narrow: anything with a driver, query options or an in-memory
    database is left to SQLAlchemy's own URL parsing on the full path.
    """
    prefix = "sqlite:///"
    if not url or not url.startswith(prefix) or "?" in url:
        return None
    rest = unquote(url[len(prefix):])
    return Path(rest) if rest and rest != ":memory:" else None


def readonly_uri(path: Path) -> str:
    """An SQLite URI that reads ``path`` without creating or changing anything.

    A plain ``mode=ro`` connection to a WAL database still creates the -wal and
    -shm files beside it; when there is no -wal file there is nothing but the
    main file to read, so ``immutable=1`` reads it without touching the folder.
    """
    base = f"{sqlite_file_uri(path)}?mode=ro"
    return base if Path(f"{path}-wal").exists() else base + "&immutable=1"
