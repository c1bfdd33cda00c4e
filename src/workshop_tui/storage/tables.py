"""The database tables: one SQLModel class per table, and nothing else.

Rows never leave the storage package: repositories convert them to the plain
domain values in ``workshop_tui.domain.model``.

Portability: only types that mean the same on SQLite and PostgreSQL. Exact
numbers (weights, scores, effort, cost) are stored as text in Fraction form
("15/2") so nothing is lost to floating point; JSON payloads are text too.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Column, ForeignKey, Integer, BigInteger, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


# On SQLite only a column declared exactly INTEGER PRIMARY KEY is the rowid, so
# ids we choose (random ones for secret ballots) decide the physical row order.
ROW_ID = BigInteger().with_variant(Integer(), "sqlite")


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


class SessionRow(SQLModel, table=True):
    __tablename__ = "session"

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(sa_column=Column(Text, nullable=False))
    organisation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    date: Optional[dt.date] = None
    facilitator: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    mission: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    horizon_years: Optional[int] = None
    bandwidth: Optional[int] = None
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    budget: Optional[str] = None
    max_actions: int = 5
    stage: str = "setup"
    source: str = ""  # e.g. "sample:calderdale" so the demo loader is idempotent
    plan_round: Optional[str] = None  # the round key the plan is pinned to (None: the default round)
    created_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    updated_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))


class ParticipantRow(SQLModel, table=True):
    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_fk("session.id"))
    key: str
    name: str = Field(sa_column=Column(Text, nullable=False))
    role: str = "other"
    site: str = ""
    position: int = 0


class InitiativeRow(SQLModel, table=True):
    __tablename__ = "initiative"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_fk("session.id"))
    key: str
    title: str = Field(sa_column=Column(Text, nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    owner: str = ""
    service_area: str = ""
    portfolio: Optional[str] = None
    kind: Optional[str] = None
    effort: Optional[str] = None
    cost: Optional[str] = None
    decided: Optional[str] = None
    position: int = 0


class DependencyRow(SQLModel, table=True):
    """Initiative ``initiative_id`` needs ``depends_on_id`` first."""

    __tablename__ = "dependency"

    initiative_id: int = Field(
        sa_column=Column(Integer, ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True)
    )
    depends_on_id: int = Field(
        sa_column=Column(Integer, ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True)
    )
    position: int = 0


class BottleneckRow(SQLModel, table=True):
    __tablename__ = "bottleneck"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_fk("session.id"))
    key: str
    name: str = Field(sa_column=Column(Text, nullable=False))
    capacity: int = 0
    unit: str = ""
    position: int = 0


class DemandRow(SQLModel, table=True):
    """How much of a bottleneck one initiative would draw on."""

    __tablename__ = "demand"

    initiative_id: int = Field(
        sa_column=Column(Integer, ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True)
    )
    bottleneck_id: int = Field(
        sa_column=Column(Integer, ForeignKey("bottleneck.id", ondelete="CASCADE"), primary_key=True)
    )
    amount: int = 0


class CriterionRow(SQLModel, table=True):
    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_fk("session.id"))
    key: str
    name: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = "score"  # score | gate
    weight: str = "1"
    scale_min: str = "0"
    scale_max: str = "10"
    direction: str = "benefit"
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    position: int = 0


class RoundRow(SQLModel, table=True):
    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_fk("session.id"))
    key: str
    title: str = ""
    method: str
    settings: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))  # JSON
    status: str = "open"  # draft | open | closed
    anonymous: bool = False
    hidden: bool = False  # results hidden until revealed
    min_group: int = 3  # secret rounds: fewer ballots and nothing but the count is shown
    position: int = 0


class VoteRow(SQLModel, table=True):
    """One entry on a ballot.

    Secret ballots: ``participant_id`` is NULL, ``ballot`` is a random id, the
    row id is random (so row order links to nobody) and ``created_at`` is NULL.
    """

    __tablename__ = "vote"

    id: Optional[int] = Field(default=None, sa_column=Column(ROW_ID, primary_key=True, autoincrement=False))
    round_id: int = Field(sa_column=_fk("round.id"))
    participant_id: Optional[int] = Field(default=None, sa_column=_fk("participant.id", nullable=True))
    ballot: Optional[str] = Field(default=None, index=True)
    initiative_id: Optional[int] = Field(default=None, sa_column=_fk("initiative.id", nullable=True))
    criterion_id: Optional[int] = Field(default=None, sa_column=_fk("criterion.id", nullable=True))
    value: Optional[str] = None  # JSON scalar: int, "p/q" fraction string, bool or word
    effort: Optional[str] = None
    ranking: Optional[str] = None  # JSON list of initiative keys / groups
    channel: str = "facilitator"
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: Optional[dt.datetime] = None


class RankingPlaceRow(SQLModel, table=True):
    """Which initiatives one ranking ballot names, and at which place.

    The ballot's shape (groups of equal rank) stays in ``vote.ranking``; these
    rows are its references, so an initiative that a ballot still names cannot
    be deleted (the foreign key has no ON DELETE action: the database refuses)
    until the ballot is rewritten without it (``remove_from_rankings``). A
    ballot is found by its round and its participant (named) or ballot id
    (secret); secret rows get random ids like the votes they index.
    """

    __tablename__ = "ranking_place"

    id: Optional[int] = Field(default=None, sa_column=Column(ROW_ID, primary_key=True, autoincrement=False))
    round_id: int = Field(sa_column=_fk("round.id"))
    participant_id: Optional[int] = Field(default=None, sa_column=_fk("participant.id", nullable=True))
    ballot: Optional[str] = Field(default=None, index=True)
    initiative_id: int = Field(sa_column=Column(Integer, ForeignKey("initiative.id"), nullable=False, index=True))
    place: int = 1  # 1 = best; equal places are a tie


class RoundVoterRow(SQLModel, table=True):
    """Who has voted (or abstained) in a round, never what they voted."""

    __tablename__ = "round_voter"
    __table_args__ = (UniqueConstraint("round_id", "participant_id"),)

    id: Optional[int] = Field(default=None, sa_column=Column(ROW_ID, primary_key=True, autoincrement=False))
    round_id: int = Field(sa_column=_fk("round.id"))
    participant_id: int = Field(sa_column=_fk("participant.id"))
    status: str = "voted"  # voted | abstained


class GateSheetRow(SQLModel, table=True):
    """One set of gate assessments (the facilitator's own is keyed "gates")."""

    __tablename__ = "gate_sheet"
    __table_args__ = (UniqueConstraint("session_id", "key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_fk("session.id"))
    key: str
    title: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = "closed"
    position: int = 0  # its place among the session file's rounds, so exports read as imported


class GateAssessmentRow(SQLModel, table=True):
    """Whether one initiative passes one gate criterion, and why. Not a vote."""

    __tablename__ = "gate_assessment"

    id: Optional[int] = Field(default=None, primary_key=True)
    sheet_id: int = Field(sa_column=_fk("gate_sheet.id"))
    initiative_id: int = Field(sa_column=_fk("initiative.id"))
    criterion_id: int = Field(sa_column=_fk("criterion.id"))
    participant_id: Optional[int] = Field(default=None, sa_column=_fk("participant.id", nullable=True))
    passed: bool
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    channel: str = "facilitator"


class DecisionRow(SQLModel, table=True):
    """A facilitator's override of the arithmetic, with its rationale."""

    __tablename__ = "decision"

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_fk("session.id"))
    initiative_id: int = Field(sa_column=_fk("initiative.id"))
    outcome: str  # include | exclude
    rationale: str = Field(sa_column=Column(Text, nullable=False))
    round_key: Optional[str] = None
    position: int = 0
    # within | stretch | rule_out (domain.model.OVERRIDE_KINDS); migration 0002 fills old rows from outcome
    kind: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # When the facilitator recorded it (UTC); NULL for rows from before migration 0003 (not known).
    decided_at: Optional[dt.datetime] = None


class ActionRow(SQLModel, table=True):
    __tablename__ = "action"

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_fk("session.id"))
    key: str = ""
    initiative_id: Optional[int] = Field(default=None, sa_column=_fk("initiative.id", nullable=True, ondelete="SET NULL"))
    title: str = Field(sa_column=Column(Text, nullable=False))
    owner: str = ""
    measure: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    due: Optional[dt.date] = None
    position: int = 0


class AuditRow(SQLModel, table=True):
    """What changed, when: one row per user action. Secret ballots are logged
    without saying who cast them."""

    __tablename__ = "audit_log"

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: Optional[int] = Field(default=None, sa_column=_fk("session.id", nullable=True, ondelete="SET NULL"))
    at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    action: str
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))  # JSON


