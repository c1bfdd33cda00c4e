"""Ready-made sets of exemplar criteria a facilitator can start from.

Pure data: the NHS "decide where to start" criteria (NHS Providers and Public
Digital, "Building a digital strategy", 2021), THET's nine Principles for
Digital Development, and an empty set. Applying one is a service's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from workshop_tui.domain.model import Criterion


@dataclass(frozen=True)
class CriteriaTemplate:
    key: str
    name: str
    summary: str
    criteria: tuple[Criterion, ...]


def _score(key: str, name: str, weight: Fraction | int, description: str) -> Criterion:
    return Criterion(key=key, name=name, kind="score", weight=Fraction(weight), min=Fraction(0),
                     max=Fraction(10), direction="benefit", description=description)


def _gate(key: str, name: str, description: str) -> Criterion:
    # A gate is pass/fail: weight and scale do not apply, so they are neutral.
    return Criterion(key=key, name=name, kind="gate", weight=Fraction(0), min=Fraction(0),
                     max=Fraction(1), direction="benefit", description=description)


NHS_WHERE_TO_START = CriteriaTemplate(
    key="nhs",
    name='NHS "decide where to start"',
    summary="Exemplar areas: two gates (no show-stoppers; a part of the organisation that wants "
            "to change) and four scored criteria of equal weight.",
    criteria=(
        _gate("no_showstopper", "No show-stoppers",
              "Nothing rules it out, such as insurmountable information-governance issues."),
        _gate("wants_change", "Part of the organisation wants to change",
              "It sits in a team or service that is asking for the change."),
        _score("consensus", "Builds consensus", 25,
               "Wide agreement that this is the right priority."),
        _score("value_6m", "Real value in under six months", 25,
               "Delivers something real quickly, to build momentum."),
        _score("learn", "We learn from it", 25,
               "Representative of the problems the strategy has to solve."),
        _score("impact", "Real impact on patients, clinicians and stakeholders", 25,
               "People outside the digital team will notice the difference."),
    ),
)

_PRINCIPLES = (
    ("user", "Design with the user"),
    ("ecosystem", "Understand the existing ecosystem"),
    ("scale", "Design for scale"),
    ("sustainability", "Build for sustainability"),
    ("data_driven", "Be data driven"),
    ("open", "Use open standards, open data, open source and open innovation"),
    ("reuse", "Reuse and improve"),
    ("privacy", "Address privacy and security"),
    ("collaborative", "Be collaborative"),
)

THET_PRINCIPLES = CriteriaTemplate(
    key="thet",
    name="THET: Principles for Digital Development",
    summary="The nine Principles for Digital Development as scored criteria of equal weight "
            "(exactly 100/9 each). Add a gate if a show-stopper must rule things out.",
    criteria=tuple(
        _score(key, name, Fraction(100, 9), "One of the nine Principles for Digital Development.")
        for key, name in _PRINCIPLES
    ),
)

EMPTY = CriteriaTemplate(
    key="empty",
    name="Start empty",
    summary="No criteria: add your own gates and scored criteria.",
    criteria=(),
)

TEMPLATES: tuple[CriteriaTemplate, ...] = (NHS_WHERE_TO_START, THET_PRINCIPLES, EMPTY)


def template(key: str) -> CriteriaTemplate:
    for item in TEMPLATES:
        if item.key == key:
            return item
    raise KeyError(key)
