"""Repository functions: the only code that reads or writes rows.

Each function takes a SQLModel ``Session`` (keyword ``s``) that the caller's
transaction owns, and speaks domain values (``workshop_tui.domain.model``)
in and out, so no live ORM row ever reaches a screen.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from workshop_tui.domain import model as m
from workshop_tui.storage.tables import (
    ActionRow,
    AuditRow,
    BottleneckRow,
    CriterionRow,
    DecisionRow,
    DemandRow,
    DependencyRow,
    InitiativeRow,
    ParticipantRow,
    RoundRow,
    RoundVoterRow,
    SessionRow,
    VoteRow,
)

_FRACTION = re.compile(r"^-?\d+/\d+$")


class NotFound(LookupError):
    """A session, or a thing in it, that is not in the database (any more)."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# -- value encoding -------------------------------------------------------

def frac_to_text(value: Fraction | int | None) -> str | None:
    return None if value is None else str(Fraction(value))


def text_to_frac(value: str | None) -> Fraction | None:
    return None if value is None or value == "" else Fraction(value)


def encode_value(value: m.VoteValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bool, str, int)):
        return json.dumps(value)
    frac = Fraction(value)
    return json.dumps(frac.numerator if frac.denominator == 1 else str(frac))


def decode_value(text: str | None, method: str) -> m.VoteValue:
    if text is None:
        return None
    value = json.loads(text)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str) and _FRACTION.match(value):
        value = Fraction(value)
    if method == "dots" and isinstance(value, (int, Fraction)):
        return int(value)
    if method in ("matrix", "value_effort") and isinstance(value, (int, Fraction)):
        return Fraction(value)
    return value


NAMED_ID_LIMIT = 2**61


def random_id() -> int:
    """Row ids for secret ballots: random, so row order links a ballot to nobody."""
    return NAMED_ID_LIMIT + secrets.randbelow(2**62 - NAMED_ID_LIMIT)


# -- sessions -----------------------------------------------------------------

SessionSummary = m.SessionSummary


def get_session_row(s: Session, session_id: int) -> SessionRow:
    row = s.get(SessionRow, session_id)
    if row is None:
        raise NotFound(f"There is no session {session_id}.")
    return row


def list_sessions(s: Session) -> list[SessionSummary]:
    counts: dict[str, dict[int, int]] = {}
    for name, table in (("initiatives", InitiativeRow), ("participants", ParticipantRow), ("rounds", RoundRow)):
        counts[name] = dict(s.exec(select(table.session_id, func.count()).group_by(table.session_id)).all())
    rows = s.exec(select(SessionRow).order_by(SessionRow.id)).scalars().all()
    return [
        SessionSummary(
            id=r.id, title=r.title, organisation=r.organisation, date=r.date, stage=r.stage,
            initiatives=counts["initiatives"].get(r.id, 0), participants=counts["participants"].get(r.id, 0),
            rounds=counts["rounds"].get(r.id, 0), updated_at=r.updated_at, source=r.source,
        )
        for r in rows
    ]


def session_ids_by_source(s: Session, source: str) -> list[int]:
    return list(s.exec(select(SessionRow.id).where(SessionRow.source == source)).scalars().all())


def touch(s: Session, session_id: int) -> None:
    row = get_session_row(s, session_id)
    row.updated_at = now()
    s.add(row)


def session_info(row: SessionRow) -> m.SessionInfo:
    return m.SessionInfo(
        title=row.title, organisation=row.organisation, date=row.date, facilitator=row.facilitator,
        mission=row.mission, horizon_years=row.horizon_years, bandwidth=row.bandwidth,
        description=row.description, budget=text_to_frac(row.budget), max_actions=row.max_actions,
        stage=row.stage,
    )


def apply_session_info(row: SessionRow, info: m.SessionInfo) -> None:
    row.title = info.title
    row.organisation = info.organisation
    row.date = info.date
    row.facilitator = info.facilitator
    row.mission = info.mission
    row.horizon_years = info.horizon_years
    row.bandwidth = info.bandwidth
    row.description = info.description
    row.budget = frac_to_text(info.budget)
    row.max_actions = info.max_actions
    row.stage = info.stage
    row.updated_at = now()


