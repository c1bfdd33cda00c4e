"""A database made by release 0.1.0 (schema 0001) opens, upgrades and keeps everything.

The fixture (tests/storage/fixtures/, see its README) was written by main at 62d44d5, when
gate assessments were the votes of "gates" pseudo-rounds. Opening it runs migration
0002_policy: every gate assessment, vote and round must survive, and each session must
export the same json file that release exported.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pytest

from workshop_tui.services import sessions
from workshop_tui.storage.engine import open_database
from workshop_tui.storage.migrate import current_revision, head_revision

FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = pytest.mark.sqlite_only  # the fixture is an SQLite file


@pytest.fixture
def old_db(tmp_path) -> Path:
    path = tmp_path / "release-0.1.0.db"
    path.write_bytes(gzip.decompress((FIXTURES / "release-0.1.0.db.gz").read_bytes()))
    return path


def _counts(path: Path) -> dict:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT r.session_id, r.key, r.method, count(v.id) FROM round r "
                            "LEFT JOIN vote v ON v.round_id = r.id GROUP BY r.id").fetchall()
        gates = conn.execute("SELECT r.session_id, r.key, i.key, c.key, v.value, v.note FROM vote v "
                             "JOIN round r ON r.id = v.round_id JOIN initiative i ON i.id = v.initiative_id "
                             "JOIN criterion c ON c.id = v.criterion_id WHERE r.method = 'gates'").fetchall()
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    return {"rounds": rows, "gates": gates, "revision": revision}


def test_the_fixture_is_what_release_0_1_0_wrote(old_db):
    before = _counts(old_db)
    assert before["revision"] == "0001"
    assert {m for _s, _k, m, _n in before["rounds"]} >= {"gates", "dots", "matrix", "ranking", "moscow"}
    assert len(before["gates"]) == 8 + 28 + 2  # two samples' gate rounds and one made in the TUI


def test_opening_it_upgrades_and_keeps_every_gate_assessment_vote_and_round(old_db):
    before = _counts(old_db)
    db = open_database(f"sqlite:///{old_db}")
    try:
        assert current_revision(db) == head_revision() == "0003_decisions_when"
        by_id = {s.id: sessions.load(db, s.id) for s in sessions.list_sessions(db)}
    finally:
        db.dispose()
    voting_before = {(s, k, n) for s, k, m, n in before["rounds"] if m != "gates"}
    voting_after = {(sid, r.key, len(r.votes)) for sid, w in by_id.items() for r in w.rounds}
    assert voting_after == voting_before
    gates_after = {(sid, g.key, a.initiative, a.criterion, json.dumps(a.passed), a.note)
                   for sid, w in by_id.items() for g in w.gate_sheets for a in g.assessments}
    assert gates_after == {tuple(row) for row in before["gates"]}
    assert all(r.method != "gates" for w in by_id.values() for r in w.rounds)
    with sqlite3.connect(old_db) as conn:
        assert conn.execute("SELECT count(*) FROM round WHERE method = 'gates'").fetchone()[0] == 0
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_its_sessions_export_as_release_0_1_0_exported_them(old_db):
    expected = json.loads(gzip.decompress((FIXTURES / "release-0.1.0.exports.json.gz").read_bytes()))
    db = open_database(f"sqlite:///{old_db}")
    try:
        for session_id, data in expected.items():
            now = json.loads(sessions.export_json(db, int(session_id)))
            # The one addition since 0.1.0: migration 0002_decisions gives each override its
            # kind, taken from its outcome (include -> within the bandwidth, exclude -> rule out).
            for d in now.get("decisions", []):
                assert d.pop("kind") == {"include": "within", "exclude": "rule_out"}[d["outcome"]], d
                # 0003_decisions_when: the time of an old override is not known, so none is made up.
                assert "decided_at" not in d, d
            # The file format went to version 2 (decision times); everything else is as it was.
            assert now.pop("version") == 2 and data.pop("version") == 1
            assert now == data, session_id
    finally:
        db.dispose()


def test_after_the_upgrade_gate_edits_and_the_shortlist_work(old_db):
    from workshop_tui.domain.summaries import shortlist
    from workshop_tui.services import editing

    db = open_database(f"sqlite:///{old_db}")
    try:
        cald = next(s.id for s in sessions.list_sessions(db) if s.title == "Investment prioritisation matrix")
        w = sessions.load(db, cald)
        first, second = w.initiatives[0].key, w.initiatives[1].key
        assert shortlist(w).candidates == (first,) and shortlist(w).ruled_out == (second,)
        editing.record_gate(db, cald, second, "ig_approved", True, "DPIA done")
        w = sessions.load(db, cald)
        assert shortlist(w).candidates == (first, second) and shortlist(w).ruled_out == ()
        assert [g.key for g in w.gate_sheets] == ["gates"] and len(w.gate_sheets[0].assessments) == 2
    finally:
        db.dispose()


def test_a_downgrade_puts_the_gate_assessments_back_as_they_were(old_db):
    from alembic import command

    from workshop_tui.storage.migrate import alembic_config

    before = _counts(old_db)
    db = open_database(f"sqlite:///{old_db}")
    try:
        config = alembic_config()
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0001")
    finally:
        db.dispose()
    after = _counts(old_db)
    assert after["revision"] == "0001"
    assert sorted(after["gates"]) == sorted(before["gates"])
    assert sorted(after["rounds"]) == sorted(before["rounds"])
    with sqlite3.connect(old_db) as conn:
        order = conn.execute("SELECT session_id, key FROM round ORDER BY session_id, position, id").fetchall()
    assert [k for s, k in order if s == 1] == ["r1", "gates"] and [k for s, k in order if s == 3][:2] == ["r1", "r2"]
