"""AHP pairwise weights for criteria (METHODS.md §5).

Weights are the principal right eigenvector by power iteration (floats, as
the spec allows for eigenvectors); consistency is CR = CI / RI(n) with the
random-index table named beside every CR.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from workshop_tui.domain.methods.problems import SettingsError

RI_TABLES: dict[str, dict[int, float]] = {
    "saaty1980": dict(zip(range(1, 11), (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49))),
    "saaty2005": dict(zip(range(3, 16), (0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59))),
}
RI_LABELS = {"saaty1980": "Saaty 1980", "saaty2005": "Saaty 2005"}
CR_LIMIT = 0.10
SCALE = (Fraction(1, 9), Fraction(9))

Comparisons = Mapping[tuple[str, str], Fraction | int | float]


@dataclass(frozen=True)
class AhpResult:
    weights: Mapping[str, float]
    lambda_max: float
    ci: float
    cr: float | None  # None when no RI is available for n under the chosen table
    ri_table: str
    consistent: bool | None
    method: str = "eigenvector"

    @property
    def warning(self) -> str | None:
        if self.cr is None:
            return f"consistency ratio unavailable: no {RI_LABELS[self.ri_table]} random index for {len(self.weights)} criteria"
        if self.cr > CR_LIMIT:
            return f"inconsistent: revisit judgements (CR {self.cr:.4f} > 0.10, RI {RI_LABELS[self.ri_table]})"
        return None


def matrix_from_upper(keys: Sequence[str], comparisons: Comparisons) -> list[list[float]]:
    """Fill A from the upper triangle: a_ji = 1/a_ij, a_ii = 1.

    Each pair (i, j) with i before j in ``keys`` must be given (v1: no
    missing comparisons), within 1/9 … 9 and positive.
    """
    n = len(keys)
    a = [[1.0] * n for _ in range(n)]
    missing, bad = [], []
    for i in range(n):
        for j in range(i + 1, n):
            pair = (keys[i], keys[j])
            if pair in comparisons:
                v = comparisons[pair]
            elif (keys[j], keys[i]) in comparisons:
                v = 1 / Fraction(comparisons[(keys[j], keys[i])]) if comparisons[(keys[j], keys[i])] else 0
            else:
                missing.append(pair)
                continue
            q = Fraction(repr(v)) if isinstance(v, float) else Fraction(v)
            if q <= 0 or not SCALE[0] <= q <= SCALE[1]:
                bad.append((pair, v))
                continue
            a[i][j] = float(q)
            a[j][i] = float(1 / q)
    if missing or bad:
        parts = []
        if missing:
            parts.append("missing comparisons: " + ", ".join(f"{x} vs {y}" for x, y in missing))
        if bad:
            parts.append("values outside 1/9…9: " + ", ".join(f"{x} vs {y} = {v}" for (x, y), v in bad))
        raise SettingsError("; ".join(parts))
    return a


def weights(keys: Sequence[str], comparisons: Comparisons, ri_table: str = "saaty1980") -> AhpResult:
    """Principal-eigenvector weights, λ_max, CI and CR for one matrix."""
    if ri_table not in RI_TABLES:
        raise SettingsError(f"unknown random-index table {ri_table!r}")
    return _solve(list(keys), matrix_from_upper(keys, comparisons), ri_table)


def group_weights(keys: Sequence[str], judgements: Sequence[Comparisons], ri_table: str = "saaty1980") -> AhpResult:
    """AIJ: the element-wise geometric mean of participants' matrices (stays reciprocal)."""
    if not judgements:
        raise SettingsError("no pairwise judgements to combine")
    mats = [matrix_from_upper(keys, j) for j in judgements]
    n = len(keys)
    combined = [[math.exp(sum(math.log(m[i][j]) for m in mats) / len(mats)) for j in range(n)] for i in range(n)]
    return _solve(list(keys), combined, ri_table)


def _solve(keys: list[str], a: list[list[float]], ri_table: str) -> AhpResult:
    n = len(keys)
    if n == 0:
        raise SettingsError("AHP needs at least one criterion")
    w = [1.0 / n] * n
    for _ in range(10_000):
        aw = [sum(a[i][j] * w[j] for j in range(n)) for i in range(n)]
        total = sum(aw)
        new = [x / total for x in aw]
        delta = max(abs(x - y) for x, y in zip(new, w))
        w = new
        if delta < 1e-12:
            break
    aw = [sum(a[i][j] * w[j] for j in range(n)) for i in range(n)]
    lam = sum(aw[i] / w[i] for i in range(n)) / n
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    if abs(ci) < 1e-12:
        ci = 0.0
    table = RI_TABLES[ri_table]
    if n <= 2:
        cr: float | None = 0.0
    elif n in table and table[n] > 0:
        cr = ci / table[n]
    else:
        cr = None  # † n beyond the table: CR unavailable rather than guessed
    return AhpResult(dict(zip(keys, w)), lam, ci, cr, ri_table, None if cr is None else cr <= CR_LIMIT)


def synthesise(criterion_weights: Mapping[str, float], local: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """global(a) = Σ_c w_c · local_c(a); ``local`` is criterion → item → priority."""
    out: dict[str, float] = {}
    for c, wc in criterion_weights.items():
        for item, v in local.get(c, {}).items():
            out[item] = out.get(item, 0.0) + wc * v
    return dict(sorted(out.items()))
