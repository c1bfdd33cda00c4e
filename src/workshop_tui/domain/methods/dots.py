"""Dot, approval and cumulative voting (METHODS.md §1)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from workshop_tui.domain.methods.problems import BallotProblem, SettingsError
from workshop_tui.domain.numbers import competition_ranks

MAX_DEFAULT_BUDGET = 20


@dataclass(frozen=True)
class DotsSettings:
    budget: int
    max_per_initiative: int
    must_spend_all: bool

    @property
    def variant(self) -> str:
        return variant_name(self, None)

    def as_dict(self) -> dict[str, object]:
        return {
            "budget": self.budget,
            "max_per_initiative": self.max_per_initiative,
            "must_spend_all": self.must_spend_all,
        }


def default_budget(n_items: int) -> int:
    """B = clamp(floor(N/3), 1, 20)."""
    return max(1, min(n_items // 3, MAX_DEFAULT_BUDGET))


def dots_settings(n_items: int, settings: Mapping[str, object]) -> DotsSettings:
    """The effective settings, defaults filled in (B from N, c = min(3, B))."""
    budget = settings.get("budget")
    budget = default_budget(n_items) if budget is None else budget
    if isinstance(budget, bool) or not _is_integral(budget) or int(budget) < 1:
        raise SettingsError(f"dot budget must be a whole number of at least 1, not {budget!r}")
    budget = int(budget)
    cap = settings.get("max_per_initiative")
    cap = min(3, budget) if cap is None else cap
    if isinstance(cap, bool) or not _is_integral(cap) or not 1 <= int(cap) <= budget:
        raise SettingsError(
            f"max dots per initiative must be a whole number from 1 to the budget {budget}, not {cap!r}"
        )
    return DotsSettings(budget, int(cap), bool(settings.get("must_spend_all", False)))


def variant_name(s: DotsSettings, n_items: int | None) -> str:
    """approval (c = 1, B = N), pick_k (c = 1), cumulative (c = B > 1) or dots."""
    if s.max_per_initiative == 1:
        return "approval" if n_items is not None and s.budget == n_items else "pick_k"
    if s.max_per_initiative == s.budget:
        return "cumulative"
    return "dots"


def _is_integral(x: object) -> bool:
    if isinstance(x, bool):
        return False
    if isinstance(x, int):
        return True
    if isinstance(x, Fraction):
        return x.denominator == 1
    if isinstance(x, float):
        return x.is_integer()
    return False


def validate_allocation(
    entries: Sequence[tuple[str | None, object]],
    items: Sequence[str] | set[str],
    s: DotsSettings,
) -> tuple[dict[str, int], list[BallotProblem]]:
    """Check one ballot's (item, dots) entries against rules (1)–(4) of §1.

    Returns the allocation (items with dots > 0) and every problem found. A
    missing value counts as 0 dots (nothing placed). A repeated item is a
    problem: the ballot is ambiguous, so it is not summed silently.
    """
    known = set(items)
    problems: list[BallotProblem] = []
    allocation: dict[str, int] = {}
    seen: set[str] = set()
    for item, value in entries:
        if item is None or item not in known:
            problems.append(BallotProblem("unknown_item", item, value, None, f"{item!r} is not an initiative in this session"))
            continue
        if item in seen:
            problems.append(BallotProblem("duplicate_item", item, value, None, f"{item} appears more than once on the ballot"))
            continue
        seen.add(item)
        if value is None:
            continue
        if not _is_integral(value):
            problems.append(BallotProblem("not_integer", item, value, None, f"{item}: dots must be whole numbers, got {value!r}"))
            continue
        dots = int(value)  # type: ignore[arg-type]
        if dots < 0:
            problems.append(BallotProblem("negative", item, dots, 0, f"{item}: dots cannot be negative ({dots})"))
            continue
        if dots > s.max_per_initiative:
            problems.append(BallotProblem(
                "over_item_cap", item, dots, s.max_per_initiative,
                f"{item}: {dots} dots is more than the {s.max_per_initiative} allowed on one initiative",
            ))
        if dots:
            allocation[item] = dots
    spent = sum(allocation.values())
    if spent > s.budget:
        problems.append(BallotProblem("over_budget", None, spent, s.budget, f"{spent} dots placed but only {s.budget} allowed"))
    elif s.must_spend_all and 0 < spent < s.budget:
        problems.append(BallotProblem("under_budget", None, spent, s.budget, f"only {spent} of the {s.budget} dots placed; all must be spent"))
    return allocation, problems



@dataclass(frozen=True)
class DotsTally:
    """T (dots), S (supporters) and share per item, with the tie-aware ranking."""

    dots: Mapping[str, int]
    supporters: Mapping[str, int]
    shares: Mapping[str, Fraction]
    cross_session: Mapping[str, Fraction | None]
    per_ballot: Mapping[str, tuple[int, ...]]  # each counted ballot's dots for the item
    ranks: Mapping[str, int]
    groups: tuple[tuple[str, ...], ...]


def tally(items: Sequence[str], allocations: Sequence[Mapping[str, int]], s: DotsSettings) -> DotsTally:
    """Tally valid non-blank allocations: rank by T, then S, then declare a tie."""
    dots = {i: 0 for i in items}
    supporters = {i: 0 for i in items}
    per_ballot: dict[str, list[int]] = {i: [] for i in items}
    for alloc in allocations:
        for i in items:
            d = alloc.get(i, 0)
            per_ballot[i].append(d)
            if d:
                dots[i] += d
                supporters[i] += 1
    total = sum(dots.values())
    shares = {i: (Fraction(dots[i], total) if total else Fraction(0)) for i in items}
    denominator = s.budget * len(allocations)
    cross = {i: (Fraction(dots[i], denominator) if denominator else None) for i in items}
    ranks, groups = competition_ranks(items, key=lambda i: (dots[i], supporters[i]))
    return DotsTally(dots, supporters, shares, cross, {i: tuple(v) for i, v in per_ballot.items()}, ranks, groups)
