"""The ballot box of an open secret round behaves like the stored ballots it becomes:
one ballot per person (checked inside the write transaction), edits to the session
apply to boxed ballots too, and closing, reopening and closing again loses nothing."""

from __future__ import annotations

import json

import pytest

from workshop_tui.domain import model as m
from workshop_tui.services import editing, sessions, voting

PEOPLE = [f"p{n}" for n in range(1, 6)]
ITEMS = ("a", "b", "c", "d")


@pytest.fixture
def secret_round(db):
    session_id = sessions.import_bytes(db, json.dumps({
        "format": "workshop-tui/session", "version": 1,
        "session": {"title": "Box", "date": "2026-11-21"},
        "participants": [{"key": p, "name": p.upper()} for p in PEOPLE],
        "initiatives": [{"key": k, "title": k.upper()} for k in ITEMS],
        "rounds": [],
    }).encode(), "box")
    key = voting.create_round(db, session_id, method="ranking", anonymous=True)
    return db, session_id, key


def the_round(db, session_id, key) -> m.Round:
    return next(r for r in sessions.load(db, session_id).rounds if r.key == key)


def test_a_person_cannot_cast_two_secret_ballots(secret_round):
    db, session_id, key = secret_round
    voting.submit_ballot(db, session_id, key, "p1", [m.Vote(ranking=("a", "b", "c", "d"))])
    with pytest.raises(voting.VotingError, match="already voted"):
        voting.submit_ballot(db, session_id, key, "p1", [m.Vote(ranking=("d", "c", "b", "a"))])
    assert len({v.ballot for v in the_round(db, session_id, key).votes}) == 1


def test_deleting_an_initiative_mid_round_reaches_boxed_ballots(secret_round):
    db, session_id, key = secret_round
    for person in PEOPLE[:3]:
        voting.submit_ballot(db, session_id, key, person, [m.Vote(ranking=("a", "b", "c", "d"))])
    editing.delete_initiative(db, session_id, "b")
    assert all("b" not in v.ranking for v in the_round(db, session_id, key).votes)
    voting.close_round(db, session_id, key)
    closed = the_round(db, session_id, key)
    assert sorted(closed.voted) == PEOPLE[:3]
    assert [v.ranking for v in closed.votes] == [("a", "c", "d")] * 3


def test_close_reopen_close_keeps_every_ballot(secret_round):
    db, session_id, key = secret_round
    voting.submit_ballot(db, session_id, key, "p1", [m.Vote(ranking=("a", "b"))])
    voting.submit_ballot(db, session_id, key, "p2", [m.Vote(ranking=("b", "a"))])
    voting.close_round(db, session_id, key)
    voting.reopen_round(db, session_id, key)
    with pytest.raises(voting.VotingError, match="already voted"):
        voting.submit_ballot(db, session_id, key, "p2", [m.Vote(ranking=("c",))])
    voting.submit_ballot(db, session_id, key, "p3", [m.Vote(ranking=("c", "d"))])
    voting.close_round(db, session_id, key)
    rnd = the_round(db, session_id, key)
    assert sorted(rnd.voted) == ["p1", "p2", "p3"]
    assert sorted(v.ranking for v in rnd.votes) == [("a", "b"), ("b", "a"), ("c", "d")]
    assert all(v.participant is None for v in rnd.votes)


@pytest.mark.postgres_only
def test_postgres_draws_where_each_slot_and_mark_sits_again_at_every_ballot(secret_round):
    """On PostgreSQL every row of the box is rewritten at each ballot (so all carry one
    xmin). Where the rows sit (ctid) is drawn again each time, so it follows neither the
    order the box was made in nor the order its slots were filled."""
    from sqlalchemy import text

    db, session_id, key = secret_round
    orders: list[tuple[tuple[str, ...], tuple[int, ...]]] = []
    for person in PEOPLE:
        voting.submit_ballot(db, session_id, key, person, [m.Vote(ranking=("a", "b", "c", "d"))])
        with db.engine.connect() as conn:
            slots = tuple(conn.execute(text("SELECT ballot FROM ballot_box.slot ORDER BY ctid")).scalars())
            marks = tuple(conn.execute(text("SELECT participant_id FROM ballot_box.voter ORDER BY ctid")).scalars())
            assert len(set(conn.execute(text("SELECT xmin::text FROM ballot_box.slot UNION ALL "
                                             "SELECT xmin::text FROM ballot_box.voter")).scalars())) == 1
        orders.append((slots, marks))
    # Five draws of 7 slots and 5 marks: all five alike would happen by chance about once in 10^11.
    assert len({slots for slots, _ in orders}) > 1 and len({marks for _, marks in orders}) > 1, orders
    assert len(the_round(db, session_id, key).votes) == len(PEOPLE)
