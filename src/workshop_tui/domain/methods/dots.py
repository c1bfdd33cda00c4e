"""Dot, approval and cumulative voting (METHODS.md §1)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from workshop_tui.domain.numbers import competition_ranks
from workshop_tui.domain.rules.settings import MAX_DEFAULT_BUDGET, DotsSettings, default_budget, parse_settings

__all__ = ["MAX_DEFAULT_BUDGET", "DotsSettings", "DotsTally", "default_budget", "dots_settings", "tally", "variant_name"]


def dots_settings(n_items: int, settings: Mapping[str, object]) -> DotsSettings:
    """The effective settings, defaults filled in (B from N, c = min(3, B)): the rule book's."""
    return parse_settings("dots", settings, n_items)  # type: ignore[return-value]


def variant_name(s: DotsSettings, n_items: int | None) -> str:
    """approval (c = 1, B = N), pick_k (c = 1), cumulative (c = B > 1) or dots."""
    if s.max_per_initiative == 1:
        return "approval" if n_items is not None and s.budget == n_items else "pick_k"
    if s.max_per_initiative == s.budget:
        return "cumulative"
    return "dots"


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
