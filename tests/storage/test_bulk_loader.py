"""The bulk loader (storage/bulk_votes.py) returns exactly what the row-by-row loader
returned (loader_before.py, kept verbatim as the oracle), on SQLite and PostgreSQL:
for generated sessions (every method, named and secret rounds, odd values), for the
samples, and for an open secret round whose ballots still wait in the ballot box.
Loading only some rounds gives those rounds' votes, the rest without votes."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_before import load_workshop_before
from session_strategies import workshops

from workshop_tui.domain import model as m
from workshop_tui.services import sessions
from workshop_tui.services.unit_of_work import reading, write
from workshop_tui.storage import bulk_votes
from workshop_tui.storage import repository as repo

SAMPLE_NAMES = [name for name, _ in sessions.sample_files()]

def _both(db, session_id: int) -> tuple[m.Workshop, m.Workshop]:
    with reading(db) as s:
        before = load_workshop_before(s, session_id)
    with reading(db) as s:
        now = repo.load_workshop(s, session_id)
    return before, now


def _same(before: m.Workshop, now: m.Workshop) -> None:
    assert now == before
    for b, n in zip(before.rounds, now.rounds):  # equal, and of the same types (1 == Fraction(1) == True)
        assert [tuple(map(type, (v.value, v.effort, v.ranking))) for v in n.votes] == \
               [tuple(map(type, (v.value, v.effort, v.ranking))) for v in b.votes]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(workshop=workshops(), chunk=st.sampled_from([1, 2, 5, bulk_votes.CHUNK]))
def test_generated_sessions_load_as_before(db, workshop, chunk, monkeypatch):
    monkeypatch.setattr(bulk_votes, "CHUNK", chunk)  # rows are read in chunks: cross their edges too
    session_id = sessions.import_workshop(db, workshop)
    _same(*_both(db, session_id))


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_load_as_before(db, sample_bytes, name):
    session_id = sessions.import_bytes(db, sample_bytes(name), f"{name}.json")
    before, now = _both(db, session_id)
    _same(before, now)
    assert sum(len(r.votes) for r in now.rounds) > 0 or not before.rounds


def _open_secret_round(db) -> tuple[int, str]:
    people = tuple(m.Participant(key=f"p{n}", name=f"P{n}") for n in range(4))
    items = tuple(m.Initiative(key=f"i{n}", title=f"I{n}") for n in range(3))
    workshop = m.Workshop(session=m.SessionInfo(title="secret"), participants=people, initiatives=items,
                          rounds=(m.Round(key="s", method="dots", title="Secret", anonymous=True,
                                          settings={"budget": 3}),))
    session_id = sessions.import_workshop(db, workshop)
    for n, person in enumerate(people[:3]):
        write(db, lambda s, person=person, n=n: repo.cast_secret_ballot(
            s, session_id, "s", person.key, [m.Vote(initiative=f"i{n}", value=2), m.Vote(initiative="i2", value=1)]))
    return session_id, "s"


def test_open_secret_round_with_boxed_ballots_loads_as_before(db):
    session_id, key = _open_secret_round(db)
    before, now = _both(db, session_id)
    _same(before, now)
    assert len(now.round(key).votes) == 6 and set(now.round(key).voted) == {"p0", "p1", "p2"}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(workshop=workshops(), data=st.data())
def test_loading_some_rounds(db, workshop, data):
    session_id = sessions.import_workshop(db, workshop)
    keys = data.draw(st.sets(st.sampled_from([r.key for r in workshop.rounds]))) if workshop.rounds else set()
    whole = sessions.load(db, session_id)
    part = sessions.load(db, session_id, rounds=keys)
    for w_round, p_round in zip(whole.rounds, part.rounds, strict=True):
        if w_round.key in keys:
            assert p_round == w_round
        else:
            assert p_round.votes == () and p_round == m.Round(**{**w_round.__dict__, "votes": ()})
    assert part.initiatives == whole.initiatives and part.participants == whole.participants


def test_large_values_keep_their_json_text(db):
    """A value stored by an older release as text such as "3/1" decodes as before."""
    workshop = m.Workshop(session=m.SessionInfo(title="odd"), participants=(m.Participant("p", "P"),),
                          initiatives=(m.Initiative("i", "I"),),
                          rounds=(m.Round(key="r", method="matrix", votes=(m.Vote("p", "i", value=Fraction(3)),)),))
    session_id = sessions.import_workshop(db, workshop)

    def odd(s):
        from sqlalchemy import update

        from workshop_tui.storage.tables import VoteRow

        s.exec(update(VoteRow).values(value=json.dumps("3/1")))

    write(db, odd)
    _same(*_both(db, session_id))
