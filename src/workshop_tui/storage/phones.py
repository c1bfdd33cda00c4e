"""Repository functions for phone voting (issue 14): hashed codes and once-per-round keys.

Nothing here stores a code, a device token, an IP address or a user agent: codes
are kept as SHA-256 hashes, and a device or slip that has voted in a round is a
hash of its token (or code) with the round (``phone_voted``), so rounds are not
linkable. Row ids are random, like secret ballots', so row order says nothing.

A batch of named ballots (thirty phones sending at once) is read and written on the
transaction's own DB-API cursor (``storage/driver.py``): the writer thread shares the
interpreter with the facilitator's screen, and SQLAlchemy's per-statement Python was
most of the batch's cost.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import namedtuple
from typing import Iterable

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from workshop_tui.domain import model as m
from workshop_tui.storage import ballot_box, driver
from workshop_tui.storage.bulk_votes import decode_ranking
from workshop_tui.storage.repository import (
    NAMED_ID_LIMIT, NotFound, RoundIds, RoundState, _criterion, _encode_ranking, _ranking_places, _settings_from_json,
    box_entry, decode_value, encode_value, frac_to_text, id_map, random_id, text_to_frac,
)
from workshop_tui.storage.tables import AuditRow, ParticipantRow, PhoneCodeRow, PhoneVotedRow, RoundRow, SessionRow, \
    VoteRow


def replace_named_codes(s: Session, session_id: int, hashes: dict[str, str]) -> None:
    """Each participant's personal code (by participant key -> code hash); old ones stop working."""
    people = id_map(s, ParticipantRow, session_id)
    s.exec(delete(PhoneCodeRow).where(PhoneCodeRow.session_id == session_id, PhoneCodeRow.kind == "named"))
    rows = [{"id": random_id(), "session_id": session_id, "kind": "named", "participant_id": people[key],
             "code_hash": h} for key, h in hashes.items()]
    if rows:
        s.connection().execute(insert(PhoneCodeRow.__table__), rows)


def add_slips(s: Session, session_id: int, hashes: Iterable[str]) -> None:
    rows = [{"id": random_id(), "session_id": session_id, "kind": "slip", "participant_id": None, "code_hash": h}
            for h in hashes]
    if rows:
        s.connection().execute(insert(PhoneCodeRow.__table__), rows)


def find_code(s: Session, session_id: int, code_hash: str) -> tuple[str, str | None] | None:
    """("named", participant key) or ("slip", None) for a known code hash; None otherwise."""
    row = s.exec(select(PhoneCodeRow.kind, ParticipantRow.key)
                 .join(ParticipantRow, ParticipantRow.id == PhoneCodeRow.participant_id, isouter=True)
                 .where(PhoneCodeRow.session_id == session_id, PhoneCodeRow.code_hash == code_hash)).first()
    if row is None:
        return None
    return row[0], row[1]


def count_codes(s: Session, session_id: int, kind: str) -> int:
    return len(s.exec(select(PhoneCodeRow.id).where(PhoneCodeRow.session_id == session_id,
                                                    PhoneCodeRow.kind == kind)).all())


def open_round_keys(s: Session, session_id: int) -> list[str]:
    """The session's open voting rounds, in the facilitator's order."""
    return list(s.exec(select(RoundRow.key).where(RoundRow.session_id == session_id, RoundRow.status == "open",
                                                  RoundRow.method != "gates")
                       .order_by(RoundRow.position, RoundRow.id)).scalars())


def has_voted(s: Session, round_id: int, voter_key: str) -> bool:
    t = PhoneVotedRow.__table__
    return s.connection().execute(select(t.c.id).where(t.c.round_id == round_id, t.c.voter_key == voter_key)) \
        .first() is not None


def mark_voted(s: Session, round_id: int, voter_key: str) -> None:
    """The device or slip has cast its ballot in the round (UNIQUE: a second one is refused)."""
    s.connection().execute(insert(PhoneVotedRow.__table__).values(id=random_id(), round_id=round_id,
                                                                   voter_key=voter_key))