def create_session(s: Session, info: m.SessionInfo, *, source: str = "") -> int:
    row = SessionRow(title=info.title, source=source)
    apply_session_info(row, info)
    s.add(row)
    s.flush()
    return row.id


def update_session_info(s: Session, session_id: int, info: m.SessionInfo) -> None:
    row = get_session_row(s, session_id)
    apply_session_info(row, info)
    s.add(row)


def delete_session(s: Session, session_id: int) -> None:
    row = get_session_row(s, session_id)
    # Child rows go by ON DELETE CASCADE; votes and voters hang off rounds.
    s.delete(row)


# -- lookups by key -----------------------------------------------------------

def id_map(s: Session, table: Any, session_id: int) -> dict[str, int]:
    return dict(s.exec(select(table.key, table.id).where(table.session_id == session_id)).all())


def _next_position(s: Session, table: Any, session_id: int) -> int:
    top = s.exec(select(func.max(table.position)).where(table.session_id == session_id)).scalar()
    return (top or 0) + 1


def _row_by_key(s: Session, table: Any, session_id: int, key: str) -> Any:
    row = s.exec(select(table).where(table.session_id == session_id, table.key == key)).scalars().first()
    if row is None:
        raise NotFound(f"{table.__tablename__} {key!r} is not in this session.")
    return row


# -- participants ---------------------------------------------------------

def save_participant(s: Session, session_id: int, p: m.Participant) -> None:
    row = s.exec(select(ParticipantRow).where(ParticipantRow.session_id == session_id,
                                              ParticipantRow.key == p.key)).scalars().first()
    if row is None:
        row = ParticipantRow(session_id=session_id, key=p.key, name=p.name,
                             position=_next_position(s, ParticipantRow, session_id))
    row.name, row.role, row.site = p.name, p.role, p.site
    s.add(row)


def delete_participant(s: Session, session_id: int, key: str) -> None:
    s.delete(_row_by_key(s, ParticipantRow, session_id, key))


# -- initiatives ------------------------------------------------------------

def save_initiative(s: Session, session_id: int, i: m.Initiative) -> None:
    row = s.exec(select(InitiativeRow).where(InitiativeRow.session_id == session_id,
                                             InitiativeRow.key == i.key)).scalars().first()
    if row is None:
        row = InitiativeRow(session_id=session_id, key=i.key, title=i.title,
                            position=_next_position(s, InitiativeRow, session_id))
    row.title, row.description, row.owner, row.service_area = i.title, i.description, i.owner, i.service_area
    row.portfolio, row.kind, row.decided = i.portfolio, i.kind, i.decided
    row.effort, row.cost = frac_to_text(i.effort), frac_to_text(i.cost)
    s.add(row)
    s.flush()
    ids = id_map(s, InitiativeRow, session_id)
    s.exec(delete(DependencyRow).where(DependencyRow.initiative_id == row.id))
    for n, dep in enumerate(i.depends_on):
        if dep not in ids:
            raise NotFound(f"Prerequisite {dep!r} is not an initiative in this session.")
        s.add(DependencyRow(initiative_id=row.id, depends_on_id=ids[dep], position=n))
    bottlenecks = id_map(s, BottleneckRow, session_id)
    s.exec(delete(DemandRow).where(DemandRow.initiative_id == row.id))
    for bkey, amount in i.demands.items():
        if bkey not in bottlenecks:
            raise NotFound(f"Bottleneck {bkey!r} is not in this session.")
        if amount:
            s.add(DemandRow(initiative_id=row.id, bottleneck_id=bottlenecks[bkey], amount=amount))


def set_demand(s: Session, session_id: int, initiative: str, bottleneck: str, amount: int) -> None:
    iid = _row_by_key(s, InitiativeRow, session_id, initiative).id
    bid = _row_by_key(s, BottleneckRow, session_id, bottleneck).id
    row = s.get(DemandRow, (iid, bid))
    if amount == 0:
        if row is not None:
            s.delete(row)
        return
    if row is None:
        row = DemandRow(initiative_id=iid, bottleneck_id=bid, amount=amount)
    row.amount = amount
    s.add(row)


def delete_initiative(s: Session, session_id: int, key: str) -> None:
    s.delete(_row_by_key(s, InitiativeRow, session_id, key))


