"""A batch of named phone ballots is read and written on the transaction's own DB-API
cursor (storage/driver.py: SQLAlchemy's per-statement Python was most of the writer's
cost, and the writer shares the interpreter with the facilitator's screen). These tests
hold that path to what SQLAlchemy Core did before: the same rows, as the driver stores
them (a datetime's text on SQLite too), and the same picture of the round to judge
against. SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from fractions import Fraction

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from workshop_tui.domain import model as m
from workshop_tui.services import phones, voting
from workshop_tui.services.phones import Voter
from workshop_tui.services.unit_of_work import transaction
from workshop_tui.services.voting import Rules
from workshop_tui.storage import driver
from workshop_tui.storage import phones as phone_repo
from workshop_tui.storage import repository as repo
from workshop_tui.storage.tables import AuditRow, RankingPlaceRow, SessionRow, VoteRow

STAMP = dt.datetime(2026, 11, 28, 9, 30, 15, 123456, tzinfo=dt.timezone.utc)


def vote(**fields) -> m.Vote:
    return m.Vote(channel="phone", **fields)


# Per method: the round's settings, the ballots cast (and committed) first, then the batch:
# a change of one person's ballot and a first ballot of another, as _judge_named stores them.
CASES = {
    "dots": ({"budget": 5, "max_per_initiative": 3},
             {"ana": [vote(initiative="epr", value="3"), vote(initiative="wifi", value="2")]},
             {"ana": [vote(initiative="eobs", value=1)],
              "cat": [vote(initiative="epr", value=2), vote(initiative="rpa", value=3)]}),
    "matrix": ({},
               {"ana": [vote(initiative="epr", criterion="patient", value="7")]},
               {"ana": [vote(initiative="epr", criterion="patient", value=Fraction(15, 2)),
                        vote(initiative="epr", criterion="staff", value=Fraction(3))],
                "cat": [vote(initiative="wifi", criterion="staff", value=Fraction(1, 3))]}),
    "value_effort": ({},
                     {"ana": [vote(initiative="epr", value="4", effort="2")]},
                     {"ana": [vote(initiative="epr", value=Fraction(5), effort=Fraction(1))],
                      "cat": [vote(initiative="voice", value=Fraction(2), effort=Fraction(3)),
                              vote(initiative="portal", value=Fraction(1), effort=None)]}),
    "ranking": ({},
                {"ana": [vote(ranking=("epr", "wifi", "eobs"))]},
                {"ana": [vote(ranking=(("epr", "wifi"), "voice"))],
                 "cat": [vote(ranking=("rpa", ("portal", "eobs"), "epr"))]}),
    "moscow": ({},
               {"ana": [vote(initiative="epr", value="must")]},
               {"ana": [vote(initiative="epr", value="could"), vote(initiative="wifi", value="wont")],
                "cat": [vote(initiative="rpa", value="should", note="Ça dépend")]}),
}


def _snapshot(s, round_id: int, session_id: int) -> dict:
    """The batch's tables as the driver stores them (plain SQL: no SQLAlchemy type on the way out)."""
    conn = s.connection()
    return {
        "vote": [tuple(r) for r in conn.execute(text(
            "SELECT id, round_id, participant_id, ballot, initiative_id, criterion_id, value, effort, ranking, "
            "channel, note, created_at FROM vote WHERE round_id = :r ORDER BY id"), {"r": round_id})],
        "ranking_place": sorted(tuple(r) for r in conn.execute(text(
            "SELECT id, round_id, participant_id, ballot, initiative_id, place FROM ranking_place "
            "WHERE round_id = :r"), {"r": round_id})),
        # Audit ids come from a sequence on PostgreSQL, which a rollback does not rewind: order, not ids.
        "audit": [tuple(r) for r in conn.execute(text(
            "SELECT session_id, at, action, detail FROM audit_log WHERE session_id = :s ORDER BY id"),
            {"s": session_id})],
        "session": [tuple(r) for r in conn.execute(text("SELECT id, updated_at FROM session"))],
    }


