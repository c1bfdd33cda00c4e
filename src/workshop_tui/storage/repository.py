"""Repository functions: the only code that reads or writes rows.

Each function takes a SQLModel ``Session`` (keyword ``s``) that the caller's
transaction owns, and speaks domain values (``workshop_tui.domain.model``)
in and out, so no live ORM row ever reaches a screen.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Collection, Iterable

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy import text as sql
from sqlmodel import Session

from workshop_tui.domain import model as m
from workshop_tui.storage import assemble, ballot_box, boxed, bulk_votes
from workshop_tui.storage.assemble import BoxMark, session_info  # noqa: F401 - session_info: services use it here
from workshop_tui.storage.assemble import criterion as _criterion
from workshop_tui.storage.boxed import Entry
# The stored values' codecs live in storage/codecs.py (stdlib only, shared with the quick read
# path); these names are re-exported because callers have always found them here.
from workshop_tui.storage.codecs import (  # noqa: F401
    decode_ranking as _decode_ranking,
    decode_value,
    encode_ranking as _encode_ranking,
    encode_value,
    frac_to_text,
    ranking_without as _without,
    secret_order,
    settings_from_json as _settings_from_json,
    settings_to_json as _settings_to_json,
    text_to_frac,
)
from workshop_tui.storage.tables import (
    ActionRow,
    AuditRow,
    BottleneckRow,
    CriterionRow,
    DecisionRow,
    DemandRow,
    GateAssessmentRow,
    GateSheetRow,
    DependencyRow,
    InitiativeRow,
    ParticipantRow,
    RankingPlaceRow,
    RoundRow,
    RoundVoterRow,
    SessionRow,
    VoteRow,
)

class NotFound(LookupError):
    """A session, or a thing in it, that is not in the database (any more)."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# -- row ids ------------------------------------------------------------------

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
    """Mark the session changed now (one Core update, cheap enough for every vote)."""
    t = SessionRow.__table__
    done = s.connection().execute(update(t).where(t.c.id == session_id).values(updated_at=now())).rowcount
    if not done:
        raise NotFound(f"There is no session {session_id}.")


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
    row.plan_round = info.plan_round
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


# -- gate assessments (their own tables: not votes, not a round) ----------------

def _save_gate_sheet(s: Session, session_id: int, g: m.GateSheet) -> None:
    row = GateSheetRow(session_id=session_id, key=g.key, title=g.title, status=g.status, position=g.position)
    s.add(row)
    s.flush()
    items = id_map(s, InitiativeRow, session_id)
    gates = id_map(s, CriterionRow, session_id)
    people = id_map(s, ParticipantRow, session_id)
    for a in g.assessments:
        s.add(GateAssessmentRow(sheet_id=row.id, initiative_id=items[a.initiative], criterion_id=gates[a.criterion],
                                participant_id=people[a.participant] if a.participant else None, passed=a.passed,
                                note=a.note, channel=a.channel))


def set_gate_assessment(s: Session, session_id: int, initiative: str, criterion: str, passed: bool | None,
                        note: str = "", *, sheet: str = "gates", title: str = "Exemplar gates") -> None:
    """The facilitator's verdict on one (initiative, gate) in ``sheet`` (None clears it); the sheet is made
    on first use, placed after the session's rounds and sheets."""
    row = s.exec(select(GateSheetRow).where(GateSheetRow.session_id == session_id,
                                            GateSheetRow.key == sheet)).scalars().first()
    if row is None:
        rounds = s.exec(select(func.count()).select_from(RoundRow).where(RoundRow.session_id == session_id)).scalar()
        sheets = s.exec(select(func.count()).select_from(GateSheetRow)
                        .where(GateSheetRow.session_id == session_id)).scalar()
        row = GateSheetRow(session_id=session_id, key=sheet, title=title, status="open",
                           position=int(rounds or 0) + int(sheets or 0))
        s.add(row)
        s.flush()
    item = _row_by_key(s, InitiativeRow, session_id, initiative).id
    gate = _row_by_key(s, CriterionRow, session_id, criterion).id
    for old in s.exec(select(GateAssessmentRow).where(GateAssessmentRow.sheet_id == row.id,
                                                      GateAssessmentRow.initiative_id == item,
                                                      GateAssessmentRow.criterion_id == gate)).scalars().all():
        s.delete(old)
    if passed is not None:
        s.add(GateAssessmentRow(sheet_id=row.id, initiative_id=item, criterion_id=gate, passed=passed, note=note))
    s.flush()


