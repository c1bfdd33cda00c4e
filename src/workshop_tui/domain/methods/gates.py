"""Exemplar gates: show-stoppers that rule an initiative out (DOMAIN.md stage 3).

An initiative fails a gate criterion if any recorded assessment of it is
false; an unassessed gate is not a failure (nobody raised a show-stopper).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from workshop_tui.domain.model import Workshop


@dataclass(frozen=True)
class GateCell:
    passes: int
    fails: int
    notes: tuple[str, ...]  # notes on the failing assessments, first-recorded first

    @property
    def outcome(self) -> str:
        if self.fails:
            return "fail"
        return "pass" if self.passes else "unassessed"


def gate_table(assessments: Iterable[tuple[str, str, bool | None, str]]) -> dict[str, dict[str, GateCell]]:
    """(initiative, gate, passed, note) rows → initiative → gate → cell."""
    counts: dict[str, dict[str, list]] = {}
    for item, crit, passed, note in assessments:
        if passed is None:
            continue
        cell = counts.setdefault(item, {}).setdefault(crit, [0, 0, []])
        if passed:
            cell[0] += 1
        else:
            cell[1] += 1
            if note and note not in cell[2]:
                cell[2].append(note)
    return {i: {c: GateCell(v[0], v[1], tuple(v[2])) for c, v in row.items()} for i, row in counts.items()}


def failures(table: Mapping[str, Mapping[str, GateCell]], gate_order: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """initiative → [(gate, note)] for every failed gate, in the gates' declared order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for item in sorted(table):
        row = table[item]
        failed = [(g, "; ".join(row[g].notes)) for g in gate_order if g in row and row[g].fails]
        if failed:
            out[item] = failed
    return out


@dataclass(frozen=True)
class GateMark:
    passed: bool
    note: str = ""


def gate_marks(workshop: Workshop, round_key: str = "gates") -> dict[tuple[str, str], GateMark]:
    """(initiative, gate) → its verdict.

    The facilitator's record (the round keyed ``round_key``) decides a cell it
    has; otherwise other gates rounds count, where any failing assessment
    fails the gate (a single show-stopper is enough).
    """
    marks: dict[tuple[str, str], GateMark] = {}
    own: dict[tuple[str, str], GateMark] = {}
    for rnd in workshop.rounds:
        if rnd.method != "gates":
            continue
        for vote in rnd.votes:
            if not (vote.initiative and vote.criterion and isinstance(vote.value, bool)):
                continue
            cell = (vote.initiative, vote.criterion)
            if rnd.key == round_key:
                own[cell] = GateMark(vote.value, vote.note)
            elif cell not in marks or (marks[cell].passed and not vote.value):
                marks[cell] = GateMark(vote.value, vote.note)
    marks.update(own)
    return marks


