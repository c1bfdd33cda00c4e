"""The rule book: each method's settings and what makes a vote valid.

One entry point for every channel (session-file import, the facilitator's
grid, private ballots, paper cards, merging, the count):

- ``parse_settings(method, stored_dict, n_items)`` -> typed settings, defaults
  from one place (``settings.py``); ``settings_problems`` lists what is wrong.
- ``judge_cell(settings, context, initiative, criterion, value, ...)`` for a
  value typed live; ``judge_ballot(settings, context, votes)`` for a whole
  ballot; ``judge_round(settings, context, votes)`` for every ballot of a round.
- ``context_of(workshop, round)`` builds the ``Context`` (titles, criteria).
"""

from workshop_tui.domain.rules.judge import (
    BallotVerdict,
    CellVerdict,
    Context,
    JudgedBallot,
    ballot_id,
    context_of,
    judge_ballot,
    judge_cell,
    judge_round,
    moscow_word,
    number,
    settings_of,
    show,
)
from workshop_tui.domain.rules.settings import (
    DEFAULT_SCALE,
    DotsSettings,
    GatesSettings,
    MatrixSettings,
    MoscowSettings,
    RankingSettings,
    Settings,
    ValueEffortSettings,
    default_budget,
    parse_settings,
    settings_problems,
    value_effort_scales,
    written_out,
)

__all__ = [
    "BallotVerdict", "CellVerdict", "Context", "DEFAULT_SCALE", "DotsSettings", "GatesSettings", "JudgedBallot",
    "MatrixSettings", "MoscowSettings", "RankingSettings", "Settings", "ValueEffortSettings", "ballot_id",
    "context_of", "default_budget", "judge_ballot", "judge_cell", "judge_round", "moscow_word", "number",
    "parse_settings", "settings_of", "settings_problems", "show", "value_effort_scales", "written_out",
]
