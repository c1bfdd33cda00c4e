"""Number conventions shared by every method (METHODS.md §0).

Exact values stay ``Fraction`` until they are shown or exported; only then are
they rounded, to 4 dp, half away from zero, from the exact value. Python's
``round()`` is never used: it rounds half to even and works on the binary value.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Callable, Hashable, Iterable, Sequence, TypeVar

PLACES = 4
_SCALE = 10**PLACES
_QUANTUM = Decimal(1).scaleb(-PLACES)  # Decimal("0.0001")

T = TypeVar("T", bound=Hashable)


def round_half_away(x: Fraction | int | float) -> Decimal:
    """``x`` rounded to 4 dp, half away from zero, as an exact ``Decimal``.

    Fractions and ints: ``sign(x)·floor(|x|·10⁴+½)/10⁴`` on the exact value.
    Floats: ``Decimal(x).quantize(0.0001, ROUND_HALF_UP)`` (Decimal(x) is the
    exact binary value, and ROUND_HALF_UP in Decimal rounds away from zero).
    """
    if isinstance(x, bool):
        raise TypeError("a bool is not a number to round")
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ValueError(f"cannot round {x!r}")
        return Decimal(x).quantize(_QUANTUM, rounding=ROUND_HALF_UP)
    q = Fraction(x)
    sign = -1 if q < 0 else 1
    scaled = math.floor(abs(q) * _SCALE + Fraction(1, 2))
    return Decimal(sign * scaled).scaleb(-PLACES)


def display(x: Fraction | int | float | None) -> str:
    """A number as people read it: integers plain, others to 4 dp; None as "–"."""
    if x is None:
        return "–"
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    if isinstance(x, Fraction) and x.denominator == 1:
        return str(x.numerator)
    return str(round_half_away(x))


def display_short(x: Fraction | int | float | None) -> str:
    """As ``display`` but without trailing zeros (1.5, not 1.5000), for screens
    where a column of figures should read easily; the value is the same."""
    text = display(x)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def grouped(x: Fraction | int | float | None, places: int = 2, *, from_: int = 10000) -> str:
    """A number for people to read at a glance: thousands separated ("2,500,000"),
    at most ``places`` decimals (half away from zero, trailing zeros dropped), None
    as "–". Numbers below ``from_`` are left plain ("1840", "2.5")."""
    if x is None:
        return "–"
    if isinstance(x, float):
        if not math.isfinite(x):
            return "–"
        q = Decimal(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    else:
        f = x if type(x) is Fraction else Fraction(x)
        n, d = f.numerator, f.denominator
        if d == 1:
            return f"{n:,}" if abs(n) >= from_ else str(n)
        # floor(|f|·10^places + ½) in integers: (2·|n|·10^places + d) // 2d, the same value
        # as the Fraction arithmetic, several times faster (a board pack formats thousands).
        whole = (2 * abs(n) * 10**places + d) // (2 * d)
        q = Decimal(-whole if n < 0 else whole).scaleb(-places)
    text = f"{q:,f}" if abs(q) >= from_ else f"{q:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(x: Fraction | int | float | None) -> str:
    """An amount of money as the TUI shows it: "1,840,000", "9,500", "120.5"; None as "–"."""
    return grouped(x, 2, from_=1000)


def to_json_number(x: object) -> object:
    """A value ready for JSON: integral Fractions become ints, other numbers
    become floats rounded to 4 dp (half away from zero); None and bools pass
    through unchanged. Export is display, so the 4 dp rule applies (§0)."""
    if x is None or isinstance(x, bool):
        return x
    if isinstance(x, int):
        return x
    if isinstance(x, Fraction):
        if x.denominator == 1:
            return x.numerator
        return float(round_half_away(x))
    if isinstance(x, float):
        if not math.isfinite(x):
            return None
        if x == int(x) and abs(x) < 2**53:
            return float(x)
        return float(round_half_away(x))
    raise TypeError(f"not a number: {x!r}")


def competition_ranks(
    items: Iterable[T], key: Callable[[T], object]
) -> tuple[dict[T, int], tuple[tuple[T, ...], ...]]:
    """Rank items "1224" by ``key`` descending (a bigger key is better).

    Items with equal keys share the best rank of their tie group and the next
    rank skips. Returns ``(rank per item, tie groups best first)``; within a
    group, items are sorted by id so the output never depends on input order.
    """
    keyed = sorted(((key(item), item) for item in items), key=lambda kv: kv[0], reverse=True)
    groups: list[list[T]] = []
    last: object = object()
    for k, item in keyed:
        if groups and k == last:
            groups[-1].append(item)
        else:
            groups.append([item])
            last = k
    return ranks_from_groups(tuple(tuple(sorted(g)) for g in groups))


def ranks_from_groups(
    groups: Sequence[Sequence[T]],
) -> tuple[dict[T, int], tuple[tuple[T, ...], ...]]:
    """Competition ranks from tie groups already in best-first order."""
    ranks: dict[T, int] = {}
    clean: list[tuple[T, ...]] = []
    position = 1
    for group in groups:
        members = tuple(sorted(group))
        if not members:
            continue
        for item in members:
            ranks[item] = position
        clean.append(members)
        position += len(members)
    return ranks, tuple(clean)


def rank_label(rank: int, tied: bool) -> str:
    """How a rank is shown: "=2" for a declared tie, "2" otherwise."""
    return f"={rank}" if tied else str(rank)
