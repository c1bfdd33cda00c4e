"""What is wrong with a ballot or a setting, in a machine-readable form."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BallotProblem:
    """One reason a whole ballot was rejected (§0: list all reasons).

    ``rule`` is a stable lowercase code (e.g. ``over_budget``); ``item`` the
    initiative (or criterion) concerned, if any; ``value`` what was entered;
    ``limit`` the bound it broke; ``message`` a sentence for people that names
    the initiative and criterion by their titles. ``criterion`` is the
    criterion's key, ``entry`` the position of the offending vote in the list
    that was judged and ``field`` which of its fields broke the rule, so a
    caller can add its own place (a JSON path, a spreadsheet row).
    """

    rule: str
    item: str | None
    value: object
    limit: object
    message: str
    criterion: str | None = field(default=None, compare=False)
    entry: int | None = field(default=None, compare=False)
    field: str = field(default="value", compare=False)


class SettingsError(ValueError):
    """A round's settings cannot be used (e.g. a dot budget below 1)."""
