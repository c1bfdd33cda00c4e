"""Value vs effort 2×2 (action priority matrix) (METHODS.md §4)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from workshop_tui.domain.consensus import median
from workshop_tui.domain.methods.problems import BallotProblem, SettingsError
from workshop_tui.domain.numbers import competition_ranks, display

QUADRANTS = ("quick_win", "major_project", "fill_in", "thankless_task")
QUADRANT_LABELS = {
    "quick_win": "Quick wins (do first)",
    "major_project": "Major projects (plan)",
    "fill_in": "Fill-ins (if spare capacity)",
    "thankless_task": "Thankless tasks (drop)",
}


@dataclass(frozen=True)
class ValueEffortSettings:
    thresholds: str = "midpoint"
    value_min: Fraction = Fraction(1)
    value_max: Fraction = Fraction(5)
    effort_min: Fraction = Fraction(1)
    effort_max: Fraction = Fraction(5)

    def as_dict(self) -> dict[str, object]:
        return {
            "effort_max": self.effort_max,
            "effort_min": self.effort_min,
            "thresholds": self.thresholds,
            "value_max": self.value_max,
            "value_min": self.value_min,
        }


def value_effort_settings(settings: Mapping[str, object]) -> ValueEffortSettings:
    """Effective settings: midpoint thresholds on 1–5 scales unless set."""
    thresholds = settings.get("thresholds", "midpoint")
    if thresholds not in ("midpoint", "median"):
        raise SettingsError(f"thresholds must be midpoint or median, not {thresholds!r}")
    bounds = {}
    for name, default in (("value_min", 1), ("value_max", 5), ("effort_min", 1), ("effort_max", 5)):
        raw = settings.get(name, default)
        if isinstance(raw, bool) or not isinstance(raw, (int, Fraction, float)):
            raise SettingsError(f"{name} must be a number, not {raw!r}")
        bounds[name] = Fraction(repr(raw)) if isinstance(raw, float) else Fraction(raw)
    if not (bounds["value_min"] < bounds["value_max"] and bounds["effort_min"] < bounds["effort_max"]):
        raise SettingsError("each scale's minimum must be below its maximum")
    return ValueEffortSettings(str(thresholds), **bounds)


def quadrant(value: Fraction, effort: Fraction, t_value: Fraction, t_effort: Fraction) -> str:
    """Boundary rule: on a line counts as high, so (3, 3) on 1–5 is a major project."""
    high_value = value >= t_value
    high_effort = effort >= t_effort
    if high_value:
        return "major_project" if high_effort else "quick_win"
    return "thankless_task" if high_effort else "fill_in"


def _number(v: object) -> Fraction | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, Fraction)):
        return Fraction(v)
    if isinstance(v, float):
        return Fraction(repr(v))
    return None


def validate_submission(
    entries: Sequence[tuple[str | None, object, object]], items: Sequence[str] | set[str], s: ValueEffortSettings
) -> tuple[dict[str, tuple[Fraction | None, Fraction | None]], list[BallotProblem]]:
    """Check one ballot's (item, value, effort) entries; blanks are None."""
    known = set(items)
    out: dict[str, tuple[Fraction | None, Fraction | None]] = {}
    problems: list[BallotProblem] = []
    for item, value, effort in entries:
        if item is None or item not in known:
            problems.append(BallotProblem("unknown_item", item, value, None, f"{item!r} is not an initiative in this session"))
            continue
        if item in out:
            problems.append(BallotProblem("duplicate_item", item, value, None, f"{item} is scored more than once"))
            continue
        parsed: list[Fraction | None] = []
        for axis, raw, lo, hi in (("value", value, s.value_min, s.value_max), ("effort", effort, s.effort_min, s.effort_max)):
            if raw is None:
                parsed.append(None)
                continue
            num = _number(raw)
            if num is None:
                problems.append(BallotProblem("not_a_number", item, raw, None, f"{item}: {axis} {raw!r} is not a number"))
                parsed.append(None)
            elif not lo <= num <= hi:
                problems.append(BallotProblem("out_of_range", item, num, (lo, hi), f"{item}: {axis} {display(num)} is outside {display(lo)}–{display(hi)}"))
                parsed.append(None)
            else:
                parsed.append(num)
        out[item] = (parsed[0], parsed[1])
    return out, problems


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
