"""Weighted criteria matrix: the linear additive model (METHODS.md §2).

Each participant scores each item on each criterion; a participant's total
is a weighted sum under one of four normalisations, and the room's score is
an aggregate (mean, median or trimmed mean) of totals (total-first, the
headline) or of per-criterion scores then weighted (criterion-first).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from fractions import Fraction
from operator import mul
from typing import Mapping, Sequence

from workshop_tui.domain.consensus import mean, median, trimmed_mean
from workshop_tui.domain.methods.problems import SettingsError
from workshop_tui.domain.model import Criterion
from workshop_tui.domain.numbers import competition_ranks, display
from workshop_tui.domain.rules.settings import (
    AGGREGATES,
    DEFAULT_TRIM,
    NORMALISATIONS,
    ORDERS,
    MatrixSettings,
    parse_settings,
)

__all__ = ["AGGREGATES", "DEFAULT_TRIM", "NORMALISATIONS", "ORDERS", "MatrixSettings", "matrix_settings"]



def matrix_settings(settings: Mapping[str, object]) -> MatrixSettings:
    """Effective settings with defaults (minmax (N2), mean, α = 0.2, total-first): the rule book's."""
    return parse_settings("matrix", settings, 0)  # type: ignore[return-value]


def check_criteria(criteria: Sequence[Criterion]) -> list[str]:
    """Raise on unusable criteria; return warnings about usable but odd ones."""
    if not criteria:
        raise SettingsError("a matrix round needs at least one scored criterion")
    for c in criteria:
        if c.weight < 0:
            raise SettingsError(f"criterion {c.key}: weight cannot be negative")
        if not c.min < c.max:
            raise SettingsError(f"criterion {c.key}: scale minimum must be below its maximum")
        if c.direction not in ("benefit", "cost"):
            raise SettingsError(f"criterion {c.key}: direction must be benefit or cost")
    total = sum((Fraction(c.weight) for c in criteria), Fraction(0))
    if total <= 0:
        raise SettingsError("the criteria weights add up to 0")
    warnings = []
    # Weights entered as shares (sum 1) or percentages (sum 100) both mean 100 %.
    if total not in (1, 100):
        warnings.append(f"criteria weights add up to {display(total)}, not 100 %; they were scaled to shares")
    return warnings


def adjusted(c: Criterion, score: Fraction) -> Fraction:
    """s' : a cost score is inverted on its own scale (L + U − s)."""
    return Fraction(c.min) + Fraction(c.max) - score if c.direction == "cost" else score


def coefficients(criteria: Sequence[Criterion], normalisation: str) -> tuple[dict[str, Fraction], Fraction]:
    """Every normalisation is affine in s': total = b + Σ_j a_j·s'_j. Returns (a, b).

    N0 (sum_of_max) also uses s' (decision: the formula is stated for benefit
    criteria; summing a raw cost score would reward cost).
    """
    wsum = sum((Fraction(c.weight) for c in criteria), Fraction(0))
    shares = {c.key: Fraction(c.weight) / wsum for c in criteria}
    if normalisation == "sum_of_max":
        top = sum((Fraction(c.max) for c in criteria), Fraction(0))
        return {c.key: 1 / top for c in criteria}, Fraction(0)
    if normalisation == "minmax":
        a = {c.key: shares[c.key] / (c.max - c.min) for c in criteria}
        return a, -sum((a[c.key] * c.min for c in criteria), Fraction(0))
    if normalisation == "weighted_sum":
        return shares, Fraction(0)
    top = sum((shares[c.key] * c.max for c in criteria), Fraction(0))
    return {k: v / top for k, v in shares.items()}, Fraction(0)


def weighted_total(criteria: Sequence[Criterion], scores: Mapping[str, Fraction], normalisation: str) -> Fraction:
    """One participant's total from direction-adjusted scores s' per criterion key."""
    a, b = coefficients(criteria, normalisation)
    return b + sum((a[c.key] * scores[c.key] for c in criteria), Fraction(0))


def _common_denominator(fractions: Sequence[Fraction]) -> int:
    d = 1
    for f in fractions:
        d = d * f.denominator // math.gcd(d, f.denominator)
    return d


def total_range(criteria: Sequence[Criterion], normalisation: str) -> tuple[Fraction, Fraction]:
    """The lowest and highest possible total (the scale used for "contested")."""
    lows = {c.key: Fraction(c.min) for c in criteria}
    highs = {c.key: Fraction(c.max) for c in criteria}
    return weighted_total(criteria, lows, normalisation), weighted_total(criteria, highs, normalisation)


def aggregate(values: Sequence[Fraction], how: str, trim: Fraction = DEFAULT_TRIM) -> Fraction:
    """Mean, median (even n: mean of the middle two) or trimmed mean."""
    if how == "mean":
        return mean(values)
    if how == "median":
        return median(values)
    return trimmed_mean(values, trim)


def tie_break_criterion(criteria: Sequence[Criterion]) -> Criterion | None:
    """The criterion whose weight is strictly the highest; None when weights are level
    at the top (then equal scores are a declared tie, METHODS §2)."""
    if not criteria:
        return None
    top = max(c.weight for c in criteria)
    best = [c for c in criteria if c.weight == top]
    return best[0] if len(best) == 1 else None


