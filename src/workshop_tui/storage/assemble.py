"""A whole session built from its rows: standard library only.

The one place that says how stored rows become a ``m.Workshop`` (order, keys,
decoding, secret rounds' boxed ballots, the rounds whose votes are read). Two
readers feed it the same rows: the full storage layer (repository.load_workshop,
SQLAlchemy, any database) and the quick read path (quick_load.py, sqlite3 alone,
for the read-only commands), so both return the same workshop by construction.

A reader's rows are objects with the tables' column names as attributes, with
the column types already applied (dates as ``date``, flags as ``bool``), and
every list in the order its docstring in ``Rows`` gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Collection, Iterable, Protocol, Sequence

from workshop_tui.domain import model as m
from workshop_tui.storage import boxed as box
from workshop_tui.storage.bulk_votes import Chunk, round_votes
from workshop_tui.storage.codecs import settings_from_json, text_to_frac


class Rows(Protocol):
    """What a reader gives, inside one read transaction, for one session."""

    def session(self) -> Any: ...  # the session row (raises the reader's NotFound when missing)

    def ordered(self, table: str) -> Sequence[Any]: ...  # participant, initiative, bottleneck, criterion,
    # round, decision, action, gate_sheet: the session's rows by position, then id

    def dependencies(self, initiative_ids: list[int]) -> Iterable[Any]: ...

    def demands(self, initiative_ids: list[int]) -> Iterable[Any]: ...

    def voters(self, round_ids: list[int]) -> Iterable[Any]: ...  # round_voter rows

    def boxed(self, round_ids: list[int]) -> tuple[dict[int, list[box.Entry]], dict[int, set[int]]]: ...

    def vote_chunks(self, round_id: int) -> Iterable[Chunk]: ...  # bulk_votes.fetch_round_chunks

    def gate_assessments(self, sheet_ids: list[int]) -> Iterable[Any]: ...  # by id


def session_info(row: Any) -> m.SessionInfo:
    return m.SessionInfo(
        title=row.title, organisation=row.organisation, date=row.date, facilitator=row.facilitator,
        mission=row.mission, horizon_years=row.horizon_years, bandwidth=row.bandwidth,
        description=row.description, budget=text_to_frac(row.budget), max_actions=row.max_actions,
        stage=row.stage, plan_round=row.plan_round,
    )


def criterion(c: Any) -> m.Criterion:
    return m.Criterion(key=c.key, name=c.name, kind=c.kind, weight=Fraction(c.weight), min=Fraction(c.scale_min),
                       max=Fraction(c.scale_max), direction=c.direction, description=c.description)


@dataclass(frozen=True)
class BoxMark:
    participant_id: int
    status: str


def workshop(rows: Rows, *, rounds: Collection[str] | None = None) -> m.Workshop:
    """Read a whole session into domain values (ordered as the facilitator entered them).

    ``rounds`` names the rounds whose votes a caller needs (None: every round); the
    other rounds come back with their settings, status and who voted, but no votes."""
    row = rows.session()
    participants = rows.ordered("participant")
    initiatives = rows.ordered("initiative")
    bottlenecks = rows.ordered("bottleneck")
    criteria = rows.ordered("criterion")
    round_rows = rows.ordered("round")
    p_key = {p.id: p.key for p in participants}
    i_key = {i.id: i.key for i in initiatives}
    b_key = {b.id: b.key for b in bottlenecks}
    c_key = {c.id: c.key for c in criteria}
    deps: dict[int, list[tuple[int, str]]] = {}
    demands: dict[int, dict[str, int]] = {}
    if initiatives:
        ids = list(i_key)
        for d in rows.dependencies(ids):
            deps.setdefault(d.initiative_id, []).append((d.position, i_key[d.depends_on_id]))
        order = {b.id: n for n, b in enumerate(bottlenecks)}
        for d in sorted(rows.demands(ids), key=lambda d: order.get(d.bottleneck_id, 0)):
            demands.setdefault(d.initiative_id, {})[b_key[d.bottleneck_id]] = d.amount
    round_values = []
    if round_rows:
        voters: dict[int, list[Any]] = {}
        for v in rows.voters([r.id for r in round_rows]):
            voters.setdefault(v.round_id, []).append(v)
        wanted = [r for r in round_rows if rounds is None or r.key in rounds]
        found, marked = rows.boxed([r.id for r in round_rows if r.anonymous])
        boxed = box.cleaned(found, i_key, c_key)
        for round_id, pids in marked.items():
            voters.setdefault(round_id, []).extend(BoxMark(pid, "voted") for pid in pids if pid in p_key)
        votes_by_round = {r.id: round_votes(rows.vote_chunks(r.id), boxed.get(r.id, ()), method=r.method,
                                            anonymous=r.anonymous, p_key=p_key, i_key=i_key, c_key=c_key)
                          for r in wanted}
        p_order = {p.id: n for n, p in enumerate(participants)}
        for r in round_rows:
            marks = sorted(voters.get(r.id, []), key=lambda v: p_order.get(v.participant_id, 0))
            round_values.append(m.Round(
                key=r.key, method=r.method, title=r.title, settings=settings_from_json(r.settings),
                status=r.status, anonymous=r.anonymous, hidden=r.hidden, min_group=r.min_group,
                votes=votes_by_round.get(r.id, ()),
                voted=tuple(p_key[v.participant_id] for v in marks if v.status == "voted"),
                abstained=tuple(p_key[v.participant_id] for v in marks if v.status == "abstained"),
            ))
    decisions = rows.ordered("decision")
    actions = rows.ordered("action")
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
        criteria=tuple(criterion(c) for c in criteria),
        rounds=tuple(round_values),
        decisions=tuple(m.Decision(initiative=i_key[d.initiative_id], outcome=d.outcome, rationale=d.rationale,
                                   round=d.round_key, kind=d.kind or "", decided_at=d.decided_at)
                        for d in decisions),
        actions=tuple(m.Action(key=a.key, initiative=i_key.get(a.initiative_id) if a.initiative_id else None,
                               title=a.title, owner=a.owner, measure=a.measure, due=a.due) for a in actions),
        gate_sheets=_gate_sheets(rows, p_key, i_key, c_key),
    )


def _gate_sheets(rows: Rows, p_key: dict, i_key: dict, c_key: dict) -> tuple[m.GateSheet, ...]:
    sheets = rows.ordered("gate_sheet")
    if not sheets:
        return ()
    by_sheet: dict[int, list[m.GateAssessment]] = {}
    for a in rows.gate_assessments([g.id for g in sheets]):
        by_sheet.setdefault(a.sheet_id, []).append(m.GateAssessment(
            initiative=i_key[a.initiative_id], criterion=c_key[a.criterion_id], passed=bool(a.passed), note=a.note,
            participant=p_key.get(a.participant_id) if a.participant_id else None, channel=a.channel))
    return tuple(m.GateSheet(key=g.key, title=g.title, status=g.status, position=g.position,
                             assessments=tuple(by_sheet.get(g.id, ()))) for g in sheets)
