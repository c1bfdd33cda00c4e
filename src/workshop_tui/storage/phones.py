"""Repository functions for phone voting (issue 14): hashed codes and once-per-round keys.

Nothing here stores a code, a device token, an IP address or a user agent: codes
are kept as SHA-256 hashes, and a device or slip that has voted in a round is a
hash of its token (or code) with the round (``phone_voted``), so rounds are not
linkable. Row ids are random, like secret ballots', so row order says nothing.
"""

from __future__ import annotations

import json
from typing import Iterable

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from workshop_tui.domain import model as m
from workshop_tui.storage import ballot_box
from workshop_tui.storage.repository import (
    NAMED_ID_LIMIT, RoundIds, _encode_ranking, box_entry, _ranking_places, encode_value, frac_to_text, id_map, now, random_id,
)
from workshop_tui.storage.tables import ParticipantRow, PhoneCodeRow, PhoneVotedRow, \
    AuditRow, RankingPlaceRow, RoundRow, VoteRow


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


def replace_person_ballots(s: Session, ids: RoundIds, ballots: dict[str, list[m.Vote]]) -> None:
    """Named people's whole ballots in one round: their rows (and ranking places) out, the
    new ones in, as a few Core statements for the lot (thirty phones send at once)."""
    if not ballots:
        return
    conn = s.connection()
    pids = [ids.participants[p] for p in ballots]
    vt, pt = VoteRow.__table__, RankingPlaceRow.__table__
    conn.execute(delete(pt).where(pt.c.round_id == ids.round, pt.c.participant_id.in_(pids)))
    conn.execute(delete(vt).where(vt.c.round_id == ids.round, vt.c.participant_id.in_(pids)))
    rows, places = [], []
    # The next named ids (as ``next_vote_id``), read once inside this transaction.
    next_id = (conn.execute(select(func.max(vt.c.id)).where(vt.c.id < NAMED_ID_LIMIT)).scalar() or 0) + 1
    stamp = now()
    for participant, votes in ballots.items():
        pid = ids.participants[participant]
        for v in votes:
            rows.append({"id": next_id, "round_id": ids.round, "participant_id": pid, "ballot": None,
                         "initiative_id": ids.initiatives[v.initiative] if v.initiative else None,
                         "criterion_id": ids.criteria[v.criterion] if v.criterion else None,
                         "value": encode_value(v.value), "effort": frac_to_text(v.effort),
                         "ranking": _encode_ranking(v.ranking) if v.ranking is not None else None,
                         "channel": v.channel, "note": v.note, "created_at": stamp})
            next_id += 1
            if v.ranking is not None:
                places += [{"id": random_id(), "round_id": ids.round, "participant_id": pid, "ballot": None,
                            "initiative_id": ids.initiatives[key], "place": place}
                           for key, place in _ranking_places(v.ranking)]
    if rows:
        conn.execute(insert(vt), rows)
    if places:
        conn.execute(insert(pt), places)


def audit_many(s: Session, session_id: int, entries: list[tuple[str, dict]]) -> None:
    """Audit rows (action, detail) in one statement, one per action, in order."""
    if entries:
        stamp = now()
        s.connection().execute(insert(AuditRow.__table__), [
            {"session_id": session_id, "at": stamp, "action": action,
             "detail": json.dumps(detail, default=str, sort_keys=True)} for action, detail in entries])
