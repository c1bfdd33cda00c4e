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


def test_0002_gives_overrides_recorded_before_the_kinds_their_usual_kind(db_path, sample_bytes):
    """Down to 0001 (no kind column), then up again: an include reads as within, an exclude as rule_out."""
    from alembic import command

    from workshop_tui.services import sessions
    from workshop_tui.storage.migrate import alembic_config

    first = open_database(f"sqlite:///{db_path}")
    sid = sessions.import_bytes(first, sample_bytes("nhs-trust-where-to-start"), "nhs")
    config = alembic_config()
    with first.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
        conn.execute(text("INSERT INTO decision (session_id, initiative_id, outcome, rationale, position) "
                          "SELECT session_id, id, 'exclude', 'no sponsor', 9 FROM initiative WHERE key = 'rpa'"))
    first.dispose()
    again = open_database(f"sqlite:///{db_path}")
    assert current_revision(again) == head_revision()
    kinds = {d.initiative: d.kind for d in sessions.load(again, sid).decisions}
    assert kinds == {"voice": "within", "rpa": "rule_out"}  # the stretch was recorded after 0001 could hold it
    again.dispose()