def count_gate_assessments(s: Session, session_id: int, *, initiative: str | None = None,
                           criterion: str | None = None, participant: str | None = None) -> int:
    """How many gate assessments name this initiative, criterion or person (for confirm questions)."""
    query = (select(func.count()).select_from(GateAssessmentRow)
             .join(GateSheetRow, GateSheetRow.id == GateAssessmentRow.sheet_id)
             .where(GateSheetRow.session_id == session_id))
    for key, table, column in ((initiative, InitiativeRow, GateAssessmentRow.initiative_id),
                               (criterion, CriterionRow, GateAssessmentRow.criterion_id),
                               (participant, ParticipantRow, GateAssessmentRow.participant_id)):
        if key is not None:
            row_id = id_map(s, table, session_id).get(key)
            if row_id is None:
                return 0
            query = query.where(column == row_id)
    return int(s.exec(query).scalar() or 0)


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
    row.anonymous, row.hidden, row.min_group = r.anonymous, r.hidden, r.min_group
    row.settings = json.dumps(_settings_to_json(r.settings), sort_keys=True)
    s.add(row)
    s.flush()


def delete_round(s: Session, session_id: int, key: str) -> None:
    s.delete(round_row(s, session_id, key))


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
            ranking=_encode_ranking(v.ranking) if v.ranking is not None else None,
            channel=v.channel,
            note=v.note,
            created_at=stamp,
        ))
        if v.ranking is not None:
            _add_ranking_places(s, rnd.id, None if anonymous else people.get(v.participant or ""),
                                v.ballot if anonymous else None, v.ranking, items, anonymous=anonymous)
    if anonymous:
        reshuffle_secret_rows(s, VoteRow, rnd.id)
        reshuffle_secret_rows(s, RankingPlaceRow, rnd.id)


def _ranking_places(ranking: m.RankingBallot) -> list[tuple[str, int]]:
    """(initiative key, place) for every initiative a ballot names; 1 = best."""
    out = []
    for place, entry in enumerate(ranking, start=1):
        for key in (entry,) if isinstance(entry, str) else entry:
            out.append((key, place))
    return out


def _add_ranking_places(s: Session, round_id: int, participant_id: int | None, ballot: str | None,
                        ranking: m.RankingBallot, items: dict[str, int], *, anonymous: bool) -> None:
    for key, place in _ranking_places(ranking):
        if key not in items:
            raise NotFound(f"A ranking names {key!r}, which is not an initiative in this session.")
        s.add(RankingPlaceRow(id=random_id(), round_id=round_id, participant_id=participant_id,
                              ballot=ballot if anonymous else None, initiative_id=items[key], place=place))


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
    if initiative is None and criterion is None:
        # Whole ballots went: so do the references of any ranking among them.
        places = delete(RankingPlaceRow).where(RankingPlaceRow.round_id == rnd.id)
        if participant is not None:
            places = places.where(RankingPlaceRow.participant_id
                                  == _row_by_key(s, ParticipantRow, session_id, participant).id)
        if ballot is not None:
            places = places.where(RankingPlaceRow.ballot == ballot)
        s.exec(places)
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
                       criterion_id: int | None, vote: m.Vote | None) -> int | None:
    """One named cell vote: delete what the cell held, insert ``vote`` (if any).

    Core statements by row id on the transaction's connection, no ORM. With
    ``criterion_id`` None every criterion of the cell is cleared (as
    ``delete_votes`` does). The new row's id is the next named id, read inside
    this transaction: writers are serialised (``BEGIN IMMEDIATE`` on SQLite,
    an advisory lock on PostgreSQL), so no other writer can take it before the
    commit. Returns the new row's id (None when the cell is now empty).
    """
    conn = s.connection()
    t = VoteRow.__table__
    query = delete(t).where(t.c.round_id == round_id, t.c.participant_id == participant_id,
                            t.c.initiative_id == initiative_id)
    if criterion_id is not None:
        query = query.where(t.c.criterion_id == criterion_id)
    conn.execute(query)
    if vote is None:
        return None
    vote_id = next_vote_id(s)
    conn.execute(insert(t).values(
        id=vote_id, round_id=round_id, participant_id=participant_id, ballot=None,
        initiative_id=initiative_id, criterion_id=criterion_id, value=encode_value(vote.value),
        effort=frac_to_text(vote.effort), ranking=None, channel=vote.channel, note=vote.note,
        created_at=now(),
    ))
    return vote_id


