"""Group MoSCoW with DSDM effort shares and warnings (METHODS.md §4)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from workshop_tui.domain.consensus import leik, lower_median
from workshop_tui.domain.numbers import competition_ranks, display
from workshop_tui.domain.rules.judge import moscow_word

CATEGORIES = ("must", "should", "could", "wont")
CODES = {"must": 4, "should": 3, "could": 2, "wont": 1}
_BY_CODE = {v: k for k, v in CODES.items()}
MUST_LIMIT = Fraction(3, 5)
COULD_FLOOR = Fraction(1, 5)


def parse(value: object) -> str | None:
    """A MoSCoW word (must/should/could/wont, any case, or M/S/C/W) or None: the rule book's."""
    return moscow_word(value)


@dataclass(frozen=True)
class MoscowOutcome:
    category: Mapping[str, str]
    codes: Mapping[str, tuple[int, ...]]
    frequencies: Mapping[str, tuple[int, int, int, int]]  # M, S, C, W counts
    leik: Mapping[str, Fraction | None]
    effort: Mapping[str, Fraction]  # per category
    shares: Mapping[str, Fraction | None]  # must/should/could/wont over committed effort
    ranks: Mapping[str, int]
    groups: tuple[tuple[str, ...], ...]
    order: tuple[str, ...]
    uncategorised: tuple[str, ...]
    warnings: tuple[str, ...]


def evaluate(
    items: Sequence[str],
    submissions: Sequence[Mapping[str, str]],
    efforts: Mapping[str, Fraction | None],
    scores: Mapping[str, Fraction] | None = None,
) -> MoscowOutcome:
    """Group category = lower median of codes (M=4 … W=1).

    Order: M, S, C, W, then the session's ``scores`` descending (items equal
    on both share a rank), then id. Shares are of committed effort (M+S+C);
    null when that is 0 (†). Missing efforts count as 0, with a warning.
    """
    codes: dict[str, list[int]] = {i: [] for i in items}
    for sub in submissions:
        for i, cat in sub.items():
            codes[i].append(CODES[cat])
    placed = sorted(i for i in items if codes[i])
    category = {i: _BY_CODE[int(lower_median(codes[i]))] for i in placed}
    freqs = {i: tuple(codes[i].count(CODES[c]) for c in CATEGORIES) for i in placed}
    scores = scores or {}
    score_key = lambda i: scores.get(i, Fraction(-10**18))  # noqa: E731 - unscored sort last in a category
    ranks, groups = competition_ranks(placed, key=lambda i: (CODES[category[i]], score_key(i)))
    order = tuple(sorted(placed, key=lambda i: (-CODES[category[i]], -score_key(i), i)))
    warnings: list[str] = []
    effort = {c: Fraction(0) for c in CATEGORIES}
    missing = []
    for i in placed:
        e = efforts.get(i)
        if e is None:
            missing.append(i)
        else:
            effort[category[i]] += Fraction(e)
    if missing:
        warnings.append(f"no effort recorded for {', '.join(missing)}; counted as 0 in the shares")
    committed = effort["must"] + effort["should"] + effort["could"]
    shares = {c: (effort[c] / committed if committed else None) for c in CATEGORIES}
    must, could = shares["must"], shares["could"]
    if must is not None and must > MUST_LIMIT:
        warnings.append(f"must_share {display(must)} > 0.60")
    if could is not None and could < COULD_FLOOR:
        warnings.append(f"could_share {display(could)} < 0.20")
    return MoscowOutcome(
        category, {i: tuple(codes[i]) for i in placed}, freqs, {i: leik(freqs[i]) for i in placed},  # type: ignore[misc]
        effort, shares, ranks, groups, order, tuple(sorted(set(items) - set(placed))), tuple(warnings),
    )