# -- bottlenecks and criteria ---------------------------------------------

def save_bottleneck(s: Session, session_id: int, b: m.Bottleneck) -> None:
    row = s.exec(select(BottleneckRow).where(BottleneckRow.session_id == session_id,
                                             BottleneckRow.key == b.key)).scalars().first()
    if row is None:
        row = BottleneckRow(session_id=session_id, key=b.key, name=b.name,
                            position=_next_position(s, BottleneckRow, session_id))
    row.name, row.capacity, row.unit = b.name, b.capacity, b.unit
    s.add(row)


def delete_bottleneck(s: Session, session_id: int, key: str) -> None:
    s.delete(_row_by_key(s, BottleneckRow, session_id, key))


def save_criterion(s: Session, session_id: int, c: m.Criterion) -> None:
    row = s.exec(select(CriterionRow).where(CriterionRow.session_id == session_id,
                                            CriterionRow.key == c.key)).scalars().first()
    if row is None:
        row = CriterionRow(session_id=session_id, key=c.key, name=c.name,
                           position=_next_position(s, CriterionRow, session_id))
    row.name, row.kind, row.direction, row.description = c.name, c.kind, c.direction, c.description
    row.weight, row.scale_min, row.scale_max = str(c.weight), str(c.min), str(c.max)
    s.add(row)


def delete_criterion(s: Session, session_id: int, key: str) -> None:
    s.delete(_row_by_key(s, CriterionRow, session_id, key))


# -- rounds and votes -------------------------------------------------------

def round_row(s: Session, session_id: int, key: str) -> RoundRow:
    return _row_by_key(s, RoundRow, session_id, key)


def save_round(s: Session, session_id: int, r: m.Round) -> None:
    """Create or update a round's definition (not its votes)."""
    row = s.exec(select(RoundRow).where(RoundRow.session_id == session_id, RoundRow.key == r.key)).scalars().first()
    if row is None:
        row = RoundRow(session_id=session_id, key=r.key, method=r.method,
                       position=_next_position(s, RoundRow, session_id))
    row.title, row.method, row.status = r.title, r.method, r.status
    row.anonymous, row.hidden = r.anonymous, r.hidden
    row.settings = json.dumps(_settings_to_json(r.settings), sort_keys=True)
    s.add(row)
    s.flush()


def delete_round(s: Session, session_id: int, key: str) -> None:
    s.delete(round_row(s, session_id, key))


def _settings_to_json(settings: Any) -> dict:
    return {k: (str(v) if isinstance(v, Fraction) else v) for k, v in dict(settings).items()}


def _settings_from_json(text: str) -> dict:
    out = {}
    for k, v in json.loads(text or "{}").items():
        out[k] = Fraction(v) if isinstance(v, str) and _FRACTION.match(v) else v
    return out


def add_votes(s: Session, session_id: int, round_key: str, votes: Iterable[m.Vote], *, anonymous: bool) -> None:
    """Insert vote rows. Secret ballots get random row ids and no timestamps."""
    rnd = round_row(s, session_id, round_key)
    people = id_map(s, ParticipantRow, session_id)
    items = id_map(s, InitiativeRow, session_id)
    crits = id_map(s, CriterionRow, session_id)
    stamp = None if anonymous else now()
    next_id = None if anonymous else next_vote_id(s)
    for v in votes:
        if next_id is not None:
            vote_id, next_id = next_id, next_id + 1
        else:
            vote_id = random_id()
        s.add(VoteRow(
            id=vote_id,
            round_id=rnd.id,
            participant_id=None if anonymous else (people[v.participant] if v.participant else None),
            ballot=v.ballot if anonymous else None,
            initiative_id=items[v.initiative] if v.initiative else None,
            criterion_id=crits[v.criterion] if v.criterion else None,
            value=encode_value(v.value),
            effort=frac_to_text(v.effort),
            ranking=json.dumps([list(e) if isinstance(e, tuple) else e for e in v.ranking])
            if v.ranking is not None else None,
            channel=v.channel,
            note=v.note,
            created_at=stamp,
        ))
    if anonymous:
        reshuffle_secret_rows(s, VoteRow, rnd.id)


