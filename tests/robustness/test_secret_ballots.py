"""Secret ballots: after ballots are cast in a known order, nothing in the database
links a ballot to the person who cast it. Runs on SQLite and PostgreSQL.

Casting is simulated the way the voting service does it: one transaction per
person, recording the ballot (no participant) and, separately, that they voted.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

import pytest
from sqlalchemy import inspect, text

from workshop_tui.domain import model as m
from workshop_tui.services import sessions
from workshop_tui.services.unit_of_work import write
from workshop_tui.storage import repository as repo

PEOPLE = [f"p{n:02d}" for n in range(1, 13)]


def session_with_a_secret_round() -> bytes:
    return json.dumps({
        "format": "workshop-tui/session", "version": 1,
        "session": {"title": "Secret", "date": "2026-11-21"},
        "participants": [{"key": p, "name": f"Person {p}"} for p in PEOPLE],
        "initiatives": [{"key": k, "title": k.upper()} for k in ("a", "b", "c")],
        "rounds": [{"key": "r", "method": "dots", "anonymous": True,
                    "settings": {"budget": 3, "max_per_initiative": 3}, "votes": []}],
    }).encode()


@pytest.fixture
def cast(db):
    session_id = sessions.import_bytes(db, session_with_a_secret_round(), "secret")
    order = []
    for n, person in enumerate(PEOPLE):
        ballot = secrets.token_hex(8)
        votes = [m.Vote(initiative="abc"[n % 3], value=2, ballot=ballot, channel="private"),
                 m.Vote(initiative="abc"[(n + 1) % 3], value=1, ballot=ballot, channel="private")]

        def work(s, person=person, votes=votes):
            repo.add_votes(s, session_id, "r", votes, anonymous=True)
            repo.set_voter(s, session_id, "r", person, "voted")
            repo.audit(s, session_id, "round.ballot_cast", round="r")  # who, never what

        write(db, work)
        order.append((person, ballot))
    return db, session_id, order


def rows(db, sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_ballot_rows_name_nobody_and_carry_no_time(cast):
    db, _, order = cast
    found = rows(db, "SELECT participant_id, created_at, ballot FROM vote")
    assert len(found) == 2 * len(PEOPLE)
    assert all(p is None and t is None for p, t, _ in found)
    ballots = {b for _, _, b in found}
    assert ballots == {b for _, b in order}
    assert not any(person in b for person, b in order)


def physical(db, column: str, table: str) -> str:
    """The rows in storage order: SQLite's rowid, PostgreSQL's ctid (a bare SELECT may walk an index)."""
    order = "ctid" if db.engine.dialect.name == "postgresql" else "rowid"
    return f"SELECT {column} FROM {table} ORDER BY {order}"


def _unordered(sequence, cast_order) -> bool:
    return list(sequence) != list(cast_order) and list(sequence) != list(reversed(cast_order))


def test_no_ordering_follows_the_order_of_casting(cast):
    db, _, order = cast
    cast_ballots = [b for _, b in order]
    by_id = list(dict.fromkeys(b for (b,) in rows(db, "SELECT ballot FROM vote ORDER BY id")))
    in_storage = list(dict.fromkeys(b for (b,) in rows(db, physical(db, "ballot", "vote"))))
    assert _unordered(by_id, cast_ballots)
    assert _unordered(in_storage, cast_ballots)
    keys = dict(rows(db, "SELECT id, key FROM participant"))
    voters_by_id = [keys[p] for (p,) in rows(db, "SELECT participant_id FROM round_voter ORDER BY id")]
    voters_physical = [keys[p] for (p,) in rows(db, physical(db, "participant_id", "round_voter"))]
    assert sorted(voters_by_id) == PEOPLE
    assert _unordered(voters_by_id, PEOPLE)
    assert _unordered(voters_physical, PEOPLE)
    # Ids in the same order in both tables would link them: they must not be.
    ballot_positions = by_id
    voter_positions = voters_by_id
    assert [dict(order)[p] for p in voter_positions] != ballot_positions


@pytest.mark.postgres_only
def test_postgres_system_columns_do_not_date_the_ballots(cast):
    """PostgreSQL keeps, per row, the id of the transaction that wrote it (xmin) and the
    rows' physical order (ctid): each would date a ballot and match it to its voter.
    (SQLite has neither; its physical order is checked above.)"""
    db, _, _ = cast
    assert db.engine.dialect.name == "postgresql"
    assert rows(db, "SELECT count(DISTINCT xmin::text) FROM vote") == [(1,)]
    assert rows(db, "SELECT count(DISTINCT xmin::text) FROM round_voter") == [(1,)]


def test_no_column_anywhere_links_a_ballot_to_a_person(cast):
    db, session_id, order = cast
    person_ids = dict(rows(db, "SELECT key, id FROM participant"))
    names = {f"Person {p}" for p in PEOPLE}
    ballots = {b for _, b in order}
    for table in inspect(db.engine).get_table_names():
        columns = [c["name"] for c in inspect(db.engine).get_columns(table)]
        for row in rows(db, f'SELECT * FROM "{table}"'):
            values = dict(zip(columns, row))
            flat = " ".join(str(v) for v in values.values())
            if any(b in flat for b in ballots):
                # A row that holds a ballot id holds nothing about a person.
                assert not any(p in flat for p in PEOPLE) and not any(n in flat for n in names), (table, values)
                assert values.get("participant_id") is None, (table, values)
                for name, value in values.items():
                    assert not isinstance(value, (dt.datetime, dt.date)), (table, name)
    # The audit log says that someone voted, never which ballot or who cast it.
    for _, action, detail in sessions_audit(db, session_id):
        if action == "round.ballot_cast":
            assert not set(map(str, detail.values())) & (ballots | set(PEOPLE) | set(map(str, person_ids.values())))


def sessions_audit(db, session_id):
    from workshop_tui.services.unit_of_work import reading

    with reading(db) as s:
        return repo.audit_entries(s, session_id)


def test_the_results_still_count_every_ballot(cast):
    db, session_id, order = cast
    workshop = sessions.load(db, session_id)
    (rnd,) = workshop.rounds
    assert sorted(rnd.voted) == PEOPLE
    assert {v.ballot for v in rnd.votes} == {b for _, b in order}
    assert all(v.participant is None for v in rnd.votes)
    assert sum(v.value for v in rnd.votes) == 3 * len(PEOPLE)
