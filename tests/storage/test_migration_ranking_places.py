"""Migration 0002_writer: a database made by the release before it (schema 0001),
with ranking ballots stored as JSON only, gets their references (ranking_place); a
ballot already naming a deleted initiative (possible before) is repaired."""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from workshop_tui.services import editing, sessions
from workshop_tui.storage.engine import open_database
from workshop_tui.storage.migrate import alembic_config, current_revision, head_revision


def _database_at_0001(path) -> None:
    engine = create_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(text("INSERT INTO workshop_meta (name, value) VALUES ('app', 'workshop-tui')"))
        conn.execute(text("INSERT INTO session (id, title, organisation, facilitator, mission, description, "
                          "max_actions, stage, source, created_at, updated_at) VALUES (1, 'Old', '', '', '', '', "
                          "5, 'voting', '', '2026-01-01', '2026-01-01')"))
        for n, key in enumerate(("epr", "wifi", "gone"), start=1):
            conn.execute(text("INSERT INTO initiative (id, session_id, key, title, description, owner, "
                              "service_area, position) VALUES (:id, 1, :key, :key, '', '', '', :id)"),
                         {"id": n, "key": key})
        conn.execute(text("INSERT INTO participant (id, session_id, key, name, role, site, position) "
                          "VALUES (1, 1, 'ana', 'Ana', 'clinical', '', 1), (2, 1, 'ben', 'Ben', 'clinical', '', 2)"))
        conn.execute(text("INSERT INTO round (id, session_id, key, title, method, settings, status, anonymous, "
                          "hidden, position) VALUES (1, 1, 'r1', 'Rank', 'ranking', '{}', 'closed', 0, 0, 1)"))
        # ana's ballot is whole; ben's names "lost", an initiative deleted before this revision.
        for vid, pid, ballot in ((1, 1, ["wifi", ["epr", "gone"]]), (2, 2, ["lost", "epr"]), (3, None, ["lost"])):
            conn.execute(text("INSERT INTO vote (id, round_id, participant_id, ranking, channel, note) "
                              "VALUES (:id, 1, :pid, :r, 'facilitator', '')"),
                         {"id": vid, "pid": pid, "r": json.dumps(ballot)})
    engine.dispose()


@pytest.mark.sqlite_only
def test_a_0001_database_upgrades_with_its_ballots_indexed_and_repaired(tmp_path):
    path = tmp_path / "old.db"
    _database_at_0001(path)
    db = open_database(f"sqlite:///{path}")
    try:
        assert current_revision(db) == head_revision()
        votes = sessions.load(db, 1).round("r1").votes
        assert [(v.participant, v.ranking) for v in votes] == [("ana", ("wifi", ("epr", "gone"))), ("ben", ("epr",))]
        with db.engine.connect() as conn:
            places = conn.execute(text("SELECT participant_id, initiative_id, place FROM ranking_place "
                                       "ORDER BY participant_id, place, initiative_id")).all()
        assert [tuple(p) for p in places] == [(1, 2, 1), (1, 1, 2), (1, 3, 2), (2, 1, 1)]
        impact = editing.initiative_impact(db, 1, "gone")
        assert impact.lines and "1 ranking ballot(s)" in impact.lines[0]
        editing.delete_initiative(db, 1, "gone", accept=impact)
        assert sessions.load(db, 1).round("r1").votes[0].ranking == ("wifi", "epr")
        sessions.import_bytes(db, sessions.export_json(db, 1).encode(), "again")  # the export imports
    finally:
        db.dispose()
