"""How far the room agrees (METHODS.md §6).

Per-item spread (mean, median, sample SD, inclusive IQR, CV, n), the
"contested" and "few scores" flags, Kendall's W across raters, and the ordinal
agreement measures of Leik and of Tastle and Wierman.

Decision (METHODS is silent on other scales): the default consensus rule is
"IQR ≤ 1 on a 5-point scale", i.e. a quarter of the scale's range (1–5 spans
4). An item is *contested* iff its IQR is greater than (upper − lower)/4 of the
scale its scores live on, so the rule means the same on 0–10 or 0–1 scales.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

FEW_SCORES = 3  # n below this is flagged "few scores"

Number = Fraction | int


@dataclass(frozen=True)
class Spread:
    """Dispersion of one item's scores. SD and CV are floats (square roots);
    everything else is exact. ``sd``/``cv`` are None for n < 2."""

    n: int
    mean: Fraction | None
    median: Fraction | None
    sd: float | None
    iqr: Fraction | None
    q1: Fraction | None
    q3: Fraction | None
    cv: float | None
    low: Fraction | None
    high: Fraction | None

    @property
    def few_scores(self) -> bool:
        return self.n < FEW_SCORES


def mean(values: Sequence[Number]) -> Fraction:
    """Exact arithmetic mean of a non-empty sequence."""
    return Fraction(sum(values, Fraction(0))) / len(values)


def median(values: Sequence[Number]) -> Fraction:
    """Exact median; for even n, the mean of the two middle values (§2)."""
    xs = sorted(values)
    n = len(xs)
    mid = n // 2
    if n % 2:
        return Fraction(xs[mid])
    return (Fraction(xs[mid - 1]) + Fraction(xs[mid])) / 2


def lower_median(values: Sequence[Number]) -> Fraction:
    """Median that takes the lower middle value for even n (group MoSCoW §4)."""
    xs = sorted(values)
    return Fraction(xs[(len(xs) - 1) // 2])


def quantile_inclusive(sorted_values: Sequence[Number], p: Fraction) -> Fraction:
    """Hyndman–Fan type 7 quantile (numpy 'linear', Excel QUARTILE.INC), exact."""
    n = len(sorted_values)
    h = (n - 1) * Fraction(p)
    lo = math.floor(h)
    frac = h - lo
    x_lo = Fraction(sorted_values[lo])
    if frac == 0 or lo + 1 >= n:
        return x_lo
    return x_lo + frac * (Fraction(sorted_values[lo + 1]) - x_lo)


def trimmed_mean(values: Sequence[Number], alpha: Fraction) -> Fraction:
    """Drop floor(α·n) values from each end, average the rest (SciPy trim_mean)."""
    xs = sorted(values)
    k = math.floor(Fraction(alpha) * len(xs))
    kept = xs[k : len(xs) - k] if k else xs
    return mean(kept)


def sample_sd(values: Sequence[Number]) -> float | None:
    """Sample standard deviation (n − 1); None for n < 2."""
    n = len(values)
    if n < 2:
        return None
    m = mean(values)
    ss = sum(((Fraction(v) - m) ** 2 for v in values), Fraction(0))
    return math.sqrt(ss / (n - 1))


def population_sd(values: Sequence[Number]) -> float | None:
    """Population standard deviation (n); None for an empty sequence."""
    n = len(values)
    if n < 1:
        return None
    m = mean(values)
    ss = sum(((Fraction(v) - m) ** 2 for v in values), Fraction(0))
    return math.sqrt(ss / n)


def spread(values: Sequence[Number]) -> Spread:
    """Mean, median, sample SD, inclusive IQR and CV of one item's scores."""
    n = len(values)
    if n == 0:
        return Spread(0, None, None, None, None, None, None, None, None, None)
    xs = sorted(Fraction(v) for v in values)
    m = mean(xs)
    sd = sample_sd(xs)
    q1 = quantile_inclusive(xs, Fraction(1, 4))
    q3 = quantile_inclusive(xs, Fraction(3, 4))
    cv = None if sd is None or m == 0 else sd / float(m)
    return Spread(n, m, median(xs), sd, q3 - q1, q1, q3, cv, xs[0], xs[-1])


def contested_threshold(low: Number, high: Number) -> Fraction:
    """The IQR above which an item is contested: a quarter of the scale's range."""
    return (Fraction(high) - Fraction(low)) / 4


def is_contested(s: Spread | None, low: Number, high: Number) -> bool:
    """True iff the item's IQR exceeds a quarter of the scale range."""
    if s is None or s.iqr is None:
        return False
    return s.iqr > contested_threshold(low, high)


# ---------------------------------------------------------------- Kendall's W


