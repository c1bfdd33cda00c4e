"""What is wrong with a ballot or a setting, in a machine-readable form."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BallotProblem:
    """One reason a whole ballot was rejected (§0: list all reasons).

    ``rule`` is a stable lowercase code (e.g. ``over_budget``); ``item`` the
    initiative (or criterion) concerned, if any; ``value`` what was entered;
    ``limit`` the bound it broke; ``message`` a sentence for people.
    """

    rule: str
    item: str | None
    value: object
    limit: object
    message: str


class SettingsError(ValueError):
    """A round's settings cannot be used (e.g. a dot budget below 1)."""
