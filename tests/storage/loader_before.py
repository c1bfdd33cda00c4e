"""The session loader as it was before votes were read in bulk (issue 15), kept as the
oracle the bulk loader is compared with (test_bulk_loader.py). Verbatim but for its name and
the decision time (issue 13's decided_at, which came in beside it: votes are what it checks)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from workshop_tui.domain import model as m
from workshop_tui.storage import assemble
from workshop_tui.storage.assemble import BoxMark as _BoxMark
from workshop_tui.storage.repository import (
    _OrmRows,
    _boxed,
    _decode_ranking,
    _settings_from_json,
    decode_value,
    get_session_row,
    session_info,
    text_to_frac,
)
from workshop_tui.storage.tables import (
    ActionRow,
    BottleneckRow,
    CriterionRow,
    DecisionRow,
    DemandRow,
    DependencyRow,
    InitiativeRow,
    ParticipantRow,
    RoundRow,
    RoundVoterRow,
    VoteRow,
)



def _load_gate_sheets(s: Session, session_id: int, p_key: dict, i_key: dict, c_key: dict) -> tuple[m.GateSheet, ...]:
    # The gate sheets' reading moved into storage/assemble.py with the rest of the loader.
    return assemble._gate_sheets(_OrmRows(s, session_id), p_key, i_key, c_key)


def load_workshop_before(s: Session, session_id: int) -> m.Workshop:
    """The loader as it was before bulk reading (row by row), kept verbatim as the oracle."""
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
        voters: dict[int, list[Any]] = {}
        for v in s.exec(select(RoundVoterRow).where(RoundVoterRow.round_id.in_(r_ids))).scalars().all():
            voters.setdefault(v.round_id, []).append(v)
        boxed, marked = _boxed(s, [r.id for r in rounds if r.anonymous], i_key, c_key)
        for round_id, entries in boxed.items():
            votes_by_round.setdefault(round_id, []).extend(entries)
        for round_id, pids in marked.items():
            voters.setdefault(round_id, []).extend(_BoxMark(pid, "voted") for pid in pids if pid in p_key)
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
                status=r.status, anonymous=r.anonymous, hidden=r.hidden, min_group=r.min_group, votes=vote_values,
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
                                   round=d.round_key, kind=d.kind or "", decided_at=d.decided_at)
                        for d in decisions),
        actions=tuple(m.Action(key=a.key, initiative=i_key.get(a.initiative_id) if a.initiative_id else None,
                               title=a.title, owner=a.owner, measure=a.measure, due=a.due) for a in actions),
        gate_sheets=_load_gate_sheets(s, session_id, p_key, i_key, c_key),
    )
