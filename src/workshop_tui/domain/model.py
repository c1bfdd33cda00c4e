"""The workshop as plain, immutable Python values.

This is the vocabulary every layer shares: storage converts its rows to these,
the engine computes on them, exporters and the TUI present them. Nothing here
imports Textual, Rich, SQLModel or SQLAlchemy (a test enforces it).

Identity is the *key*: a short stable string chosen by whoever created the thing
(the session file's own identifiers). Names may repeat; keys may not.
Numbers that the methods compute on are ``Fraction`` so results are exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, Mapping, Union

PORTFOLIOS = ("maintain", "improve", "transform")
KINDS = ("core", "experiment")
DECIDED = ("in_flight", "committed", "contract", "mandated")
METHODS = ("dots", "matrix", "ranking", "value_effort", "moscow", "gates")
CHANNELS = ("facilitator", "private", "paper", "imported", "phone")
ROUND_STATUSES = ("draft", "open", "closed")
CRITERION_KINDS = ("score", "gate")
DIRECTIONS = ("benefit", "cost")
MOSCOW = ("must", "should", "could", "wont")
ROLES = (
    "clinical",
    "nursing",
    "operational",
    "executive",
    "technology",
    "information_governance",
    "finance",
    "patient_public",
    "partner",
    "other",
)
ROLE_LABELS = {
    "clinical": "Clinical",
    "nursing": "Nursing",
    "operational": "Operational / service management",
    "executive": "Executive",
    "technology": "Technology",
    "information_governance": "Information governance",
    "finance": "Finance",
    "patient_public": "Patient / public",
    "partner": "Partner organisation",
    "other": "Other",
}
DECIDED_LABELS = {
    "in_flight": "Programme in flight",
    "committed": "Funding committed",
    "contract": "Existing contract",
    "mandated": "Policy / regulatory mandate",
}
METHOD_LABELS = {
    "dots": "Dot voting",
    "matrix": "Weighted benefit matrix",
    "ranking": "Ranking",
    "value_effort": "Value / effort",
    "moscow": "MoSCoW",
    "gates": "Exemplar gates",
}
STAGES = (
    "setup",
    "participants",
    "initiatives",
    "criteria",
    "bandwidth",
    "voting",
    "results",
    "choices",
    "actions",
)

Portfolio = Literal["maintain", "improve", "transform"]
Kind = Literal["core", "experiment"]
Decided = Literal["in_flight", "committed", "contract", "mandated"]
Method = Literal["dots", "matrix", "ranking", "value_effort", "moscow", "gates"]
Channel = Literal["facilitator", "private", "paper", "imported", "phone"]
RoundStatus = Literal["draft", "open", "closed"]

# A ranking ballot: best first; an inner tuple is a group of equal rank.
RankingBallot = tuple[Union[str, tuple[str, ...]], ...]
# A vote's value: dots (int), a score (Fraction), a gate pass (bool), a MoSCoW word (str).
VoteValue = Union[int, Fraction, bool, str, None]


@dataclass(frozen=True)
class SessionInfo:
    title: str
    organisation: str = ""
    date: dt.date | None = None
    facilitator: str = ""
    mission: str = ""
    horizon_years: int | None = None
    bandwidth: int | None = None
    description: str = ""
    budget: Fraction | None = None  # optional money cap for the plan (same unit as cost)
    max_actions: int = 5
    stage: str = "setup"  # furthest/current stage reached in the TUI
    plan_round: str | None = None  # the round the plan is pinned to (None: the default round)


@dataclass(frozen=True)
class Participant:
    key: str
    name: str
    role: str = "other"
    site: str = ""  # set when sessions from several sites are merged


@dataclass(frozen=True)
class Initiative:
    key: str
    title: str
    description: str = ""
    owner: str = ""
    service_area: str = ""
    portfolio: str | None = None  # one of PORTFOLIOS
    kind: str | None = None  # one of KINDS
    effort: Fraction | None = None  # rough size, in the session's own unit (e.g. 1-5)
    cost: Fraction | None = None
    decided: str | None = None  # one of DECIDED: a decision already made
    depends_on: tuple[str, ...] = ()  # keys of prerequisite initiatives
    demands: Mapping[str, int] = field(default_factory=dict)  # bottleneck key -> demand


@dataclass(frozen=True)
class Bottleneck:
    key: str
    name: str
    capacity: int
    unit: str = ""


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    kind: str = "score"  # "score" or "gate"
    weight: Fraction = Fraction(1)
    min: Fraction = Fraction(0)
    max: Fraction = Fraction(10)
    direction: str = "benefit"  # "benefit" or "cost"
    description: str = ""


@dataclass(frozen=True, slots=True)  # slots: a large session holds 50,000 of these
class Vote:
    """One entry on a ballot.

    In a named round ``participant`` says whose it is. In an anonymous round
    ``participant`` is None and ``ballot`` groups the entries of one secret
    ballot (a random id that links to no person).
    """

    participant: str | None = None
    initiative: str | None = None
    criterion: str | None = None
    value: VoteValue = None
    effort: Fraction | None = None  # value_effort rounds only
    ranking: RankingBallot | None = None  # ranking rounds only
    channel: str = "facilitator"
    ballot: str | None = None
    note: str = ""  # gate votes: why it passed or failed


@dataclass(frozen=True)
class Round:
    key: str
    method: str
    title: str = ""
    settings: Mapping[str, object] = field(default_factory=dict)
    status: str = "open"
    anonymous: bool = False
    hidden: bool = False  # results hidden until revealed
    votes: tuple[Vote, ...] = ()
    voted: tuple[str, ...] = ()  # anonymous rounds: who has cast a ballot (not what)
    abstained: tuple[str, ...] = ()  # participants who chose not to vote
    min_group: int = 3  # secret rounds: fewer ballots and results / voted list are not shown (domain.rounds)

    def ballot_id(self, vote: Vote) -> str:
        """The identity of the ballot a vote belongs to."""
        return vote.ballot or vote.participant or ""


@dataclass(frozen=True)
class GateAssessment:
    """Whether one initiative passes one gate criterion, and why (not a vote: no round, no ballot)."""

    initiative: str
    criterion: str
    passed: bool
    note: str = ""
    participant: str | None = None  # who assessed it, when a file names them
    channel: str = "facilitator"


@dataclass(frozen=True)
class GateSheet:
    """One set of gate assessments: the facilitator's own (key ``gates``) or one a file brought.

    ``position`` is where the session file lists it among its rounds (a file keeps
    gate assessments as a "gates" round), so an exported file reads as it came in.
    """

    key: str
    title: str = ""
    status: str = "closed"
    position: int = 0
    assessments: tuple[GateAssessment, ...] = ()


@dataclass(frozen=True)
class Decision:
    """A facilitator's override of the arithmetic, with the reason recorded."""

    initiative: str
    outcome: str  # "include" (will do) or "exclude" (won't do)
    rationale: str
    round: str | None = None
    kind: str = ""  # one of OVERRIDE_KINDS; "" reads as the outcome's usual kind (files before the kinds)
    # When it was recorded (UTC, to the second); None for decisions recorded before the app kept the time.
    decided_at: dt.datetime | None = None

    @property
    def effective_kind(self) -> str:
        return self.kind or ("rule_out" if self.outcome == "exclude" else "within")


