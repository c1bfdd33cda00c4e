"""Write a Workshop as a session file (format version 2): canonical, so the same
workshop always gives the same bytes."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from workshop_tui.domain import model as m
from workshop_tui.sessionfile import indented_json
from workshop_tui.sessionfile.validate import FORMAT, VERSION


def json_number(value: Fraction | int | None) -> int | float | str | None:
    """Whole numbers as ints; terminating decimals as floats; others as "p/q" text.

    Every value a person types is a terminating decimal, so "p/q" only appears
    for values computed elsewhere, and the file still round-trips exactly.
    """
    if type(value) is Fraction and value.denominator == 1:  # most votes: a whole number, quickly
        return value.numerator
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    frac = Fraction(value)
    if frac.denominator == 1:
        return frac.numerator
    den = frac.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den == 1:
        as_float = float(frac)
        if Fraction(repr(as_float)) == frac:
            return as_float
    return f"{frac.numerator}/{frac.denominator}"


def _vote_value(value: m.VoteValue) -> Any:
    if isinstance(value, (bool, str)) or value is None:
        return value
    return json_number(value)


def _ranking(ballot: m.RankingBallot) -> list:
    return [list(entry) if isinstance(entry, tuple) else entry for entry in ballot]


def workshop_to_dict(w: m.Workshop) -> dict[str, Any]:
    s = w.session
    return {
        "format": FORMAT,
        "version": VERSION,
        "session": {
            "title": s.title,
            "organisation": s.organisation,
            "date": s.date.isoformat() if s.date else None,
            "facilitator": s.facilitator,
            "mission": s.mission,
            "horizon_years": s.horizon_years,
            "bandwidth": s.bandwidth,
            "description": s.description,
            "budget": json_number(s.budget),
            "max_actions": s.max_actions,
            "stage": s.stage,
            # Written only when pinned, so files of sessions without a pin stay as they were.
            **({"plan_round": s.plan_round} if s.plan_round else {}),
        },
        "participants": [
            {"key": p.key, "name": p.name, "role": p.role, "site": p.site} for p in w.participants
        ],
        "initiatives": [
            {
                "key": i.key, "title": i.title, "description": i.description, "owner": i.owner,
                "service_area": i.service_area, "portfolio": i.portfolio, "kind": i.kind,
                "effort": json_number(i.effort), "cost": json_number(i.cost), "decided": i.decided,
                "depends_on": list(i.depends_on), "demands": dict(i.demands),
            }
            for i in w.initiatives
        ],
        "bottlenecks": [
            {"key": b.key, "name": b.name, "capacity": b.capacity, "unit": b.unit} for b in w.bottlenecks
        ],
        "criteria": [_criterion(c) for c in w.criteria],
        "rounds": _rounds(w),
        "decisions": [
            {"initiative": d.initiative, "outcome": d.outcome, "kind": d.effective_kind, "rationale": d.rationale,
             "round": d.round,
             # Written only when known: decisions from before version 2 have no time.
             **({"decided_at": _instant(d.decided_at)} if d.decided_at is not None else {})}
            for d in w.decisions
        ],
        "actions": [
            {"key": a.key, "initiative": a.initiative, "title": a.title, "owner": a.owner, "measure": a.measure,
             "due": a.due.isoformat() if a.due else None}
            for a in w.actions
        ],
    }


def _instant(at: dt.datetime) -> str:
    """A UTC instant as ISO 8601 with Z ("2026-11-19T11:42:00Z")."""
    return at.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _criterion(c: m.Criterion) -> dict[str, Any]:
    if c.kind == "gate":
        return {"key": c.key, "name": c.name, "kind": "gate", "description": c.description}
    return {"key": c.key, "name": c.name, "kind": "score", "weight": json_number(c.weight),
            "min": json_number(c.min), "max": json_number(c.max), "direction": c.direction,
            "description": c.description}


def _rounds(w: m.Workshop) -> list[dict[str, Any]]:
    """The voting rounds, with each gate sheet back in its place as a "gates" round (the file's form)."""
    out = [_round(r) for r in w.rounds]
    for sheet in sorted(w.gate_sheets, key=lambda g: g.position):
        out.insert(min(max(sheet.position, 0), len(out)), _gate_sheet(sheet))
    return out


def _gate_sheet(g: m.GateSheet) -> dict[str, Any]:
    votes = []
    for a in g.assessments:
        vote: dict[str, Any] = {}
        if a.participant is not None:
            vote["participant"] = a.participant
        vote.update({"initiative": a.initiative, "criterion": a.criterion, "value": a.passed, "channel": a.channel})
        if a.note:
            vote["note"] = a.note
        votes.append(vote)
    return {"key": g.key, "title": g.title, "method": "gates", "anonymous": False, "hidden": False,
            "status": g.status, "settings": {}, "votes": votes, "abstained": []}


def _round(r: m.Round) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": r.key, "title": r.title, "method": r.method, "anonymous": r.anonymous, "hidden": r.hidden,
        "status": r.status,
        "settings": {k: json_number(v) if isinstance(v, Fraction) else v for k, v in sorted(r.settings.items())},
        "votes": [_vote(r, v) for v in r.votes],
    }
    if r.anonymous:
        out["voted"] = list(r.voted)
    out["abstained"] = list(r.abstained)
    if r.min_group != 3:  # only when not the default, so existing files read back byte for byte
        out["min_group"] = r.min_group
    return out


def _vote(r: m.Round, v: m.Vote) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if r.anonymous:
        out["ballot"] = v.ballot
    elif v.participant is not None:
        out["participant"] = v.participant
    if r.method == "ranking":
        out["ranking"] = _ranking(v.ranking or ())
    else:
        out["initiative"] = v.initiative
        if v.criterion is not None:
            out["criterion"] = v.criterion
        out["value"] = _vote_value(v.value)
        if r.method == "value_effort":
            out["effort"] = json_number(v.effort)
    out["channel"] = v.channel
    if v.note:
        out["note"] = v.note
    return out


def dumps(w: m.Workshop) -> str:
    """The canonical text of a session file."""
    return indented_json.dumps(workshop_to_dict(w), end="\n")  # json.dumps(..., indent=2)'s text, faster
