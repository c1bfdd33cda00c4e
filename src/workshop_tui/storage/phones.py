"""Repository functions for phone voting (issue 14): hashed codes and once-per-round keys.

Nothing here stores a code, a device token, an IP address or a user agent: codes
are kept as SHA-256 hashes, and a device or slip that has voted in a round is a
hash of its token (or code) with the round (``phone_voted``), so rounds are not
linkable. Row ids are random, like secret ballots', so row order says nothing.
"""

from __future__ import annotations

import json
from typing import Iterable

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from workshop_tui.domain import model as m
from workshop_tui.storage import ballot_box
from workshop_tui.storage.repository import (
    encode_value, frac_to_text, id_map, random_id, round_row,
)
from workshop_tui.storage.tables import CriterionRow, InitiativeRow, ParticipantRow, PhoneCodeRow, PhoneVotedRow, \
    RoundRow


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


def has_voted(s: Session, session_id: int, round_key: str, voter_key: str) -> bool:
    rnd = round_row(s, session_id, round_key)
    return s.exec(select(PhoneVotedRow.id).where(PhoneVotedRow.round_id == rnd.id,
                                                 PhoneVotedRow.voter_key == voter_key)).first() is not None


def mark_voted(s: Session, session_id: int, round_key: str, voter_key: str) -> None:
    """The device or slip has cast its ballot in the round (UNIQUE: a second one is refused)."""
    rnd = round_row(s, session_id, round_key)
    s.connection().execute(insert(PhoneVotedRow.__table__).values(id=random_id(), round_id=rnd.id,
                                                                   voter_key=voter_key))


def forget_voted(s: Session, session_id: int, round_key: str, voter_key: str) -> int:
    rnd = round_row(s, session_id, round_key)
    return s.exec(delete(PhoneVotedRow).where(PhoneVotedRow.round_id == rnd.id,
                                              PhoneVotedRow.voter_key == voter_key)).rowcount or 0


def cast_unnamed_secret_ballot(s: Session, session_id: int, round_key: str, votes: Iterable[m.Vote]) -> str:
    """A secret ballot that is nobody's (an anonymous phone, a slip) into the round's box;
    no voter is marked. Returns the ballot id."""
    rnd = round_row(s, session_id, round_key)
    people = id_map(s, ParticipantRow, session_id)
    items = id_map(s, InitiativeRow, session_id)
    crits = id_map(s, CriterionRow, session_id)
    entries = [{
        "initiative_id": items[v.initiative] if v.initiative else None,
        "criterion_id": crits[v.criterion] if v.criterion else None,
        "value": encode_value(v.value),
        "effort": frac_to_text(v.effort),
        "ranking": json.dumps([list(e) if isinstance(e, tuple) else e for e in v.ranking])
        if v.ranking is not None else None,
        "channel": v.channel,
        "note": v.note,
    } for v in votes]
    return ballot_box.cast(s, rnd.id, None, sorted(people.values()), entries)
