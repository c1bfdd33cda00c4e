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

from workshop_tui.domain import model as m
from workshop_tui.services import sessions
from workshop_tui.services.unit_of_work import reading, write
from workshop_tui.storage import bulk_votes
from workshop_tui.storage import repository as repo

SAMPLE_NAMES = [name for name, _ in sessions.sample_files()]

values = st.one_of(
    st.integers(-3, 12),
    st.fractions(min_value=-5, max_value=10, max_denominator=7),
    st.booleans(),
    st.sampled_from(["must", "should", "could", "wont", "5/2", "7", "  spaced  ", "ünïcode"]),
    st.none(),
)
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
                max_size=6)  # storage refuses NUL, rightly


@st.composite
def workshops(draw) -> m.Workshop:
    n_people = draw(st.integers(0, 4))
    n_items = draw(st.integers(1, 5))
    people = tuple(m.Participant(key=f"p{n}", name=f"P{n}") for n in range(n_people))
    items = tuple(m.Initiative(key=f"i{n}", title=f"I{n}", effort=draw(st.none() | st.fractions(0, 9, max_denominator=5)))
                  for n in range(n_items))
    criteria = tuple(m.Criterion(key=f"c{n}", name=f"C{n}") for n in range(draw(st.integers(0, 2))))
    rounds = []
    for r in range(draw(st.integers(0, 3))):
        method = draw(st.sampled_from(["dots", "matrix", "ranking", "value_effort", "moscow"]))
        anonymous = draw(st.booleans())
        voters = people if not anonymous else tuple(m.Participant(key=f"b{n}", name="") for n in range(3))
        votes, seen = [], set()
        for person in voters:
            for _ in range(draw(st.integers(0, 3))):
                initiative = draw(st.sampled_from(items)).key
                criterion = draw(st.sampled_from(criteria)).key if criteria and method == "matrix" else None
                if (person.key, initiative, criterion) in seen:
                    continue
                seen.add((person.key, initiative, criterion))
                ranking = None
                if method == "ranking":
                    keys = draw(st.permutations([i.key for i in items]))
                    ranking = tuple(keys[:1]) + (tuple(keys[1:3]),) if len(keys) > 2 else tuple(keys)
                    initiative = None
                    if any(v.ballot == person.key or v.participant == person.key for v in votes):
                        continue
                votes.append(m.Vote(
                    participant=None if anonymous else person.key,
                    ballot=f"ballot-{person.key}-{draw(st.integers(0, 999))}" if anonymous else None,
                    initiative=initiative, criterion=criterion,
                    value=None if method == "ranking" else draw(values),
                    effort=draw(st.none() | st.fractions(0, 9, max_denominator=4)) if method == "value_effort" else None,
                    ranking=ranking, channel=draw(st.sampled_from(["facilitator", "paper", "phone"])),
                    note=draw(texts)))
        voted = tuple(p.key for p in people[:draw(st.integers(0, len(people)))]) if anonymous else ()
        rounds.append(m.Round(key=f"r{r}", method=method, title=f"Round {r}", anonymous=anonymous,
                              status=draw(st.sampled_from(["open", "closed"])), votes=tuple(votes), voted=voted))
    return m.Workshop(session=m.SessionInfo(title="generated"), participants=people, initiatives=items,
                      criteria=criteria, rounds=tuple(rounds))


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
