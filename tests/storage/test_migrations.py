import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from workshop_tui.storage import tables  # noqa: F401
from workshop_tui.storage.engine import open_database
from workshop_tui.storage.migrate import current_revision, head_revision


def test_an_empty_database_upgraded_to_head_matches_the_models(db):
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diffs == []
    assert current_revision(db) == head_revision()


@pytest.mark.sqlite_only
def test_every_connection_has_foreign_keys_on_and_wal(db):
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_opening_twice_is_harmless_and_keeps_data(db_path, sample_bytes):
    from workshop_tui.services import sessions

    first = open_database(f"sqlite:///{db_path}")
    sessions.import_bytes(first, sample_bytes("calderdale"), "calderdale")
    first.dispose()
    again = open_database(f"sqlite:///{db_path}")
    assert [s.title for s in sessions.list_sessions(again)] == ["Investment prioritisation matrix"]
    again.dispose()