# How an override acts on the plan. "within" takes a slot inside the bandwidth
# (and can push something out); "stretch" is one slot above the bandwidth, said
# so in the plan; "rule_out" keeps the initiative out.
OVERRIDE_KINDS = ("within", "stretch", "rule_out")
OVERRIDE_KIND_OUTCOME = {"within": "include", "stretch": "include", "rule_out": "exclude"}
OVERRIDE_KIND_LABELS = {
    "within": "include within the bandwidth",
    "stretch": "include above the bandwidth",
    "rule_out": "rule out",
}


@dataclass(frozen=True)
class Action:
    initiative: str | None
    title: str
    owner: str = ""
    measure: str = ""
    due: dt.date | None = None
    key: str = ""


@dataclass(frozen=True)
class SessionSummary:
    """One line of the sessions list."""

    id: int
    title: str
    organisation: str
    date: dt.date | None
    stage: str
    initiatives: int
    participants: int
    rounds: int
    updated_at: dt.datetime | None = None
    source: str = ""


@dataclass(frozen=True)
class Workshop:
    """A whole session: everything the engine and the exporters need."""

    session: SessionInfo
    participants: tuple[Participant, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    bottlenecks: tuple[Bottleneck, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    rounds: tuple[Round, ...] = ()  # voting rounds only: gate assessments are in gate_sheets
    decisions: tuple[Decision, ...] = ()
    actions: tuple[Action, ...] = ()
    gate_sheets: tuple[GateSheet, ...] = ()

    def initiative(self, key: str) -> Initiative:
        for item in self.initiatives:
            if item.key == key:
                return item
        raise KeyError(key)

    def round(self, key: str) -> Round:
        for rnd in self.rounds:
            if rnd.key == key:
                return rnd
        raise KeyError(key)

    @property
    def gates(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.kind == "gate")

    @property
    def scored_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.kind == "score")