@dataclass(frozen=True)
class MatrixOutcome:
    """Scores per item (only items with at least one usable total/score).

    Participant totals are kept multiplied by ``divisor`` (a common
    denominator of the weights), so they are usually integers: exact and
    fast. Divide by ``divisor`` to read them; ranks and Kendall's W do not
    need to.
    """

    scores: Mapping[str, Fraction]
    n: Mapping[str, int]
    scaled_totals: Mapping[str, tuple[Fraction | int, ...]]  # each complete participant's total × divisor
    rater_totals: tuple[Mapping[str, Fraction | int], ...]  # per submission: item → total × divisor
    divisor: int
    criterion_aggregates: Mapping[str, Mapping[str, Fraction]]
    criterion_medians: Mapping[str, Mapping[str, Fraction]]
    ranks: Mapping[str, int]
    groups: tuple[tuple[str, ...], ...]
    unscored: tuple[str, ...]
    scale: tuple[Fraction, Fraction]
    tie_criterion: str | None
    warnings: tuple[str, ...]

    def totals(self, item: str) -> tuple[Fraction, ...]:
        """Each complete participant's total for ``item``, as exact values."""
        return tuple(Fraction(t) / self.divisor for t in self.scaled_totals.get(item, ()))


def evaluate(
    items: Sequence[str],
    criteria: Sequence[Criterion],
    submissions: Sequence[Mapping[tuple[str, str], Fraction | int]],
    s: MatrixSettings,
) -> MatrixOutcome:
    """Aggregate valid, non-blank submissions (s' per (item, criterion)).

    A participant with any blank criterion for an item is left out of that
    item's totals but still counts in the per-criterion aggregates. The
    ranking is by score, then the aggregate on the tie-break criterion, then
    a declared tie.
    """
    warnings = list(check_criteria(criteria))
    if s.normalisation == "weighted_sum" and len({(c.min, c.max) for c in criteria}) > 1:
        warnings.append("weighted sum is only meaningful when all criteria share one scale; these do not")
    if s.normalisation == "sum_of_max":
        warnings.append("sum of maxima ignores the weights (kept only to reproduce a paper form)")
    tie_c = tie_break_criterion(criteria)
    a, b = coefficients(criteria, s.normalisation)
    divisor = _common_denominator([*a.values(), b])
    keys = [c.key for c in criteria]
    a_int = [(a[k] * divisor).numerator for k in keys]
    b_int = (b * divisor).numerator
    n_crit = len(keys)
    totals: dict[str, list] = {i: [] for i in items}
    per_crit: dict[str, list[list]] = {i: [[] for _ in keys] for i in items}
    rater_totals = []
    # Each item's (item, criterion) keys, made once: 500 items x 4 criteria x 60 people.
    cells = [(i, [(i, k) for k in keys], per_crit[i], totals[i]) for i in items]
    for sub in submissions:
        mine = {}
        get = sub.get
        for i, wanted, lists, item_totals in cells:
            row = list(map(get, wanted))
            if None not in row:
                # A complete row (the usual case), with its loops in C.
                deque(map(list.append, lists, row), maxlen=0)
                total = b_int + sum(map(mul, a_int, row))
                item_totals.append(total)
                mine[i] = total
                continue
            filled = 0
            total = b_int
            for j in range(n_crit):
                v = row[j]
                if v is not None:
                    lists[j].append(v)
                    total += a_int[j] * v
                    filled += 1
            if filled == n_crit:
                item_totals.append(total)
                mine[i] = total
        rater_totals.append(mine)
    scores: dict[str, Fraction] = {}
    n: dict[str, int] = {}
    crit_agg: dict[str, dict[str, Fraction]] = {}
    crit_med: dict[str, dict[str, Fraction]] = {}
    for i in items:
        crit_agg[i] = {k: aggregate(v, s.aggregate, s.trim) for k, v in zip(keys, per_crit[i]) if v}
        crit_med[i] = {k: median(v) for k, v in zip(keys, per_crit[i]) if v}
        if s.order == "total_first":
            n[i] = len(totals[i])
            if totals[i]:
                scores[i] = aggregate(totals[i], s.aggregate, s.trim) / divisor
        else:
            n[i] = min(len(v) for v in per_crit[i])
            if n[i]:
                scores[i] = b + sum((a[k] * crit_agg[i][k] for k in keys), Fraction(0))
    scored = sorted(scores)
    ranks, groups = competition_ranks(
        scored, key=(lambda i: (scores[i], crit_agg[i].get(tie_c.key, Fraction(-10**18)))) if tie_c else (lambda i: scores[i])
    )
    unscored = tuple(sorted(set(items) - set(scores)))
    return MatrixOutcome(
        scores, n, {i: tuple(v) for i, v in totals.items()}, tuple(rater_totals), divisor, crit_agg, crit_med,
        ranks, groups, unscored, total_range(criteria, s.normalisation), tie_c.key if tie_c else None, tuple(warnings),
    )
