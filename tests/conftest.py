"""Shared fixtures. Every test gets its own data directory: no test may read
or write the user's real database or settings.

The ``db`` fixture is a real SQLite file. In the portable test folders
(``PORTABLE_DIRS``) it also runs against PostgreSQL when
``WORKSHOP_TUI_TEST_PG_URL`` names a server (``make test`` starts a throwaway
one, see scripts/postgres.sh); each such test gets a fresh database on it.
Mark a test ``@pytest.mark.sqlite_only`` when it checks SQLite itself, and
``@pytest.mark.postgres_only`` when it checks something only PostgreSQL has.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "workshop_tui" / "samples"
PORTABLE_DIRS = ("storage", "services", "sessionfile", "robustness", "postgres")


def pg_url() -> str | None:
    return os.environ.get("WORKSHOP_TUI_TEST_PG_URL") or os.environ.get("WORKSHOP_TUI_TEST_DATABASE_URL") or None


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: checks SQLite itself; not run on PostgreSQL")
    config.addinivalue_line("markers", "postgres_only: checks PostgreSQL itself; not run on SQLite")


_SERVER_LINE: list[str] = []


def pytest_report_header(config):
    if not _SERVER_LINE:
        _SERVER_LINE.extend(_server_line())
    return list(_SERVER_LINE)


def pytest_terminal_summary(terminalreporter):
    # The header is hidden in quiet mode (addopts -q), so say it again at the end.
    terminalreporter.write_line(pytest_report_header(terminalreporter.config)[0])


def _server_line() -> list[str]:
    url = pg_url()
    if not url:
        return ["postgresql: not configured (WORKSHOP_TUI_TEST_PG_URL unset); postgres tests are skipped"]
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version()")).scalar()
        engine.dispose()
    except Exception as exc:  # the header must never break the run
        return [f"postgresql: {url} unreachable ({exc.__class__.__name__}: {exc})"]
    return [f"postgresql server for this run: {version}"]


def _portable(metafunc) -> bool:
    path = Path(str(metafunc.definition.fspath)).resolve()
    try:
        parts = path.relative_to(ROOT / "tests").parts
    except ValueError:
        return False
    return bool(parts) and parts[0] in PORTABLE_DIRS and metafunc.definition.get_closest_marker("sqlite_only") is None


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames and _portable(metafunc):
        postgres = pytest.param("postgres", marks=pytest.mark.postgres)
        only_postgres = metafunc.definition.get_closest_marker("postgres_only") is not None
        metafunc.parametrize("backend", [postgres] if only_postgres else ["sqlite", postgres], indirect=True)


@pytest.fixture
def backend(request) -> str:
    """Which database the ``db`` fixture opens: "sqlite", or "postgres" in portable tests."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("WORKSHOP_TUI_DATA_DIR", str(data))
    monkeypatch.delenv("WORKSHOP_TUI_DB", raising=False)
    monkeypatch.delenv("WORKSHOP_TUI_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOME", str(data / "home"))
    # Preferences (high contrast, the export folder) never leak between tests or from the machine.
    monkeypatch.setenv("WORKSHOP_TUI_CONFIG_DIR", str(data / "config"))
    return data


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "workshop.db"


@pytest.fixture
def pg_database():
    """A fresh, empty PostgreSQL database for one test; yields its URL, drops it after."""
    url = pg_url()
    if not url:
        pytest.skip("no PostgreSQL server: set WORKSHOP_TUI_TEST_PG_URL (make test starts one when it can)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(url)
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"wt_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def db_url(backend, db_path, request) -> str:
    """The URL the ``db`` fixture opens (a fresh database on either backend)."""
    if backend == "postgres":
        return request.getfixturevalue("pg_database")
    return f"sqlite:///{db_path}"


@pytest.fixture
def db(db_url):
    """A real, migrated database for one test: an SQLite file, or PostgreSQL (see above)."""
    from workshop_tui.storage.engine import open_database

    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sample_bytes():
    def read(name: str) -> bytes:
        return (SAMPLES / f"{name}.json").read_bytes()

    return read
