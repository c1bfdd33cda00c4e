"""PostgreSQL-specific checks: the schema and the secret-ballot ids fit the server's types,
migrations run there, and the SQLite-only features step aside cleanly."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from workshop_tui.storage.engine import open_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_database):
    db = open_database(pg_database)
    yield db
    db.dispose()


def test_migrations_run_on_postgres_and_mark_the_database(pg):
    from workshop_tui.storage.migrate import current_revision, head_revision

    assert current_revision(pg) == head_revision()
    with pg.engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM workshop_meta WHERE name = 'app'")).scalar() == "workshop-tui"


def test_random_ids_need_and_have_64_bit_columns(pg):
    columns = {c["name"]: c for c in inspect(pg.engine).get_columns("vote")}
    assert str(columns["id"]["type"]) == "BIGINT"
    columns = {c["name"]: c for c in inspect(pg.engine).get_columns("round_voter")}
    assert str(columns["id"]["type"]) == "BIGINT"


def test_types_mean_the_same_as_on_sqlite(pg, sample_bytes):
    from workshop_tui.services import sessions

    session_id = sessions.import_bytes(pg, sample_bytes("nhs-trust-where-to-start"), "nhs")
    workshop = sessions.load(pg, session_id)
    again = sessions.load(pg, sessions.import_bytes(pg, sessions.export_json(pg, session_id).encode(), "again"))
    assert again == workshop
    assert workshop.session.date is not None and any(r.anonymous for r in workshop.rounds)
    with pg.engine.connect() as conn:
        assert conn.execute(text("SELECT max(id) FROM vote")).scalar() > 2**31  # secret ballots' random ids


def test_opening_again_is_harmless(pg, pg_database):
    again = open_database(pg_database)
    again.dispose()


def test_a_server_database_with_foreign_tables_is_refused_untouched(pg_database):
    from sqlalchemy import create_engine

    from workshop_tui.storage.engine import DatabaseError

    engine = create_engine(pg_database)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE customers (id serial primary key, name text)"))
    with pytest.raises(DatabaseError, match="not workshop-tui's"):
        open_database(pg_database)
    assert set(inspect(engine).get_table_names()) == {"customers"}
    engine.dispose()


def test_file_backups_step_aside_for_a_server(pg):
    from workshop_tui.services.backups import backup_on_close
    from workshop_tui.storage.backup import backup_to
    from workshop_tui.storage.engine import DatabaseError

    assert backup_on_close(pg) is None
    with pytest.raises(DatabaseError, match="PostgreSQL"):
        backup_to(pg, __import__("pathlib").Path("/tmp/never-written.db"))