def cast_unnamed_secret_ballot(s: Session, ids: RoundIds, votes: Iterable[m.Vote]) -> str:
    """A secret ballot that is nobody's (an anonymous phone, a slip) into the round's box;
    no voter is marked. Returns the ballot id."""
    items, crits = ids.initiatives, ids.criteria
    entries = [box_entry(v, items, crits) for v in votes]
    return ballot_box.cast(s, ids.round, None, sorted(ids.participants.values()), entries)


# -- a batch of named phone ballots, on the transaction's own cursor (storage/driver.py) ----------

_Round = namedtuple("_Round", "id key method title settings status anonymous hidden min_group items")
_Criterion = namedtuple("_Criterion", "id key name kind weight scale_min scale_max direction description")

_ROUND = ("SELECT id, key, method, title, settings, status, anonymous, hidden, min_group, "
          "(SELECT count(*) FROM initiative WHERE session_id = :sid) FROM round WHERE session_id = :sid AND key = :key")
_CRITERIA = ("SELECT id, key, name, kind, weight, scale_min, scale_max, direction, description "
             "FROM criterion WHERE session_id = :sid ORDER BY position, id")


def _by_key(cur, table: str, label: str, session_id: int, keys: list[str]) -> list:
    """(key, id, label) of the session's ``table`` rows with these keys (none asked: none)."""
    if not keys:
        return []
    marks, params = driver.in_list("k", keys)
    return cur.rows(f"SELECT key, id, {label} FROM {table} WHERE session_id = :sid AND key IN ({marks})",
                    {"sid": session_id, **params})


def batch_state(s: Session, cur: driver.Cursor, session_id: int, round_key: str, participants: Iterable[str],
                initiatives: Iterable[str]) -> RoundState:
    """What some named people's whole ballots in one round are judged against, and no more
    (``repository.cell_state`` for ballots): the round, these people's rows, votes and
    marks in it, the initiatives their ballots name, the criteria and the number of
    initiatives. A few statements whatever the size of the session or the round.
    ``ids``, ``titles`` and ``names`` hold only these people and the initiatives that
    exist; ``round.votes`` only these people's votes."""
    row = cur.one(_ROUND, {"sid": session_id, "key": round_key})
    if row is None:
        if cur.one("SELECT id FROM session WHERE id = :sid", {"sid": session_id}) is None:
            raise NotFound(f"There is no session {session_id}.")
        raise NotFound(f"round {round_key!r} is not in this session.")
    rnd = _Round(*row)
    people, items = sorted(set(participants)), sorted(set(initiatives))
    people_rows = _by_key(cur, "participant", "name", session_id, people)
    item_rows = _by_key(cur, "initiative", "title", session_id, items)
    crit_rows = [_Criterion(*c) for c in cur.rows(_CRITERIA, {"sid": session_id})]
    p_key = {pid: key for key, pid, _ in people_rows}
    rows, marks = [], []
    if p_key:
        pids, params = driver.in_list("p", sorted(p_key))
        params["rid"] = rnd.id
        rows = cur.rows(
            "SELECT v.participant_id, i.key, c.key, v.value, v.effort, v.ranking, v.channel, v.ballot, v.note "
            "FROM vote v LEFT JOIN initiative i ON i.id = v.initiative_id LEFT JOIN criterion c ON c.id = v.criterion_id "
            f"WHERE v.round_id = :rid AND v.participant_id IN ({pids}) ORDER BY v.id", params)
        marks = cur.rows(f"SELECT participant_id, status FROM round_voter WHERE round_id = :rid "
                         f"AND participant_id IN ({pids})", params)
    votes = tuple(
        m.Vote(participant=p_key[pid], initiative=initiative, criterion=criterion,
               value=decode_value(value, rnd.method), effort=text_to_frac(effort), ranking=decode_ranking(ranking),
               channel=channel, ballot=ballot, note=note)
        for pid, initiative, criterion, value, effort, ranking, channel, ballot, note in rows)
    the_round = m.Round(
        key=rnd.key, method=rnd.method, title=rnd.title, settings=_settings_from_json(rnd.settings),
        status=rnd.status, anonymous=bool(rnd.anonymous), hidden=bool(rnd.hidden), min_group=rnd.min_group,
        votes=votes, voted=tuple(p_key[pid] for pid, status in marks if status == "voted"),
        abstained=tuple(p_key[pid] for pid, status in marks if status == "abstained"))
    ids = RoundIds(rnd.id, {key: pid for key, pid, _ in people_rows}, {key: iid for key, iid, _ in item_rows},
                   {c.key: c.id for c in crit_rows})
    return RoundState(the_round, ids, tuple(_criterion(c) for c in crit_rows),
                      {key: title for key, _, title in item_rows}, {key: name for key, _, name in people_rows},
                      session_id, s.connection(), initiative_count=int(rnd.items))