@dataclass
class RoundState:
    """One round as the database holds it now, for checking a write inside its transaction.

    ``round`` holds only ``participant``'s named votes when a participant was
    asked for (all the round's votes otherwise), with the round's voted and
    abstained lists (only that person's, when asked for one). ``workshop``
    (built on first use: a live vote does not need it) has the session's
    title, people, initiatives (titles only) and criteria, and this one round.
    """

    round: m.Round
    ids: RoundIds
    criteria: tuple[m.Criterion, ...]
    titles: dict[str, str]  # initiative key -> title
    names: dict[str, str]  # participant key -> name
    _session_id: int
    _conn: Any
    _workshop: m.Workshop | None = None
    # How many initiatives the session has (a dots budget's default depends on it); -1: len(ids.initiatives).
    initiative_count: int = -1

    @property
    def workshop(self) -> m.Workshop:
        if self._workshop is None:
            conn, sid = self._conn, self._session_id
            people = conn.execute(_STATE_SQL["people"], {"sid": sid}).all()
            items = conn.execute(_STATE_SQL["item_titles"], {"sid": sid}).all()
            self._workshop = m.Workshop(
                session=m.SessionInfo(title=conn.execute(_STATE_SQL["session"], {"sid": sid}).scalar() or ""),
                participants=tuple(m.Participant(key=p.key, name=p.name, role=p.role) for p in people),
                initiatives=tuple(m.Initiative(key=key, title=title) for key, title in items),
                criteria=self.criteria, rounds=(self.round,))
        return self._workshop


# Plain SQL, built once: ``round_state`` runs inside every live vote's transaction.
_STATE_SQL = {
    "session": sql("SELECT title FROM session WHERE id = :sid"),
    "round": sql("SELECT id, key, method, title, settings, status, anonymous, hidden, min_group FROM round "
                  "WHERE session_id = :sid AND key = :key"),
    "people": sql("SELECT id, key, name, role FROM participant WHERE session_id = :sid ORDER BY position, id"),
    "person_ids": sql("SELECT key, id, name FROM participant WHERE session_id = :sid"),
    "item_ids": sql("SELECT key, id, title FROM initiative WHERE session_id = :sid"),
    "item_titles": sql("SELECT key, title FROM initiative WHERE session_id = :sid ORDER BY position, id"),
    "criteria": sql("SELECT id, key, name, kind, weight, scale_min, scale_max, direction, description "
                    "FROM criterion WHERE session_id = :sid ORDER BY position, id"),
    "person_votes": sql("SELECT participant_id, initiative_id, criterion_id, value, effort, ranking, channel, "
                        "ballot, note FROM vote WHERE round_id = :rid AND participant_id = :pid ORDER BY id"),
    "marks": sql("SELECT participant_id, status FROM round_voter WHERE round_id = :rid"),
    "person_marks": sql("SELECT participant_id, status FROM round_voter WHERE round_id = :rid AND participant_id = :pid"),
}