def reshuffle_secret_rows(s: Session, table: Any, round_id: int) -> None:
    """PostgreSQL only: rewrite a secret round's rows with fresh random ids, in random order.

    PostgreSQL stores, for every row, the transaction that wrote it (``xmin``) and
    keeps rows in insertion order (``ctid``), so ballots and "who has voted" rows
    written one person at a time would line up. Rewriting the round's rows in the
    same transaction as each new one gives them all one ``xmin`` and a physical
    order that follows random ids. (SQLite has neither: its rows live in the
    order of their random ids.) A round holds at most a few hundred rows.
    """
    if s.get_bind().dialect.name != "postgresql":
        return
    s.flush()
    for obj in list(s.identity_map.values()):
        if isinstance(obj, table) and obj.round_id == round_id:
            s.expunge(obj)
    raw = table.__table__
    found = [dict(r) for r in s.execute(select(raw).where(raw.c.round_id == round_id)).mappings()]
    if not found:
        return
    s.execute(delete(raw).where(raw.c.round_id == round_id))
    for row in found:
        row["id"] = random_id()
    found.sort(key=lambda row: row["id"])
    s.execute(insert(raw), found)


def next_vote_id(s: Session) -> int:
    """Named votes use increasing ids so "undo the last vote" is well defined.

    Secret ballots take random ids from the upper half of the range, so
    named ids are counted among those below it.
    """
    top = s.exec(select(func.max(VoteRow.id)).where(VoteRow.id < NAMED_ID_LIMIT)).scalar()
    return (top or 0) + 1


def delete_votes(s: Session, session_id: int, round_key: str, *, participant: str | None = None,
                 ballot: str | None = None, initiative: str | None = None, criterion: str | None = None) -> int:
    rnd = round_row(s, session_id, round_key)
    query = delete(VoteRow).where(VoteRow.round_id == rnd.id)
    if participant is not None:
        query = query.where(VoteRow.participant_id == _row_by_key(s, ParticipantRow, session_id, participant).id)
    if ballot is not None:
        query = query.where(VoteRow.ballot == ballot)
    if initiative is not None:
        query = query.where(VoteRow.initiative_id == _row_by_key(s, InitiativeRow, session_id, initiative).id)
    if criterion is not None:
        query = query.where(VoteRow.criterion_id == _row_by_key(s, CriterionRow, session_id, criterion).id)
    result = s.exec(query)
    return result.rowcount or 0


@dataclass(frozen=True)
class RoundIds:
    """Row ids behind one round's keys, so a live vote is written without looking them up."""

    round: int
    participants: dict[str, int]
    initiatives: dict[str, int]
    criteria: dict[str, int]


def round_ids(s: Session, session_id: int, round_key: str) -> RoundIds:
    """The round's row id and the session's participant, initiative and criterion ids by key."""
    return RoundIds(round_row(s, session_id, round_key).id, id_map(s, ParticipantRow, session_id),
                    id_map(s, InitiativeRow, session_id), id_map(s, CriterionRow, session_id))


def replace_named_vote(s: Session, *, round_id: int, participant_id: int, initiative_id: int,
                       criterion_id: int | None, vote_id: int | None, vote: m.Vote | None) -> int:
    """One named cell vote: delete what the cell held, insert ``vote`` (if any) as row ``vote_id``.

    Core statements by row id on the transaction's connection: no lookups, no
    ORM. With ``criterion_id`` None every criterion of the cell is cleared (as
    ``delete_votes`` does). A clash on ``vote_id`` (another process took it)
    raises ``IntegrityError``; the caller re-reads ``next_vote_id`` and retries.
    Returns how many rows were deleted.
    """
    conn = s.connection()
    t = VoteRow.__table__
    query = delete(t).where(t.c.round_id == round_id, t.c.participant_id == participant_id,
                            t.c.initiative_id == initiative_id)
    if criterion_id is not None:
        query = query.where(t.c.criterion_id == criterion_id)
    deleted = conn.execute(query).rowcount or 0
    if vote is not None:
        conn.execute(insert(t).values(
            id=vote_id, round_id=round_id, participant_id=participant_id, ballot=None,
            initiative_id=initiative_id, criterion_id=criterion_id, value=encode_value(vote.value),
            effort=frac_to_text(vote.effort), ranking=None, channel=vote.channel, note=vote.note,
            created_at=now(),
        ))
    return deleted


