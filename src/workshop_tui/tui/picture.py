"""Which parts of the session screen's picture of a workshop changed between two reads.

A read that takes in only the rounds that changed (``sessions.reread_rounds``) keeps
every other part of the picture as the same object, so a stage can tell by identity,
without comparing 120,000 votes, whether what it worked out (a round's result, a plan)
still holds, and redraw only what changed. Pure: no Textual, no SQL.
"""

from __future__ import annotations

from workshop_tui.domain import model as m
from workshop_tui.domain.memo import NOT_ROUNDS as _OTHERS


def depends_on(workshop: m.Workshop, *round_keys: str | None) -> tuple:
    """What a figure made from these rounds of ``workshop`` depends on: every part of the
    workshop but its rounds, and the named rounds themselves (a missing one is None)."""
    rounds = {r.key: r for r in workshop.rounds}
    return tuple(getattr(workshop, name) for name in _OTHERS) + tuple(rounds.get(k) for k in round_keys)


def depends_on_all(workshop: m.Workshop) -> tuple:
    """What a figure made from every round depends on (the triangulation across rounds)."""
    return tuple(getattr(workshop, name) for name in _OTHERS) + tuple(workshop.rounds)


def same(a: tuple | None, b: tuple | None) -> bool:
    """The same parts, object for object (a new read of a part is a new object)."""
    return a is not None and b is not None and len(a) == len(b) and all(x is y for x, y in zip(a, b))


def rounds_changed(before: m.Workshop | None, after: m.Workshop) -> set[str] | None:
    """The keys of the rounds that differ between two pictures, when nothing else does and
    the rounds are the same ones in the same order; None when anything else changed."""
    if before is None or not same(depends_on(before), depends_on(after)):
        return None
    if [r.key for r in before.rounds] != [r.key for r in after.rounds]:
        return None
    return {b.key for b, a in zip(before.rounds, after.rounds) if b is not a}