def _core_batch(s, session_id: int, ids: repo.RoundIds, ballots: dict[str, list[m.Vote]],
                audits: list[tuple[str, dict]], stamp: dt.datetime, new_id) -> None:
    """The batch as SQLAlchemy Core wrote it before the driver cursor (the reference)."""
    conn = s.connection()
    pids = [ids.participants[p] for p in ballots]
    vt, pt = VoteRow.__table__, RankingPlaceRow.__table__
    conn.execute(delete(pt).where(pt.c.round_id == ids.round, pt.c.participant_id.in_(pids)))
    conn.execute(delete(vt).where(vt.c.round_id == ids.round, vt.c.participant_id.in_(pids)))
    next_id = (conn.execute(select(func.max(vt.c.id)).where(vt.c.id < repo.NAMED_ID_LIMIT)).scalar() or 0) + 1
    rows, places = [], []
    for participant, votes in ballots.items():
        pid = ids.participants[participant]
        for v in votes:
            rows.append({"id": next_id, "round_id": ids.round, "participant_id": pid, "ballot": None,
                         "initiative_id": ids.initiatives[v.initiative] if v.initiative else None,
                         "criterion_id": ids.criteria[v.criterion] if v.criterion else None,
                         "value": repo.encode_value(v.value), "effort": repo.frac_to_text(v.effort),
                         "ranking": repo._encode_ranking(v.ranking) if v.ranking is not None else None,
                         "channel": v.channel, "note": v.note, "created_at": stamp})
            next_id += 1
            if v.ranking is not None:
                places += [{"id": new_id(), "round_id": ids.round, "participant_id": pid, "ballot": None,
                            "initiative_id": ids.initiatives[key], "place": place}
                           for key, place in repo._ranking_places(v.ranking)]
    conn.execute(insert(vt), rows)
    if places:
        conn.execute(insert(pt), places)
    conn.execute(insert(AuditRow.__table__), [
        {"session_id": session_id, "at": stamp, "action": action,
         "detail": json.dumps(detail, default=str, sort_keys=True)} for action, detail in audits])
    st = SessionRow.__table__
    conn.execute(update(st).where(st.c.id == session_id).values(updated_at=stamp))


@pytest.mark.parametrize("method", sorted(CASES))
def test_a_batch_writes_the_rows_core_wrote(db, session_id, method, monkeypatch):
    settings, first, batch = CASES[method]
    key = voting.create_round(db, session_id, method=method, settings=settings)
    for person, votes in first.items():
        phones.cast(db, session_id, key, Voter("named", participant=person), votes)
    counter = itertools.count(repo.NAMED_ID_LIMIT + 1)
    monkeypatch.setattr(phone_repo, "random_id", lambda: next(counter))
    ballots = {person: [dataclasses.replace(v, participant=person) for v in votes] for person, votes in batch.items()}
    audits = [("ballot.phone", {"round": key, "participant": p, "channel": "phone", "replaced": p in first})
              for p in ballots]
    with transaction(db) as s:
        ids = repo.round_ids(s, session_id, key)
        start = next(counter)
        written = s.begin_nested()
        with driver.cursor(s) as cur:
            phone_repo.replace_person_ballots(cur, ids, ballots, STAMP)
            phone_repo.audit_many(cur, session_id, audits, STAMP)
            phone_repo.touch(cur, session_id, STAMP)
        got = _snapshot(s, ids.round, session_id)
        written.rollback()
        counter = itertools.count(start + 1)
        reference = s.begin_nested()
        _core_batch(s, session_id, ids, ballots, audits, STAMP, lambda: next(counter))
        want = _snapshot(s, ids.round, session_id)
        reference.rollback()
    assert got == want
    assert len(got["vote"]) == sum(len(v) for v in ballots.values())
    assert bool(got["ranking_place"]) == (method == "ranking")


