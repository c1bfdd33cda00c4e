"""Shared fixtures. Every test gets its own data directory: no test may read
or write the user's real database or settings."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "workshop_tui" / "samples"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("WORKSHOP_TUI_DATA_DIR", str(data))
    monkeypatch.delenv("WORKSHOP_TUI_DB", raising=False)
    monkeypatch.delenv("WORKSHOP_TUI_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOME", str(data / "home"))
    return data


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "workshop.db"


@pytest.fixture
def db(db_path):
    """A real, migrated SQLite database file for one test."""
    from workshop_tui.storage.engine import open_database

    database = open_database(f"sqlite:///{db_path}")
    yield database
    database.dispose()


@pytest.fixture
def sample_bytes():
    def read(name: str) -> bytes:
        return (SAMPLES / f"{name}.json").read_bytes()

    return read