def round_state(s: Session, session_id: int, round_key: str, participant: str | None = None) -> RoundState:
    conn = s.connection()
    rnd = conn.execute(_STATE_SQL["round"], {"sid": session_id, "key": round_key}).first()
    if rnd is None:
        if conn.execute(_STATE_SQL["session"], {"sid": session_id}).scalar() is None:
            raise NotFound(f"There is no session {session_id}.")
        raise NotFound(f"round {round_key!r} is not in this session.")
    person_rows = conn.execute(_STATE_SQL["person_ids"], {"sid": session_id}).all()
    item_rows = conn.execute(_STATE_SQL["item_ids"], {"sid": session_id}).all()
    people = {key: row_id for key, row_id, _ in person_rows}
    items = {key: row_id for key, row_id, _ in item_rows}
    crit_rows = conn.execute(_STATE_SQL["criteria"], {"sid": session_id}).all()
    ids = RoundIds(rnd.id, people, items, {c.key: c.id for c in crit_rows})
    p_key = {i: k for k, i in people.items()}
    c_key = {c.id: c.key for c in crit_rows}
    i_key = {i: k for k, i in items.items()}
    boxed, marked = _boxed(s, [rnd.id], i_key, c_key) if rnd.anonymous else ({}, {})
    if participant is None:
        # The whole round, in bulk (a screen reading again only the round that changed:
        # 48,000 scores row by row took half a second). An open secret round's ballots
        # wait in its ballot box and come with it.
        votes = _round_votes(s, rnd, boxed.get(rnd.id, ()), p_key, i_key, c_key)
        marks = conn.execute(_STATE_SQL["marks"], {"rid": rnd.id}).all()
    else:
        pid = people.get(participant, -1)
        rows = conn.execute(_STATE_SQL["person_votes"], {"rid": rnd.id, "pid": pid}).all()
        marks = conn.execute(_STATE_SQL["person_marks"], {"rid": rnd.id, "pid": pid}).all()
        votes = tuple(
            m.Vote(participant=p_key.get(v.participant_id) if v.participant_id else None,
                   initiative=i_key.get(v.initiative_id) if v.initiative_id else None,
                   criterion=c_key.get(v.criterion_id) if v.criterion_id else None,
                   value=decode_value(v.value, rnd.method), effort=text_to_frac(v.effort),
                   ranking=_decode_ranking(v.ranking), channel=v.channel, ballot=v.ballot, note=v.note)
            for v in rows)
    if rnd.anonymous:
        only = None if participant is None else people.get(participant, -1)
        marks = [*marks, *(BoxMark(pid, "voted") for pid in marked.get(rnd.id, set())
                           if pid in p_key and (only is None or pid == only))]
    order = {row_id: n for n, (_, row_id, _) in enumerate(person_rows)}
    marks = sorted(marks, key=lambda mk: order.get(mk.participant_id, 0))
    the_round = m.Round(
        key=rnd.key, method=rnd.method, title=rnd.title, settings=_settings_from_json(rnd.settings),
        status=rnd.status, anonymous=bool(rnd.anonymous), hidden=bool(rnd.hidden), min_group=rnd.min_group,
        votes=votes, voted=tuple(p_key[mk.participant_id] for mk in marks if mk.status == "voted"),
        abstained=tuple(p_key[mk.participant_id] for mk in marks if mk.status == "abstained"))
    return RoundState(the_round, ids, tuple(_criterion(c) for c in crit_rows),
                      {key: title for key, _, title in item_rows}, {key: name for key, _, name in person_rows},
                      session_id, conn)


_CELL_SQL = {
    "person": sql("SELECT key, id, name FROM participant WHERE session_id = :sid AND key = :key"),
    "item": sql("SELECT key, id, title FROM initiative WHERE session_id = :sid AND key = :key"),
    "items": sql("SELECT count(*) FROM initiative WHERE session_id = :sid"),
    "person_votes": sql(
        "SELECT i.key AS initiative, c.key AS criterion, v.value, v.effort, v.ranking, v.channel, v.ballot, v.note "
        "FROM vote v LEFT JOIN initiative i ON i.id = v.initiative_id "
        "LEFT JOIN criterion c ON c.id = v.criterion_id "
        "WHERE v.round_id = :rid AND v.participant_id = :pid ORDER BY v.id"),
}


def cell_state(s: Session, session_id: int, round_key: str, participant: str, initiative: str) -> RoundState:
    """``round_state`` narrowed to what a live vote on one cell is judged against: the round
    row, this participant's row, votes and marks in the round, this initiative's row, the
    criteria and the number of initiatives. A handful of indexed lookups, whatever the size
    of the session, inside every vote's transaction. ``ids``, ``titles`` and ``names``
    hold only this participant and this initiative (when they still exist)."""
    conn = s.connection()
    rnd = conn.execute(_STATE_SQL["round"], {"sid": session_id, "key": round_key}).first()
    if rnd is None:
        if conn.execute(_STATE_SQL["session"], {"sid": session_id}).scalar() is None:
            raise NotFound(f"There is no session {session_id}.")
        raise NotFound(f"round {round_key!r} is not in this session.")
    person = conn.execute(_CELL_SQL["person"], {"sid": session_id, "key": participant}).first()
    item = conn.execute(_CELL_SQL["item"], {"sid": session_id, "key": initiative}).first()
    crit_rows = conn.execute(_STATE_SQL["criteria"], {"sid": session_id}).all()
    ids = RoundIds(rnd.id, {person.key: person.id} if person else {}, {item.key: item.id} if item else {},
                   {c.key: c.id for c in crit_rows})
    pid = person.id if person else -1
    rows = conn.execute(_CELL_SQL["person_votes"], {"rid": rnd.id, "pid": pid}).all() if person else []
    marks = conn.execute(_STATE_SQL["person_marks"], {"rid": rnd.id, "pid": pid}).all() if person else []
    votes = tuple(
        m.Vote(participant=participant, initiative=v.initiative, criterion=v.criterion,
               value=decode_value(v.value, rnd.method), effort=text_to_frac(v.effort),
               ranking=_decode_ranking(v.ranking), channel=v.channel, ballot=v.ballot, note=v.note)
        for v in rows)
    the_round = m.Round(
        key=rnd.key, method=rnd.method, title=rnd.title, settings=_settings_from_json(rnd.settings),
        status=rnd.status, anonymous=bool(rnd.anonymous), hidden=bool(rnd.hidden), min_group=rnd.min_group,
        votes=votes, voted=tuple(participant for mk in marks if mk.status == "voted"),
        abstained=tuple(participant for mk in marks if mk.status == "abstained"))
    count = conn.execute(_CELL_SQL["items"], {"sid": session_id}).scalar() or 0
    return RoundState(the_round, ids, tuple(_criterion(c) for c in crit_rows),
                      {item.key: item.title} if item else {}, {person.key: person.name} if person else {},
                      session_id, conn, initiative_count=count)