class MetaRow(SQLModel, table=True):
    """Marks the database as workshop-tui's (checked before anything is written)."""

    __tablename__ = "workshop_meta"

    name: str = Field(primary_key=True)
    value: str = ""


class PhoneCodeRow(SQLModel, table=True):
    """A code that lets a phone cast a ballot (issue 14; docs/phones.md).

    ``kind`` "named": one participant's personal code; "slip": a printed one-time
    slip, tied to nobody. Only a hash of the code is kept (``code_hash``), never
    the code. Ids are random, so row order says nothing about who got which code.
    """

    __tablename__ = "phone_code"
    __table_args__ = (UniqueConstraint("session_id", "code_hash"),)

    id: Optional[int] = Field(default=None, sa_column=Column(ROW_ID, primary_key=True, autoincrement=False))
    session_id: int = Field(sa_column=_fk("session.id"))
    kind: str = "slip"  # named | slip
    participant_id: Optional[int] = Field(default=None, sa_column=_fk("participant.id", nullable=True))
    code_hash: str


class PhoneVotedRow(SQLModel, table=True):
    """That a device or a slip has cast its one ballot in a round, never which ballot.

    ``voter_key`` is a hash of the device token (or the slip's code) with the round,
    so one device's rows in two rounds cannot be linked and nothing names a person.
    UNIQUE per round: the database itself refuses a second ballot.
    """

    __tablename__ = "phone_voted"
    __table_args__ = (UniqueConstraint("round_id", "voter_key"),)

    id: Optional[int] = Field(default=None, sa_column=Column(ROW_ID, primary_key=True, autoincrement=False))
    round_id: int = Field(sa_column=_fk("round.id"))
    voter_key: str