def test_the_batch_state_is_the_round_state_narrowed_to_the_batch(db, session_id):
    """What a batch's ballots are judged against, read on the cursor for some people and
    initiatives, is the whole round's state cut down to them: their votes (any channel),
    their marks, the initiatives named, every criterion and the number of initiatives."""
    key = voting.create_round(db, session_id, method="matrix")
    desk = voting.open_desk(db, session_id, key)
    desk.cast("ben", "epr", "patient", 4)
    desk.cast("ben", "wifi", "staff", 2)
    phones.cast(db, session_id, key, Voter("named", participant="ana"),
                [vote(initiative="eobs", criterion="patient", value="9")])
    voting.set_abstained(db, session_id, key, "dev")
    people, items = {"ana", "ben", "dev", "nobody"}, {"epr", "eobs", "gone"}
    with transaction(db) as s:
        whole = repo.round_state(s, session_id, key)
        with driver.cursor(s) as cur:
            part = phone_repo.batch_state(s, cur, session_id, key, people, items)
    assert part.round == dataclasses.replace(
        whole.round, votes=tuple(v for v in whole.round.votes if v.participant in people),
        voted=tuple(p for p in whole.round.voted if p in people),
        abstained=tuple(p for p in whole.round.abstained if p in people))
    assert part.round.abstained == ("dev",) and {v.channel for v in part.round.votes} == {"facilitator", "phone"}
    assert part.ids == repo.RoundIds(whole.ids.round,
                                     {k: i for k, i in whole.ids.participants.items() if k in people},
                                     {k: i for k, i in whole.ids.initiatives.items() if k in items},
                                     whole.ids.criteria)
    assert part.criteria == whole.criteria
    assert part.names == {k: n for k, n in whole.names.items() if k in people}
    assert part.titles == {k: t for k, t in whole.titles.items() if k in items}
    assert part.initiative_count == len(whole.ids.initiatives) == 6
    # The rule book reads the same from both (budget defaults, scales, titles in its words).
    assert Rules.of_state(part) == dataclasses.replace(
        Rules.of_state(whole), context=dataclasses.replace(
            Rules.of_state(whole).context, initiatives=part.titles, participants=part.names))


def test_a_batch_for_a_round_or_session_that_is_gone_says_which(db, session_id):
    with transaction(db) as s, driver.cursor(s) as cur:
        with pytest.raises(repo.NotFound, match="round 'nope' is not in this session"):
            phone_repo.batch_state(s, cur, session_id, "nope", {"ana"}, {"epr"})
        with pytest.raises(repo.NotFound, match="There is no session 999"):
            phone_repo.batch_state(s, cur, 999, "nope", {"ana"}, {"epr"})
        with pytest.raises(repo.NotFound, match="There is no session 999"):
            phone_repo.touch(cur, 999, STAMP)


def test_parameters_are_written_in_the_drivers_own_style():
    """``:name`` for sqlite3, ``%(name)s`` for psycopg; a literal % and a ``::`` cast survive."""
    from sqlalchemy.dialects import postgresql, sqlite

    class Fake:
        def __init__(self, dialect):
            self.dialect = dialect
            self.connection = type("C", (), {"dbapi_connection": type("D", (), {"cursor": lambda self: None})()})()

    sql = "SELECT x::text, '5%' FROM t WHERE a = :a AND b IN (:b0, :b1)"
    assert driver.Cursor(Fake(sqlite.dialect()))._sql(sql) == sql
    assert driver.Cursor(Fake(postgresql.psycopg.dialect()))._sql(sql) == \
        "SELECT x::text, '5%%' FROM t WHERE a = %(a)s AND b IN (%(b0)s, %(b1)s)"
    assert driver.in_list("p", [4, 7]) == (":p0, :p1", {"p0": 4, "p1": 7})
    with pytest.raises(ValueError):
        driver.in_list("p", [])