def replace_ranking(s: Session, session_id: int, round_key: str, participant: str, vote: m.Vote | None) -> None:
    """One named ranking ballot: the person's old ballot (and its references) out, ``vote`` in."""
    delete_votes(s, session_id, round_key, participant=participant)
    if vote is not None:
        add_votes(s, session_id, round_key, [vote], anonymous=False)


# -- rankings that name an initiative ------------------------------------------

@dataclass(frozen=True)
class RankingUse:
    """How the ranking ballots of one round use an initiative."""

    round_key: str
    round_title: str
    status: str
    hidden: bool
    ballots: int  # ballots that name the initiative
    emptied: int  # of those, ballots that name nothing else (they would go)


def rankings_naming(s: Session, session_id: int, initiative: str) -> list[RankingUse]:
    """Per round, the ranking ballots that name ``initiative`` (from their references)."""
    iid = _row_by_key(s, InitiativeRow, session_id, initiative).id
    rows = s.exec(select(RankingPlaceRow.round_id, RankingPlaceRow.participant_id, RankingPlaceRow.ballot)
                  .where(RankingPlaceRow.initiative_id == iid)).all()
    if not rows:
        return []
    named = {(r.round_id, r.participant_id, r.ballot) for r in rows}
    sizes: dict[tuple, int] = {}
    round_ids = {r.round_id for r in rows}
    for r in s.exec(select(RankingPlaceRow.round_id, RankingPlaceRow.participant_id, RankingPlaceRow.ballot)
                    .where(RankingPlaceRow.round_id.in_(round_ids))).all():
        sizes[(r.round_id, r.participant_id, r.ballot)] = sizes.get((r.round_id, r.participant_id, r.ballot), 0) + 1
    rounds = s.exec(select(RoundRow).where(RoundRow.id.in_(round_ids))
                    .order_by(RoundRow.position, RoundRow.id)).scalars().all()
    return [RankingUse(r.key, r.title, r.status, r.hidden,
                       ballots=sum(1 for k in named if k[0] == r.id),
                       emptied=sum(1 for k in named if k[0] == r.id and sizes.get(k) == 1))
            for r in rounds]


def remove_from_rankings(s: Session, session_id: int, initiative: str) -> int:
    """Take ``initiative`` out of every ranking ballot that names it (the others
    keep their order; a ballot naming nothing else is removed). Returns how many
    ballots changed."""
    iid = _row_by_key(s, InitiativeRow, session_id, initiative).id
    hits = s.exec(select(RankingPlaceRow.round_id, RankingPlaceRow.participant_id, RankingPlaceRow.ballot)
                  .where(RankingPlaceRow.initiative_id == iid)).all()
    t = VoteRow.__table__
    for round_id, participant_id, ballot in set(hits):
        where = [t.c.round_id == round_id, t.c.ranking.is_not(None)]
        where.append(t.c.participant_id == participant_id if participant_id is not None else t.c.ballot == ballot)
        for vote_id, text in s.connection().execute(select(t.c.id, t.c.ranking).where(*where)).all():
            rest = _without(_decode_ranking(text) or (), initiative)
            if rest:
                s.connection().execute(update(t).where(t.c.id == vote_id).values(ranking=_encode_ranking(rest)))
            else:
                s.connection().execute(delete(t).where(t.c.id == vote_id))
        # Places keep their group numbers: a gap left by the removed group ranks the same.
    s.exec(delete(RankingPlaceRow).where(RankingPlaceRow.initiative_id == iid))
    for round_id in {h.round_id for h in hits}:
        if s.get(RoundRow, round_id).anonymous:
            reshuffle_secret_rows(s, VoteRow, round_id)
            reshuffle_secret_rows(s, RankingPlaceRow, round_id)
    return len(set(hits))


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