def set_voter(s: Session, session_id: int, round_key: str, participant: str, status: str | None) -> None:
    """Record that someone voted or abstained (status None removes the record)."""
    rnd = round_row(s, session_id, round_key)
    pid = _row_by_key(s, ParticipantRow, session_id, participant).id
    row = s.exec(select(RoundVoterRow).where(RoundVoterRow.round_id == rnd.id,
                                             RoundVoterRow.participant_id == pid)).scalars().first()
    if status is None:
        if row is not None:
            s.delete(row)
    else:
        if row is None:
            row = RoundVoterRow(id=random_id(), round_id=rnd.id, participant_id=pid, status=status)
        row.status = status
        s.add(row)
    if rnd.anonymous:
        reshuffle_secret_rows(s, RoundVoterRow, rnd.id)


# -- decisions and actions --------------------------------------------------

def add_decision(s: Session, session_id: int, d: m.Decision) -> None:
    iid = _row_by_key(s, InitiativeRow, session_id, d.initiative).id
    s.exec(delete(DecisionRow).where(DecisionRow.session_id == session_id, DecisionRow.initiative_id == iid))
    s.add(DecisionRow(session_id=session_id, initiative_id=iid, outcome=d.outcome, rationale=d.rationale,
                      round_key=d.round, position=_next_position(s, DecisionRow, session_id), kind=d.effective_kind))


def delete_decision(s: Session, session_id: int, initiative: str) -> None:
    iid = _row_by_key(s, InitiativeRow, session_id, initiative).id
    s.exec(delete(DecisionRow).where(DecisionRow.session_id == session_id, DecisionRow.initiative_id == iid))


def save_action(s: Session, session_id: int, a: m.Action) -> str:
    """Create or update an action; returns its key (a new one gets the next a<n>)."""
    key = a.key
    if not key:
        used = set(id_map(s, ActionRow, session_id))
        n = len(used) + 1
        while f"a{n}" in used:
            n += 1
        key = f"a{n}"
    row = s.exec(select(ActionRow).where(ActionRow.session_id == session_id, ActionRow.key == key)).scalars().first()
    if row is None:
        row = ActionRow(session_id=session_id, key=key, title=a.title,
                        position=_next_position(s, ActionRow, session_id))
    row.title, row.owner, row.measure, row.due = a.title, a.owner, a.measure, a.due
    row.initiative_id = _row_by_key(s, InitiativeRow, session_id, a.initiative).id if a.initiative else None
    s.add(row)
    return key


def delete_action(s: Session, session_id: int, key: str) -> None:
    s.delete(_row_by_key(s, ActionRow, session_id, key))


# -- the audit log ------------------------------------------------------------

def audit(s: Session, session_id: int | None, action: str, **detail: Any) -> None:
    s.add(AuditRow(session_id=session_id, action=action, detail=json.dumps(detail, default=str, sort_keys=True)))


def audit_now(s: Session, session_id: int | None, action: str, **detail: Any) -> None:
    """``audit`` as one Core insert, executed at once (for the live-vote path)."""
    s.connection().execute(insert(AuditRow.__table__).values(
        session_id=session_id, at=now(), action=action, detail=json.dumps(detail, default=str, sort_keys=True)))


def audit_entries(s: Session, session_id: int) -> list[tuple[dt.datetime, str, dict]]:
    rows = s.exec(select(AuditRow).where(AuditRow.session_id == session_id).order_by(AuditRow.id)).scalars().all()
    return [(r.at, r.action, json.loads(r.detail)) for r in rows]


# -- whole workshops ----------------------------------------------------------

