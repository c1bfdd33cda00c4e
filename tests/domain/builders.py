"""Small workshops for engine tests."""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from workshop_tui.domain.model import (Bottleneck, Criterion, Decision, GateAssessment, GateSheet, Initiative,
                                       Participant, Round, SessionInfo, Vote, Workshop)


def initiatives(*keys: str, **fields_by_key: Mapping) -> tuple[Initiative, ...]:
    """Initiatives titled after their keys; ``fields_by_key`` adds fields per key."""
    return tuple(Initiative(k, k.upper(), **dict(fields_by_key.get(k, {}))) for k in keys)


def people(n: int) -> tuple[Participant, ...]:
    return tuple(Participant(f"p{i}", f"Person {i}") for i in range(1, n + 1))


def workshop(
    items: Sequence[Initiative] | Sequence[str],
    rounds: Iterable[Round | GateSheet] = (),
    *,
    criteria: Sequence[Criterion] = (),
    bottlenecks: Sequence[Bottleneck] = (),
    decisions: Sequence[Decision] = (),
    participants: int = 10,
    bandwidth: int | None = None,
    budget: Fraction | None = None,
) -> Workshop:
    inits = tuple(i if isinstance(i, Initiative) else Initiative(i, i.upper()) for i in items)
    return Workshop(
        SessionInfo("Test session", bandwidth=bandwidth, budget=budget),
        participants=people(participants),
        initiatives=inits,
        bottlenecks=tuple(bottlenecks),
        criteria=tuple(criteria),
        rounds=tuple(r for r in rounds if isinstance(r, Round)),
        decisions=tuple(decisions),
        gate_sheets=tuple(r for r in rounds if isinstance(r, GateSheet)),
    )


def dots_round(key: str, ballots: Mapping[str, Mapping[str, int]], **settings) -> Round:
    votes = tuple(
        v for p, alloc in ballots.items()
        for v in ([Vote(participant=p, initiative=i, value=d) for i, d in alloc.items()] or [Vote(participant=p)])
    )
    return Round(key, "dots", settings=settings, votes=votes)


def ranking_round(key: str, ballots: Mapping[str, tuple | None], anonymous: bool = False, **settings) -> Round:
    if anonymous:
        votes = tuple(Vote(ballot=b, ranking=r) for b, r in ballots.items())
    else:
        votes = tuple(Vote(participant=p, ranking=r) for p, r in ballots.items())
    return Round(key, "ranking", settings=settings, votes=votes, anonymous=anonymous)


def matrix_round(key: str, scores: Mapping[str, Mapping[str, Mapping[str, object]]], **settings) -> Round:
    """scores: participant → initiative → criterion → value."""
    votes = tuple(
        Vote(participant=p, initiative=i, criterion=c, value=v)
        for p, per_item in scores.items() for i, per_c in per_item.items() for c, v in per_c.items()
    )
    return Round(key, "matrix", settings=settings, votes=votes)


def gates_sheet(key: str, assessments: Sequence[tuple[str | None, str, str, bool, str]]) -> GateSheet:
    """assessments: (participant, initiative, gate, passed, note)."""
    return GateSheet(key, assessments=tuple(GateAssessment(initiative=i, criterion=g, passed=v, note=n, participant=p)
                                            for p, i, g, v, n in assessments))