@dataclass(frozen=True)
class KendallW:
    """Kendall's coefficient of concordance with the tie correction.

    ``w`` is exact (mid-ranks are rational). ``meaningful`` is False for fewer
    than two raters: W is then 1 algebraically and must not be shown as
    agreement. ``w`` is None when the denominator is zero (every rater tied
    every item). The χ² p-value is a large-sample approximation, so it is
    marked ``indicative`` for few raters (m < 3) or items (n < 5) (decision).
    """

    w: Fraction | None
    raters: int
    items: int
    excluded_raters: int
    chi2: Fraction | None
    df: int
    p_value: float | None
    meaningful: bool
    indicative: bool

    @property
    def band(self) -> str | None:
        """Landis & Koch band (0.2/0.4/0.6/0.8), as in R effectsize."""
        if self.w is None or not self.meaningful:
            return None
        w = self.w
        if w <= Fraction(1, 5):
            return "slight"
        if w <= Fraction(2, 5):
            return "fair"
        if w <= Fraction(3, 5):
            return "moderate"
        if w <= Fraction(4, 5):
            return "substantial"
        return "almost perfect"


def mid_ranks(values: Sequence[Number]) -> tuple[list[Fraction], list[int]]:
    """Ascending ranks with ties given the mean of the positions they span.

    Returns the ranks (in input order) and the sizes of the tie groups.
    """
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks: list[Fraction] = [Fraction(0)] * len(values)
    ties: list[int] = []
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        r = Fraction(i + 1 + j + 1, 2)
        for k in range(i, j + 1):
            ranks[order[k]] = r
        ties.append(j - i + 1)
        i = j + 1
    return ranks, ties


def kendall_w(ratings: Sequence[Mapping[str, Number]], items: Sequence[str] | None = None) -> KendallW:
    """Kendall's W over raters' scores (or positions) for the same items.

    Each rater is a mapping item → score. Raters who omit any of ``items``
    are excluded (the v1 default); ``items`` defaults to the union of all
    items rated. The tie correction is always applied.
    """
    all_items = sorted(set(items) if items is not None else {i for r in ratings for i in r})
    complete = [r for r in ratings if all(i in r for i in all_items)]
    excluded = len(ratings) - len(complete)
    m, n = len(complete), len(all_items)
    df = max(n - 1, 0)
    if m == 0 or n < 2:
        return KendallW(None, m, n, excluded, None, df, None, False, True)
    totals = [Fraction(0)] * n
    tie_sum = 0
    for rater in complete:
        ranks, ties = mid_ranks([rater[i] for i in all_items])
        for k, r in enumerate(ranks):
            totals[k] += r
        tie_sum += sum(t**3 - t for t in ties)
    r_bar = Fraction(m * (n + 1), 2)
    s = sum(((t - r_bar) ** 2 for t in totals), Fraction(0))
    denominator = m * m * (n**3 - n) - m * tie_sum
    if denominator == 0:
        return KendallW(None, m, n, excluded, None, df, None, m >= 2, True)
    w = 12 * s / denominator
    chi2 = m * (n - 1) * w
    p = chi2_upper_tail(float(chi2), df)
    return KendallW(w, m, n, excluded, chi2, df, p, m >= 2, m < 3 or n < 5)


def chi2_upper_tail(x: float, df: int) -> float:
    """P(χ²_df ≥ x): the regularised upper incomplete gamma Q(df/2, x/2)."""
    if df <= 0:
        return float("nan")
    if x <= 0:
        return 1.0
    return _gamma_q(df / 2.0, x / 2.0)


def _gamma_q(a: float, x: float) -> float:
    # Numerical Recipes: the series converges fast for x < a + 1, the
    # continued fraction (modified Lentz) otherwise.
    gln = math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        p = total * math.exp(-x + a * math.log(x) - gln)
        return max(0.0, min(1.0, 1.0 - p))
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < tiny:
            d = tiny
        c = b + an / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return max(0.0, min(1.0, math.exp(-x + a * math.log(x) - gln) * h))


# ---------------------------------------------------------- ordinal agreement


def leik(frequencies: Sequence[int]) -> Fraction | None:
    """Leik's ordinal agreement 1 − D over ordered categories; None if Σf = 0.

    1 when everyone chose one category; 0 for a half-and-half split of the
    two extremes.
    """
    total = sum(frequencies)
    m = len(frequencies)
    if total == 0 or m < 2:
        return None if total == 0 else Fraction(1)
    cumulative = Fraction(0)
    d = Fraction(0)
    for f in frequencies:
        cumulative += Fraction(f, total)
        d += min(cumulative, 1 - cumulative)
    return 1 - d / Fraction(m - 1, 2)


def tastle_wierman(frequencies: Sequence[int]) -> float | None:
    """Tastle–Wierman consensus Cns (dissent = 1 − Cns); None if Σf = 0."""
    total = sum(frequencies)
    m = len(frequencies)
    if total == 0:
        return None
    nonzero = [i for i, f in enumerate(frequencies, start=1) if f]
    if len(nonzero) == 1 or m < 2:
        return 1.0  # by definition: everyone in one category
    mu = sum(Fraction(f, total) * i for i, f in enumerate(frequencies, start=1))
    width = m - 1
    cns = 1.0
    for i, f in enumerate(frequencies, start=1):
        if f:  # skip P_i = 0 terms: never evaluate 0·log 0
            cns += float(Fraction(f, total)) * math.log2(float(1 - abs(i - mu) / width))
    return cns