# -- questions the editing screens ask -------------------------------------------

def participant_keys(s: Session, session_id: int) -> set[str]:
    return set(id_map(s, ParticipantRow, session_id))


def bottleneck_keys(s: Session, session_id: int) -> set[str]:
    return set(id_map(s, BottleneckRow, session_id))


def criteria(s: Session, session_id: int) -> dict[str, m.Criterion]:
    rows = s.exec(select(CriterionRow).where(CriterionRow.session_id == session_id)
                  .order_by(CriterionRow.position, CriterionRow.id)).scalars().all()
    return {c.key: _criterion(c) for c in rows}


def initiative_titles(s: Session, session_id: int, keys: Iterable[str]) -> dict[str, str]:
    return dict(s.exec(select(InitiativeRow.key, InitiativeRow.title)
                       .where(InitiativeRow.session_id == session_id, InitiativeRow.key.in_(list(keys)))).all())


def rounds_with_votes_on(s: Session, session_id: int, *, initiative: str | None = None,
                         criterion: str | None = None) -> list[m.Round]:
    """The rounds holding votes on an initiative or a criterion, each with only those votes."""
    query = select(VoteRow.round_id, VoteRow.participant_id, VoteRow.ballot, VoteRow.value,
                   VoteRow.effort).order_by(VoteRow.ballot, VoteRow.id)
    if initiative is not None:
        iid = id_map(s, InitiativeRow, session_id).get(initiative)
        if iid is None:
            return []
        query = query.where(VoteRow.initiative_id == iid)
    if criterion is not None:
        cid = id_map(s, CriterionRow, session_id).get(criterion)
        if cid is None:
            return []
        query = query.where(VoteRow.criterion_id == cid)
    found: dict[int, list] = {}
    for v in s.exec(query).all():
        found.setdefault(v.round_id, []).append(v)
    if not found:
        return []
    people = {i: k for k, i in id_map(s, ParticipantRow, session_id).items()}
    rounds = s.exec(select(RoundRow).where(RoundRow.id.in_(list(found)))
                    .order_by(RoundRow.position, RoundRow.id)).scalars().all()
    return [m.Round(key=r.key, method=r.method, title=r.title, settings=_settings_from_json(r.settings),
                    status=r.status, anonymous=r.anonymous, hidden=r.hidden, min_group=r.min_group,
                    votes=tuple(m.Vote(participant=people.get(v.participant_id), initiative=initiative,
                                       criterion=criterion, value=decode_value(v.value, r.method),
                                       effort=text_to_frac(v.effort), ballot=v.ballot)
                                for v in found[r.id]))
            for r in rounds]


def has_round(s: Session, session_id: int, key: str) -> bool:
    return s.exec(select(RoundRow.id).where(RoundRow.session_id == session_id, RoundRow.key == key)).first() \
        is not None


def count_votes(s: Session, session_id: int, *, participant: str | None = None, initiative: str | None = None,
                criterion: str | None = None, criteria: Iterable[str] | None = None) -> int:
    """How many vote rows name a person, an initiative, a criterion (or any of ``criteria``)."""
    query = select(func.count()).select_from(VoteRow)
    for key, table, column in ((participant, ParticipantRow, VoteRow.participant_id),
                               (initiative, InitiativeRow, VoteRow.initiative_id),
                               (criterion, CriterionRow, VoteRow.criterion_id)):
        if key is not None:
            row_id = id_map(s, table, session_id).get(key)
            if row_id is None:
                return 0
            query = query.where(column == row_id)
    if criteria is not None:
        crit_ids = [i for k, i in id_map(s, CriterionRow, session_id).items() if k in set(criteria)]
        if not crit_ids:
            return 0
        query = query.where(VoteRow.criterion_id.in_(crit_ids))
    return int(s.exec(query).scalar() or 0)