def insert_workshop(s: Session, w: m.Workshop, *, source: str = "") -> int:
    """Store a whole workshop as a new session; returns its id."""
    session_id = create_session(s, w.session, source=source)
    for n, p in enumerate(w.participants):
        s.add(ParticipantRow(session_id=session_id, key=p.key, name=p.name, role=p.role, site=p.site, position=n))
    for n, b in enumerate(w.bottlenecks):
        s.add(BottleneckRow(session_id=session_id, key=b.key, name=b.name, capacity=b.capacity, unit=b.unit,
                            position=n))
    for n, c in enumerate(w.criteria):
        s.add(CriterionRow(session_id=session_id, key=c.key, name=c.name, kind=c.kind, weight=str(c.weight),
                           scale_min=str(c.min), scale_max=str(c.max), direction=c.direction,
                           description=c.description, position=n))
    for n, i in enumerate(w.initiatives):
        s.add(InitiativeRow(session_id=session_id, key=i.key, title=i.title, description=i.description,
                            owner=i.owner, service_area=i.service_area, portfolio=i.portfolio, kind=i.kind,
                            effort=frac_to_text(i.effort), cost=frac_to_text(i.cost), decided=i.decided,
                            position=n))
    s.flush()
    items = id_map(s, InitiativeRow, session_id)
    bottlenecks = id_map(s, BottleneckRow, session_id)
    for i in w.initiatives:
        for n, dep in enumerate(i.depends_on):
            s.add(DependencyRow(initiative_id=items[i.key], depends_on_id=items[dep], position=n))
        for bkey, amount in i.demands.items():
            if amount:
                s.add(DemandRow(initiative_id=items[i.key], bottleneck_id=bottlenecks[bkey], amount=amount))
    for r in w.rounds:
        save_round(s, session_id, r)
        add_votes(s, session_id, r.key, r.votes, anonymous=r.anonymous)
        for p in r.voted:
            set_voter(s, session_id, r.key, p, "voted")
        for p in r.abstained:
            set_voter(s, session_id, r.key, p, "abstained")
    for d in w.decisions:
        add_decision(s, session_id, d)
    for a in w.actions:
        save_action(s, session_id, a)
    s.flush()
    return session_id


