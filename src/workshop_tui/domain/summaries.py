"""What the set-up stages show at a glance: the room's mix of disciplines, the
portfolio mix, criteria weights, the exemplar shortlist and how full the
bottlenecks are. Pure arithmetic on domain values."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Sequence

from workshop_tui.domain.methods.gates import GateMark, gate_marks  # noqa: F401  (re-exported)
from workshop_tui.domain.model import (
    KINDS,
    PORTFOLIOS,
    ROLES,
    Criterion,
    Initiative,
    Participant,
    Workshop,
)

CLINICAL_ROLES = ("clinical", "nursing")
OPERATIONAL_ROLES = ("operational",)


# -- participants -----------------------------------------------------------

def role_counts(people: Iterable[Participant]) -> dict[str, int]:
    counts = Counter(p.role for p in people)
    return {role: counts[role] for role in ROLES if counts[role]}


def mix_warning(people: Sequence[Participant]) -> str:
    """A gentle note when the room lacks clinical or operational voices
    (a prioritisation done by the IT department alone is a sign of a bad strategy)."""
    if not people:
        return ""
    roles = {p.role for p in people}
    missing = []
    if not roles & set(CLINICAL_ROLES):
        missing.append("clinical or nursing")
    if not roles & set(OPERATIONAL_ROLES):
        missing.append("operational / service management")
    if not missing:
        return ""
    return (f"No {' or '.join(missing)} voices yet. The guidance warns against priorities set by one "
            "department alone: could you invite someone?")


# -- initiatives --------------------------------------------------------------

@dataclass(frozen=True)
class PortfolioMix:
    portfolio: dict[str, int]  # maintain / improve / transform / unset
    kind: dict[str, int]  # core / experiment / unset
    decided: int


def portfolio_mix(items: Iterable[Initiative]) -> PortfolioMix:
    items = list(items)
    portfolio = {p: sum(1 for i in items if i.portfolio == p) for p in PORTFOLIOS}
    portfolio["unset"] = sum(1 for i in items if i.portfolio is None)
    kind = {k: sum(1 for i in items if i.kind == k) for k in KINDS}
    kind["unset"] = sum(1 for i in items if i.kind is None)
    return PortfolioMix(portfolio, kind, sum(1 for i in items if i.decided))


# -- criteria -----------------------------------------------------------------

def weight_shares(criteria: Iterable[Criterion]) -> dict[str, Fraction]:
    """Each scored criterion's weight as a percentage of the scored total."""
    scored = [c for c in criteria if c.kind == "score"]
    total = sum((c.weight for c in scored), Fraction(0))
    if not total:
        return {c.key: Fraction(0) for c in scored}
    return {c.key: c.weight * 100 / total for c in scored}


def weights_warning(criteria: Iterable[Criterion]) -> str:
    scored = [c for c in criteria if c.kind == "score"]
    total = sum((c.weight for c in scored), Fraction(0))
    if not scored or total == 100:
        return ""
    shown = f"{float(total):g}" if total.denominator != 1 else str(total.numerator)
    return (f"Scored weights add up to {shown}, not 100. They are used as proportions (shown as %), "
            "but a total of 100 is easier for the room to read.")


# -- exemplar gates -----------------------------------------------------------
# The verdict per cell is the engine's rule (methods.gates.gate_marks), so the
# shortlist shown while assessing and the plan can never disagree.

@dataclass(frozen=True)
class Shortlist:
    candidates: tuple[str, ...]  # passed every gate
    ruled_out: tuple[str, ...]  # failed at least one gate
    pending: tuple[str, ...]  # no gate failed, some not yet assessed


def shortlist(workshop: Workshop) -> Shortlist:
    marks = gate_marks(workshop)
    gates = [c.key for c in workshop.gates]
    candidates, ruled_out, pending = [], [], []
    for item in workshop.initiatives:
        cells = [marks.get((item.key, g)) for g in gates]
        if any(cell is not None and not cell.passed for cell in cells):
            ruled_out.append(item.key)
        elif all(cell is not None for cell in cells):
            candidates.append(item.key)
        else:
            pending.append(item.key)
    return Shortlist(tuple(candidates), tuple(ruled_out), tuple(pending))


# -- bandwidth and bottlenecks ------------------------------------------------

@dataclass(frozen=True)
class Usage:
    """How much of a limited resource is asked for: decided-already first."""

    name: str
    capacity: int | None
    committed: int  # by decisions already made
    total: int  # by every initiative
    unit: str = ""

    @property
    def over(self) -> bool:
        return self.capacity is not None and self.total > self.capacity


def slot_usage(workshop: Workshop) -> Usage:
    """Slots: how many initiatives the organisation can run at once (the bandwidth)."""
    items = workshop.initiatives
    return Usage("Slots (projects at once)", workshop.session.bandwidth,
                 sum(1 for i in items if i.decided), len(items), "projects")


def bottleneck_usage(workshop: Workshop) -> list[Usage]:
    out = []
    for b in workshop.bottlenecks:
        committed = sum(i.demands.get(b.key, 0) for i in workshop.initiatives if i.decided)
        total = sum(i.demands.get(b.key, 0) for i in workshop.initiatives)
        out.append(Usage(b.name, b.capacity, committed, total, b.unit))
    return out