def delete_criterion_votes(s: Session, session_id: int, criterion: str, round_keys: Iterable[str],
                           *, outside: tuple[Fraction, Fraction] | None = None) -> int:
    """Delete the votes on ``criterion`` in the given rounds: all of them, or with
    ``outside`` only the scores outside that range. Returns how many went."""
    cid = _row_by_key(s, CriterionRow, session_id, criterion).id
    rids = [r for k, r in id_map(s, RoundRow, session_id).items() if k in set(round_keys)]
    if not rids:
        return 0
    t = VoteRow.__table__
    rows = s.connection().execute(select(t.c.id, t.c.value, t.c.round_id)
                                  .where(t.c.criterion_id == cid, t.c.round_id.in_(rids))).all()
    gone = []
    for vote_id, text, _ in rows:
        if outside is not None:
            value = decode_value(text, "matrix")
            if isinstance(value, Fraction) and outside[0] <= value <= outside[1]:
                continue
        gone.append(vote_id)
    if gone:
        s.connection().execute(delete(t).where(t.c.id.in_(gone)))
    return len(gone)


# -- decisions and actions --------------------------------------------------

def add_decision(s: Session, session_id: int, d: m.Decision) -> None:
    iid = _row_by_key(s, InitiativeRow, session_id, d.initiative).id
    s.exec(delete(DecisionRow).where(DecisionRow.session_id == session_id, DecisionRow.initiative_id == iid))
    s.add(DecisionRow(session_id=session_id, initiative_id=iid, outcome=d.outcome, rationale=d.rationale,
                      round_key=d.round, position=_next_position(s, DecisionRow, session_id), kind=d.effective_kind,
                      decided_at=d.decided_at))


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
    for g in w.gate_sheets:
        _save_gate_sheet(s, session_id, g)
    for d in w.decisions:
        add_decision(s, session_id, d)
    for a in w.actions:
        save_action(s, session_id, a)
    s.flush()
    return session_id


def load_workshop(s: Session, session_id: int, *, rounds: Collection[str] | None = None) -> m.Workshop:
    """Read a whole session into domain values (ordered as the facilitator entered them).

    ``rounds`` names the rounds whose votes a caller needs (None: every round). The
    other rounds come back with their settings, status and who voted, but with no
    votes: such a workshop answers only for the rounds named (``sessions.load_rounds``).
    Votes are read in bulk, one column-wise query per round (storage/bulk_votes.py);
    the rows become a workshop in storage/assemble.py, as on the quick read path.
    """
    return assemble.workshop(_OrmRows(s, session_id), rounds=rounds)


_ORDERED = {"participant": ParticipantRow, "initiative": InitiativeRow, "bottleneck": BottleneckRow,
            "criterion": CriterionRow, "round": RoundRow, "decision": DecisionRow, "action": ActionRow,
            "gate_sheet": GateSheetRow}


@dataclass(frozen=True)
class _OrmRows:
    """One session's rows through the ORM, for ``assemble.workshop`` (see ``assemble.Rows``)."""

    s: Session
    session_id: int

    def session(self) -> SessionRow:
        return get_session_row(self.s, self.session_id)

    def ordered(self, table: str) -> list[Any]:
        row = _ORDERED[table]
        return self.s.exec(select(row).where(row.session_id == self.session_id)
                           .order_by(row.position, row.id)).scalars().all()

    def dependencies(self, initiative_ids: list[int]) -> list[Any]:
        return self.s.exec(select(DependencyRow).where(DependencyRow.initiative_id.in_(initiative_ids))).scalars().all()

    def demands(self, initiative_ids: list[int]) -> list[Any]:
        return self.s.exec(select(DemandRow).where(DemandRow.initiative_id.in_(initiative_ids))).scalars().all()

    def voters(self, round_ids: list[int]) -> list[Any]:
        return self.s.exec(select(RoundVoterRow).where(RoundVoterRow.round_id.in_(round_ids))).scalars().all()

    def boxed(self, round_ids: list[int]):
        return ballot_box.contents(self.s, round_ids)

    def vote_chunks(self, round_id: int):
        return bulk_votes.fetch_round_chunks(self.s.connection(), round_id)

    def gate_assessments(self, sheet_ids: list[int]) -> list[Any]:
        return self.s.exec(select(GateAssessmentRow).where(GateAssessmentRow.sheet_id.in_(sheet_ids))
                           .order_by(GateAssessmentRow.id)).scalars().all()