def load_workshop(s: Session, session_id: int) -> m.Workshop:
    """Read a whole session into domain values (ordered as the facilitator entered them)."""
    row = get_session_row(s, session_id)
    participants = s.exec(select(ParticipantRow).where(ParticipantRow.session_id == session_id)
                          .order_by(ParticipantRow.position, ParticipantRow.id)).scalars().all()
    initiatives = s.exec(select(InitiativeRow).where(InitiativeRow.session_id == session_id)
                         .order_by(InitiativeRow.position, InitiativeRow.id)).scalars().all()
    bottlenecks = s.exec(select(BottleneckRow).where(BottleneckRow.session_id == session_id)
                         .order_by(BottleneckRow.position, BottleneckRow.id)).scalars().all()
    criteria = s.exec(select(CriterionRow).where(CriterionRow.session_id == session_id)
                      .order_by(CriterionRow.position, CriterionRow.id)).scalars().all()
    rounds = s.exec(select(RoundRow).where(RoundRow.session_id == session_id)
                    .order_by(RoundRow.position, RoundRow.id)).scalars().all()
    p_key = {p.id: p.key for p in participants}
    i_key = {i.id: i.key for i in initiatives}
    b_key = {b.id: b.key for b in bottlenecks}
    c_key = {c.id: c.key for c in criteria}
    deps: dict[int, list[tuple[int, str]]] = {}
    demands: dict[int, dict[str, int]] = {}
    if initiatives:
        ids = list(i_key)
        for d in s.exec(select(DependencyRow).where(DependencyRow.initiative_id.in_(ids))).scalars().all():
            deps.setdefault(d.initiative_id, []).append((d.position, i_key[d.depends_on_id]))
        demand_rows = s.exec(select(DemandRow).where(DemandRow.initiative_id.in_(ids))).scalars().all()
        order = {b.id: n for n, b in enumerate(bottlenecks)}
        for d in sorted(demand_rows, key=lambda d: order.get(d.bottleneck_id, 0)):
            demands.setdefault(d.initiative_id, {})[b_key[d.bottleneck_id]] = d.amount
    round_values = []
    if rounds:
        r_ids = [r.id for r in rounds]
        votes_by_round: dict[int, list[Any]] = {}
        # Named votes in entry order (their ids increase); secret ballots by ballot id,
        # so their order says nothing about who cast them. Plain column tuples, not
        # ORM objects: a large session has 50,000 votes, and building an ORM object
        # for each took seconds (see docs/performance.md).
        vote_columns = (VoteRow.round_id, VoteRow.participant_id, VoteRow.initiative_id, VoteRow.criterion_id,
                        VoteRow.value, VoteRow.effort, VoteRow.ranking, VoteRow.channel, VoteRow.ballot,
                        VoteRow.note)
        for v in s.exec(select(*vote_columns).where(VoteRow.round_id.in_(r_ids))
                        .order_by(VoteRow.ballot, VoteRow.id)).all():
            votes_by_round.setdefault(v.round_id, []).append(v)
        voters: dict[int, list[RoundVoterRow]] = {}
        for v in s.exec(select(RoundVoterRow).where(RoundVoterRow.round_id.in_(r_ids))).scalars().all():
            voters.setdefault(v.round_id, []).append(v)
        p_order = {p.id: n for n, p in enumerate(participants)}
        for r in rounds:
            rows = votes_by_round.get(r.id, [])
            if r.anonymous:
                rows.sort(key=lambda v: (v.ballot or "", i_key.get(v.initiative_id, ""), c_key.get(v.criterion_id, "")))
            # Votes repeat a handful of values ("1" … "5"): decode each text once and
            # share the (immutable) result, which saves time and memory alike.
            decoded: dict[str | None, m.VoteValue] = {}
            for text in {v.value for v in rows}:
                decoded[text] = decode_value(text, r.method)
            vote_values = tuple(
                m.Vote(
                    participant=p_key.get(v.participant_id) if v.participant_id else None,
                    initiative=i_key.get(v.initiative_id) if v.initiative_id else None,
                    criterion=c_key.get(v.criterion_id) if v.criterion_id else None,
                    value=decoded[v.value],
                    effort=text_to_frac(v.effort),
                    ranking=_decode_ranking(v.ranking),
                    channel=v.channel,
                    ballot=v.ballot,
                    note=v.note,
                )
                for v in rows
            )
            marks = sorted(voters.get(r.id, []), key=lambda v: p_order.get(v.participant_id, 0))
            round_values.append(m.Round(
                key=r.key, method=r.method, title=r.title, settings=_settings_from_json(r.settings),
                status=r.status, anonymous=r.anonymous, hidden=r.hidden, votes=vote_values,
                voted=tuple(p_key[v.participant_id] for v in marks if v.status == "voted"),
                abstained=tuple(p_key[v.participant_id] for v in marks if v.status == "abstained"),
            ))
    decisions = s.exec(select(DecisionRow).where(DecisionRow.session_id == session_id)
                       .order_by(DecisionRow.position, DecisionRow.id)).scalars().all()
    actions = s.exec(select(ActionRow).where(ActionRow.session_id == session_id)
                     .order_by(ActionRow.position, ActionRow.id)).scalars().all()
    return m.Workshop(
        session=session_info(row),
        participants=tuple(m.Participant(key=p.key, name=p.name, role=p.role, site=p.site) for p in participants),
        initiatives=tuple(
            m.Initiative(
                key=i.key, title=i.title, description=i.description, owner=i.owner, service_area=i.service_area,
                portfolio=i.portfolio, kind=i.kind, effort=text_to_frac(i.effort), cost=text_to_frac(i.cost),
                decided=i.decided, depends_on=tuple(k for _, k in sorted(deps.get(i.id, []))),
                demands=demands.get(i.id, {}),
            )
            for i in initiatives
        ),
        bottlenecks=tuple(m.Bottleneck(key=b.key, name=b.name, capacity=b.capacity, unit=b.unit) for b in bottlenecks),
        criteria=tuple(
            m.Criterion(key=c.key, name=c.name, kind=c.kind, weight=Fraction(c.weight), min=Fraction(c.scale_min),
                        max=Fraction(c.scale_max), direction=c.direction, description=c.description)
            for c in criteria
        ),
        rounds=tuple(round_values),
        decisions=tuple(m.Decision(initiative=i_key[d.initiative_id], outcome=d.outcome, rationale=d.rationale,
                                   round=d.round_key, kind=d.kind or "") for d in decisions),
        actions=tuple(m.Action(key=a.key, initiative=i_key.get(a.initiative_id) if a.initiative_id else None,
                               title=a.title, owner=a.owner, measure=a.measure, due=a.due) for a in actions),
    )


def _decode_ranking(text: str | None) -> m.RankingBallot | None:
    if text is None:
        return None
    return tuple(tuple(e) if isinstance(e, list) else e for e in json.loads(text))
