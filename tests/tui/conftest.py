"""Fixtures for the TUI: an app on a temp database, optionally with a sample loaded."""

from __future__ import annotations

import pytest

from workshop_tui.services import sessions


@pytest.fixture
def sample_session(db, sample_bytes):
    """The NHS trust "decide where to start" sample, imported; returns its id."""
    return sessions.import_bytes(db, sample_bytes("nhs-trust-where-to-start"), "sample")


@pytest.fixture
def make_app(db):
    from workshop_tui.tui.app import WorkshopApp

    def make():
        return WorkshopApp(db=db, load_samples_when_empty=False)

    return make


@pytest.fixture
def sqlite_db(tmp_path):
    """A real SQLite file with four people, six initiatives and an open dots round:
    (db, path, session id, round key). Another sqlite3 connection can hold its lock."""
    from stage_b_support import four_people_workshop

    from workshop_tui.services import voting
    from workshop_tui.storage.engine import open_database

    path = tmp_path / "workshop.db"
    db = open_database(f"sqlite:///{path}")
    sid = sessions.import_workshop(db, four_people_workshop())
    key = voting.create_round(db, sid, method="dots")
    yield db, path, sid, key
    db.dispose()


@pytest.fixture
def impatient_db(sqlite_db, monkeypatch):
    """``sqlite_db`` opened with waits that a held lock outlives (a 100 ms busy timeout, one
    try), so "the database is busy" is reached without making a test wait a minute for it."""
    from workshop_tui.services import unit_of_work
    from workshop_tui.storage import engine
    from workshop_tui.storage.engine import open_database

    db, path, sid, key = sqlite_db
    db.dispose()
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(unit_of_work, "RETRIES", 1)
    db = open_database(f"sqlite:///{path}")
    yield db, path, sid, key
    db.dispose()
