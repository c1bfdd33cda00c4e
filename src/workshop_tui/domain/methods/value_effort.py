"""Value vs effort 2×2 (action priority matrix) (METHODS.md §4)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from workshop_tui.domain.consensus import median
from workshop_tui.domain.numbers import competition_ranks
from workshop_tui.domain.rules.settings import ValueEffortSettings, parse_settings

QUADRANTS = ("quick_win", "major_project", "fill_in", "thankless_task")
QUADRANT_LABELS = {
    "quick_win": "Quick wins (do first)",
    "major_project": "Major projects (plan)",
    "fill_in": "Fill-ins (if spare capacity)",
    "thankless_task": "Thankless tasks (drop)",
}


def value_effort_settings(settings: Mapping[str, object]) -> ValueEffortSettings:
    """Effective settings (midpoint thresholds on 1–5 scales unless set): the rule book's."""
    return parse_settings("value_effort", settings, 0)  # type: ignore[return-value]


def quadrant(value: Fraction, effort: Fraction, t_value: Fraction, t_effort: Fraction) -> str:
    """Boundary rule: on a line counts as high, so (3, 3) on 1–5 is a major project."""
    high_value = value >= t_value
    high_effort = effort >= t_effort
    if high_value:
        return "major_project" if high_effort else "quick_win"
    return "thankless_task" if high_effort else "fill_in"


@dataclass(frozen=True)
class ValueEffortOutcome:
    value: Mapping[str, Fraction]  # group median value, placed items only
    effort: Mapping[str, Fraction]
    values: Mapping[str, tuple[Fraction, ...]]  # each ballot's value score
    quadrants: Mapping[str, str]
    t_value: Fraction | None
    t_effort: Fraction | None
    ranks: Mapping[str, int]
    groups: tuple[tuple[str, ...], ...]
    unplaced: tuple[str, ...]


def evaluate(items: Sequence[str], submissions: Sequence[Mapping[str, tuple[Fraction | None, Fraction | None]]], s: ValueEffortSettings) -> ValueEffortOutcome:
    """Place each item by its group medians; rank in quadrant display order.

    Within a quadrant: value descending, then effort ascending; items equal on
    quadrant, value and effort share a rank. Items lacking a value or an
    effort score are not placed.
    """
    values: dict[str, list[Fraction]] = {i: [] for i in items}
    efforts: dict[str, list[Fraction]] = {i: [] for i in items}
    for sub in submissions:
        for i, (v, e) in sub.items():
            if v is not None:
                values[i].append(v)
            if e is not None:
                efforts[i].append(e)
    placed = sorted(i for i in items if values[i] and efforts[i])
    med_v = {i: median(values[i]) for i in placed}
    med_e = {i: median(efforts[i]) for i in placed}
    if s.thresholds == "median":
        t_v = median(list(med_v.values())) if placed else None
        t_e = median(list(med_e.values())) if placed else None
    else:
        t_v, t_e = (s.value_min + s.value_max) / 2, (s.effort_min + s.effort_max) / 2
    quads = {i: quadrant(med_v[i], med_e[i], t_v, t_e) for i in placed}  # type: ignore[arg-type]
    ranks, groups = competition_ranks(placed, key=lambda i: (-QUADRANTS.index(quads[i]), med_v[i], -med_e[i]))
    return ValueEffortOutcome(
        med_v, med_e, {i: tuple(values[i]) for i in placed}, quads, t_v, t_e, ranks, groups,
        tuple(sorted(set(items) - set(placed))),
    )
