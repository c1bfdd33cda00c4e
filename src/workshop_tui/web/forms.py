"""Ballot forms: the posted fields as votes for the rule book, and back again for the page.

Parsing only: no rule is checked here. Blank fields are not votes; everything else
goes to the rule book as typed (``services.phones.cast`` -> ``rules.judge_ballot``),
which names each problem. A field longer than any answer becomes a value no rule
accepts, so the rule book refuses it rather than this module deciding.

Field names carry the initiative's (and criterion's) key: ``d:<item>`` dots,
``m:<item>:<criterion>`` matrix, ``r:<item>`` ranking position, ``v:<item>`` /
``e:<item>`` value and effort, ``w:<item>`` MoSCoW.
"""

from __future__ import annotations

from typing import Mapping

from workshop_tui.domain import model as m
from workshop_tui.services.phones import PhoneRound

MAX_FIELD = 24


def _field(form: Mapping[str, str], name: str) -> str | None:
    raw = form.get(name)
    if raw is None:
        return None
    text = str(raw).strip()
    if not text:
        return None
    return text if len(text) <= MAX_FIELD else "(too long)"


def draft(rnd: PhoneRound, form: Mapping[str, str]) -> dict[str, str]:
    """What the person entered, by field name, to show the form again."""
    return {name: str(form[name])[:MAX_FIELD] for name in fields(rnd) if form.get(name) not in (None, "")}


def fields(rnd: PhoneRound) -> list[str]:
    items = [k for k, _ in rnd.initiatives]
    if rnd.method == "dots":
        return [f"d:{k}" for k in items]
    if rnd.method == "matrix":
        return [f"m:{k}:{c[0]}" for k in items for c in rnd.criteria]
    if rnd.method == "ranking":
        return [f"r:{k}" for k in items]
    if rnd.method == "value_effort":
        return [f"{a}:{k}" for k in items for a in ("v", "e")]
    return [f"w:{k}" for k in items]


def votes(rnd: PhoneRound, form: Mapping[str, str]) -> list[m.Vote]:
    """The ballot the form holds, for the rule book (blank fields left out)."""
    out: list[m.Vote] = []
    items = [k for k, _ in rnd.initiatives]
    if rnd.method == "ranking":
        ballot = ranking_from(rnd, form)
        return [m.Vote(ranking=ballot, channel="phone")] if ballot else []
    for k in items:
        if rnd.method == "dots":
            value = _field(form, f"d:{k}")
            if value is not None:
                out.append(m.Vote(initiative=k, value=value, channel="phone"))
        elif rnd.method == "matrix":
            for c in rnd.criteria:
                value = _field(form, f"m:{k}:{c[0]}")
                if value is not None:
                    out.append(m.Vote(initiative=k, criterion=c[0], value=value, channel="phone"))
        elif rnd.method == "value_effort":
            value, effort = _field(form, f"v:{k}"), _field(form, f"e:{k}")
            if value is not None or effort is not None:
                out.append(m.Vote(initiative=k, value=value, effort=effort, channel="phone"))  # type: ignore[arg-type]
        else:
            value = _field(form, f"w:{k}")
            if value is not None:
                out.append(m.Vote(initiative=k, value=value, channel="phone"))
    return out


def positions(rnd: PhoneRound, form: Mapping[str, str]) -> dict[str, int | str]:
    """Each initiative's typed position (an int, or the text as typed when it is not one)."""
    out: dict[str, int | str] = {}
    for k, _ in rnd.initiatives:
        value = _field(form, f"r:{k}")
        if value is None:
            continue
        out[k] = int(value) if value.isdigit() else value
    return out


def ranking_from(rnd: PhoneRound, form: Mapping[str, str]) -> m.RankingBallot | None:
    """Positions as a ranking ballot: best first, equal positions a tie. A position that is
    not a whole number is passed on as it is, for the rule book to name."""
    pos = positions(rnd, form)
    if not pos:
        return None
    groups: dict[object, list[str]] = {}
    for k, p in pos.items():
        groups.setdefault(p, []).append(k)
    numeric = sorted((p for p in groups if isinstance(p, int)))
    ordered: list[object] = []
    for p in numeric + [p for p in groups if not isinstance(p, int)]:
        g = groups[p]
        if isinstance(p, int) and p >= 1:
            ordered.append(tuple(g) if len(g) > 1 else g[0])
        else:
            # Not a position (0, text): an entry the rule book will refuse by name.
            ordered.append(f"position {p} of " + ", ".join(g))
    return tuple(ordered)  # type: ignore[return-value]


def order_of(rnd: PhoneRound, values: Mapping[str, str]) -> list[str]:
    """The initiatives in the order the page lists them for ranking: ranked ones by
    position (1 first), then the unranked in the facilitator's order."""
    pos = {k: p for k, p in positions(rnd, values).items() if isinstance(p, int)}
    keys = [k for k, _ in rnd.initiatives]
    ranked = sorted((k for k in keys if k in pos), key=lambda k: (pos[k], keys.index(k)))
    return ranked + [k for k in keys if k not in pos]


def move(rnd: PhoneRound, form: Mapping[str, str], how: str) -> dict[str, str]:
    """Move up / Move down without JavaScript: the list in its shown order, one item moved
    one place, every item numbered by its new place. ``how`` is ``up:<key>`` or ``down:<key>``."""
    direction, _, key = how.partition(":")
    order = order_of(rnd, form)
    if key in order and direction in ("up", "down"):
        i = order.index(key)
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
    return {f"r:{k}": str(n) for n, k in enumerate(order, start=1)}


def from_stored(rnd: PhoneRound, stored: list[m.Vote]) -> dict[str, str]:
    """A stored ballot as form values (change-my-vote)."""
    out: dict[str, str] = {}
    for v in stored:
        if v.ranking is not None:
            for n, entry in enumerate(v.ranking, start=1):
                for k in (entry,) if isinstance(entry, str) else entry:
                    out[f"r:{k}"] = str(n)
        elif rnd.method == "dots":
            out[f"d:{v.initiative}"] = _text(v.value)
        elif rnd.method == "matrix":
            out[f"m:{v.initiative}:{v.criterion}"] = _text(v.value)
        elif rnd.method == "value_effort":
            if v.value is not None:
                out[f"v:{v.initiative}"] = _text(v.value)
            if v.effort is not None:
                out[f"e:{v.initiative}"] = _text(v.effort)
        else:
            out[f"w:{v.initiative}"] = _text(v.value)
    return out


def _text(value: object) -> str:
    from fractions import Fraction

    if isinstance(value, Fraction) and value.denominator == 1:
        return str(value.numerator)
    return "" if value is None else str(value)