_VOTE_COLUMNS = ("id", "round_id", "participant_id", "ballot", "initiative_id", "criterion_id", "value", "effort",
                 "ranking", "channel", "note", "created_at")
_PLACE_COLUMNS = ("id", "round_id", "participant_id", "ballot", "initiative_id", "place")


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"


def replace_person_ballots(cur: driver.Cursor, ids: RoundIds, ballots: dict[str, list[m.Vote]],
                           stamp: dt.datetime) -> None:
    """Named people's whole ballots in one round: their rows (and ranking places) out, the
    new ones in, as a few statements for the lot (thirty phones send at once)."""
    if not ballots:
        return
    pids, params = driver.in_list("p", [ids.participants[p] for p in ballots])
    params["rid"] = ids.round
    cur.run(f"DELETE FROM ranking_place WHERE round_id = :rid AND participant_id IN ({pids})", params)
    cur.run(f"DELETE FROM vote WHERE round_id = :rid AND participant_id IN ({pids})", params)
    # The next named ids (as ``next_vote_id``), read once inside this transaction.
    top = cur.one("SELECT max(id) FROM vote WHERE id < :limit", {"limit": NAMED_ID_LIMIT})
    next_id = ((top[0] if top else None) or 0) + 1
    created = cur.bound(VoteRow.__table__.c.created_at, stamp)
    rows, places = [], []
    for participant, votes in ballots.items():
        pid = ids.participants[participant]
        for v in votes:
            rows.append({"id": next_id, "round_id": ids.round, "participant_id": pid, "ballot": None,
                         "initiative_id": ids.initiatives[v.initiative] if v.initiative else None,
                         "criterion_id": ids.criteria[v.criterion] if v.criterion else None,
                         "value": encode_value(v.value), "effort": frac_to_text(v.effort),
                         "ranking": _encode_ranking(v.ranking) if v.ranking is not None else None,
                         "channel": v.channel, "note": v.note, "created_at": created})
            next_id += 1
            if v.ranking is not None:
                places += [{"id": random_id(), "round_id": ids.round, "participant_id": pid, "ballot": None,
                            "initiative_id": ids.initiatives[key], "place": place}
                           for key, place in _ranking_places(v.ranking)]
    if rows:
        cur.many(_insert("vote", _VOTE_COLUMNS), rows)
    if places:
        cur.many(_insert("ranking_place", _PLACE_COLUMNS), places)


def audit_many(cur: driver.Cursor, session_id: int, entries: list[tuple[str, dict]], stamp: dt.datetime) -> None:
    """Audit rows (action, detail), one per action, in order."""
    if entries:
        at = cur.bound(AuditRow.__table__.c.at, stamp)
        cur.many("INSERT INTO audit_log (session_id, at, action, detail) VALUES (:sid, :at, :action, :detail)",
                 [{"sid": session_id, "at": at, "action": action,
                   "detail": json.dumps(detail, default=str, sort_keys=True)} for action, detail in entries])


def touch(cur: driver.Cursor, session_id: int, stamp: dt.datetime) -> None:
    """``repository.touch`` on the batch's cursor: the session changed now."""
    if not cur.run("UPDATE session SET updated_at = :at WHERE id = :sid",
                   {"at": cur.bound(SessionRow.__table__.c.updated_at, stamp), "sid": session_id}):
        raise NotFound(f"There is no session {session_id}.")
