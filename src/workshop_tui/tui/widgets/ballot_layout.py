"""How a round's votes are laid out in a VoteGrid, shared by facilitator entry
and the private ballot: which columns, and how a stored vote reads in a cell."""

from __future__ import annotations

from rich.text import Text

from workshop_tui.domain import rules
from workshop_tui.domain import model as m
from workshop_tui.domain.numbers import display
from workshop_tui.tui.widgets.vote_grid import MOSCOW_TEXT, GridColumn

ROOM_METHODS = ("dots", "moscow")  # one column per person
PERSON_METHODS = ("matrix", "value_effort", "ranking")  # one person at a time


HONORIFICS = {"dr", "dr.", "prof", "prof.", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame", "cllr"}


def short_name(name: str, width: int = 9) -> str:
    """A column label: the first name (after any title such as Dr), or the start of the name."""
    words = [w for w in name.split() if w.lower() not in HONORIFICS] or name.split() or [name]
    return words[0][:width]


def short_names(people: tuple[m.Participant, ...], width: int = 9) -> dict[str, str]:
    """Short labels for everyone, with a surname initial where first names repeat."""
    firsts = {p.key: short_name(p.name, width) for p in people}
    counts: dict[str, int] = {}
    for label in firsts.values():
        counts[label] = counts.get(label, 0) + 1
    out = {}
    for p in people:
        label = firsts[p.key]
        rest = [w for w in p.name.split() if w.lower() not in HONORIFICS][1:]
        if counts[label] > 1 and rest:
            label = f"{label[: width - 2]} {rest[0][0]}"
        out[p.key] = label
    return out


def person_columns(workshop: m.Workshop, rnd: m.Round) -> list[GridColumn]:
    """Columns for one person's ballot (matrix, value/effort, ranking, or one column for dots/MoSCoW)."""
    if rnd.method == "matrix":
        return [GridColumn(c.key, c.name, max=c.max, width=max(8, min(16, len(c.name) + 2)))
                for c in workshop.scored_criteria]
    if rnd.method == "value_effort":
        value, effort = rules.value_effort_scales(rnd.settings)
        return [GridColumn("value", "Value", max=value[1]), GridColumn("effort", "Effort", max=effort[1])]
    if rnd.method == "ranking":
        return [GridColumn("position", "Position", kind="position", max=len(workshop.initiatives), width=10)]
    if rnd.method == "dots":
        return [GridColumn("dots", "Dots", max=_dots_cap(workshop, rnd))]
    return [GridColumn("moscow", "MoSCoW", kind="moscow", width=10)]


def _dots_cap(workshop: m.Workshop, rnd: m.Round) -> int:
    """The most dots on one initiative, as the rule book reads the round (default included)."""
    return rules.settings_of(workshop, rnd).max_per_initiative  # type: ignore[union-attr]


def room_columns(workshop: m.Workshop, rnd: m.Round) -> list[GridColumn]:
    kind = "moscow" if rnd.method == "moscow" else "number"
    cap = _dots_cap(workshop, rnd) if rnd.method == "dots" else None
    labels = short_names(workshop.participants)
    return [GridColumn(p.key, labels[p.key], kind=kind, max=cap, width=9) for p in workshop.participants]


def vote_text(method: str, vote: m.Vote | None, column: str = "") -> Text:
    """What one stored vote looks like in its cell."""
    if vote is None:
        return Text("")
    if method == "moscow":
        return Text(MOSCOW_TEXT.get(str(vote.value), str(vote.value)))
    if method == "value_effort":
        value = vote.effort if column == "effort" else vote.value
        return Text("" if value is None else display(value))
    if vote.value is None:
        return Text("")
    return Text(display(vote.value) if not isinstance(vote.value, str) else vote.value)