# -- secret rounds: the ballot box (storage/ballot_box.py) ----------------------------

def cast_secret_ballot(s: Session, session_id: int, round_key: str, participant: str,
                       votes: Iterable[m.Vote]) -> str:
    """Put a secret ballot in its round's box and mark its voter as having voted;
    returns the ballot id. Nothing written here names the voter next to the ballot."""
    rnd = round_row(s, session_id, round_key)
    people = id_map(s, ParticipantRow, session_id)
    items = id_map(s, InitiativeRow, session_id)
    crits = id_map(s, CriterionRow, session_id)
    entries = [box_entry(v, items, crits) for v in votes]
    return ballot_box.cast(s, rnd.id, people[participant], sorted(people.values()), entries)


def box_entry(v: m.Vote, items: dict, crits: dict) -> dict:
    """One vote as the ballot box stores it (row ids, encoded values; no voter)."""
    return {
        "initiative_id": items[v.initiative] if v.initiative else None,
        "criterion_id": crits[v.criterion] if v.criterion else None,
        "value": encode_value(v.value),
        "effort": frac_to_text(v.effort),
        "ranking": json.dumps([list(e) if isinstance(e, tuple) else e for e in v.ranking])
        if v.ranking is not None else None,
        "channel": v.channel,
        "note": v.note,
    }


def seal_secret_round(s: Session, session_id: int, round_key: str) -> int:
    """On close: move the round's boxed ballots and voters into the vote and round_voter
    tables, all at once, in random order, with random ids; returns how many ballots."""
    rnd = round_row(s, session_id, round_key)
    live = set(id_map(s, ParticipantRow, session_id).values())
    items = id_map(s, InitiativeRow, session_id)
    crits = id_map(s, CriterionRow, session_id)
    i_key, c_key = {v: k for k, v in items.items()}, {v: k for k, v in crits.items()}
    entries, people = ballot_box.seal(s, rnd.id, live)
    entries = [e for e in (boxed.still_valid(e, i_key, c_key) for e in entries) if e is not None]
    conn = s.connection()
    rows = [{"id": random_id(), "round_id": rnd.id, "participant_id": None, "ballot": e.ballot,
             "initiative_id": e.initiative_id, "criterion_id": e.criterion_id, "value": e.value,
             "effort": e.effort, "ranking": e.ranking, "channel": e.channel, "note": e.note, "created_at": None}
            for e in entries]
    if rows:
        conn.execute(insert(VoteRow.__table__), rows)
    already = set(s.exec(select(RoundVoterRow.participant_id).where(RoundVoterRow.round_id == rnd.id)).scalars())
    marks = [{"id": random_id(), "round_id": rnd.id, "participant_id": pid, "status": "voted"}
             for pid in people if pid not in already]
    if marks:
        conn.execute(insert(RoundVoterRow.__table__), marks)
    for e in entries:
        if e.ranking is not None:
            _add_ranking_places(s, rnd.id, None, e.ballot, _decode_ranking(e.ranking) or (), items, anonymous=True)
    reshuffle_secret_rows(s, VoteRow, rnd.id)
    reshuffle_secret_rows(s, RoundVoterRow, rnd.id)
    reshuffle_secret_rows(s, RankingPlaceRow, rnd.id)
    return len({e.ballot for e in entries})


def _boxed(s: Session, round_ids: list[int], i_key: dict[int, str], c_key: dict[int, str]):
    found, marked = ballot_box.contents(s, round_ids)
    return boxed.cleaned(found, i_key, c_key), marked


def forget_deleted_boxes(s: Session) -> None:
    """Empty the boxes of rounds that no longer exist (deleted round or session)."""
    ballot_box.forget_missing_rounds(s, s.exec(select(RoundRow.id)).scalars().all())


def _round_votes(s: Session, r: Any, boxed_entries: Iterable[Entry], p_key: dict[int, str],
                 i_key: dict[int, str], c_key: dict[int, str]) -> tuple[m.Vote, ...]:
    """One round's votes (and, while a secret round is open, its boxed ballots)."""
    return bulk_votes.round_votes(bulk_votes.fetch_round_chunks(s.connection(), r.id), boxed_entries,
                                  method=r.method, anonymous=bool(r.anonymous), p_key=p_key, i_key=i_key, c_key=c_key)
