"""The round policy: which rounds count, which may be shown, and what of a round may be published.

One rule, one place. The TUI, the CLI, every exporter and the plan ask these
functions; nothing else decides whether a round's results, ballots or voted
list may be seen. Pure: no UI or storage.

- A *voting round* is one people vote in (gate assessments are not rounds).
- A *hidden* round shows nothing of its results until it is revealed.
- A *secret* round below its minimum group (default 3 ballots) shows neither
  its results nor its voted list: with one ballot the "result" is that ballot,
  with two each voter can subtract their own. At or above it a secret round
  publishes aggregates only, never an individual ballot.
- The plan is pinned to the round the facilitator chose (``SessionInfo.plan_round``);
  when none is chosen it follows the default round. A later reveal never moves it.

The json session file is the data, not a report: it stays lossless and does
not ask this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from workshop_tui.domain.model import Round, Workshop

MIN_GROUP_DEFAULT = 3  # secret rounds: fewer ballots than this and nothing is shown
MIN_GROUP_LOWEST = 2  # a group of one is no group


class RoundNotShown(LookupError):
    """A round was asked for whose results may not be shown; ``str()`` says why and what to do."""

    def __init__(self, round_key: str, message: str):
        super().__init__(message)
        self.round_key = round_key


@dataclass(frozen=True)
class Publication:
    """What of one round may appear outside the data file (screens, CLI, board packs, csv)."""

    results: bool  # the ranking, scores and agreement
    ballots: bool  # individual ballots / votes tables
    voted: bool  # who voted
    reason: str = ""  # when something is withheld: why, in the facilitator's words


def voting_rounds(workshop: Workshop) -> list[Round]:
    """The rounds people vote in, in order (gate assessments are kept apart, in ``gate_sheets``)."""
    return list(workshop.rounds)


def ballot_count(rnd: Round) -> int:
    return len({rnd.ballot_id(v) for v in rnd.votes})


def min_group(rnd: Round) -> int:
    return max(MIN_GROUP_LOWEST, int(rnd.min_group))


def _title(rnd: Round) -> str:
    return f"{rnd.title} ({rnd.key})" if rnd.title else f"round {rnd.key}"


def publication(rnd: Round) -> Publication:
    """What of ``rnd`` may be shown or published: the one decision every channel asks."""
    if rnd.hidden:
        return Publication(False, False, False,
                           f"The results of {_title(rnd)} are hidden until the round is revealed.")
    if rnd.anonymous:
        n, k = ballot_count(rnd), min_group(rnd)
        if n < k:
            return Publication(False, False, False,
                               f"{_title(rnd)} is a secret round with {n} ballot{'s' if n != 1 else ''}, fewer than "
                               f"its minimum group of {k}: its results and who voted are not shown, so no "
                               "ballot can be read back to a person.")
        return Publication(True, False, True, "Secret ballot: totals only, individual ballots are not published.")
    return Publication(True, True, True)


def is_shown(rnd: Round) -> bool:
    """May the round's results be shown?"""
    return publication(rnd).results


def shown_rounds(workshop: Workshop) -> list[Round]:
    """Voting rounds whose results may be shown, in order."""
    return [r for r in voting_rounds(workshop) if is_shown(r)]


def default_round(workshop: Workshop) -> str | None:
    """The round results open on: the latest shown voting round with votes, else None."""
    shown = [r.key for r in shown_rounds(workshop) if r.votes]
    return shown[-1] if shown else None


def previous_shown(workshop: Workshop, round_key: str) -> str | None:
    """The shown round with votes just before ``round_key`` (for "who moved")."""
    keys = [r.key for r in shown_rounds(workshop) if r.votes]
    if round_key not in keys:
        return None
    n = keys.index(round_key)
    return keys[n - 1] if n > 0 else None


def check_shown(workshop: Workshop, round_key: str) -> Round:
    """The round, if its results may be shown; otherwise ``RoundNotShown`` (or ``KeyError`` if no such round)."""
    rnd = next((r for r in voting_rounds(workshop) if r.key == round_key), None)
    if rnd is None:
        raise KeyError(round_key)
    pub = publication(rnd)
    if not pub.results:
        how = (f" Reveal it first (in the Voting stage, or `workshop-tui reveal SESSION {rnd.key}`)."
               if rnd.hidden else "")
        raise RoundNotShown(rnd.key, pub.reason + how)
    return rnd


def plan_round(workshop: Workshop) -> str | None:
    """The round the plan is made from.

    The facilitator's pinned choice when it may be shown; otherwise the default
    round. Revealing a later round does not change it: switching is the
    facilitator's decision (``later_rounds`` lists what could be offered).
    """
    pinned = workshop.session.plan_round
    if pinned:
        rnd = next((r for r in voting_rounds(workshop) if r.key == pinned), None)
        if rnd is not None and is_shown(rnd) and rnd.votes:
            return pinned
    return default_round(workshop)


def later_rounds(workshop: Workshop, round_key: str | None) -> list[str]:
    """Shown rounds with votes after ``round_key`` that the plan could switch to."""
    keys = [r.key for r in shown_rounds(workshop) if r.votes]
    if round_key is None or round_key not in keys:
        return keys
    return keys[keys.index(round_key) + 1:]
