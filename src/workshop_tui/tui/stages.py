"""The workshop's stages in order, and the pane that presents each one.

Panes are imported when a session is opened, not at start-up.
"""

from __future__ import annotations

from importlib import import_module

# (stage, label, "module:Class")
STAGE_PANES: list[tuple[str, str, str]] = [
    ("setup", "Setup", "workshop_tui.tui.panes.setup:SetupPane"),
    ("participants", "Participants", "workshop_tui.tui.panes.participants:ParticipantsPane"),
    ("initiatives", "Initiatives", "workshop_tui.tui.panes.initiatives:InitiativesPane"),
    ("criteria", "Criteria", "workshop_tui.tui.panes.criteria:CriteriaPane"),
    ("bandwidth", "Bandwidth", "workshop_tui.tui.panes.bandwidth:BandwidthPane"),
    ("voting", "Voting", "workshop_tui.tui.panes.voting:VotingPane"),
    ("results", "Results", "workshop_tui.tui.panes.results:ResultsPane"),
    ("choices", "Choices", "workshop_tui.tui.panes.choices:ChoicesPane"),
    ("actions", "Actions", "workshop_tui.tui.panes.actions:ActionsPane"),
]

LABELS = {stage: label for stage, label, _ in STAGE_PANES}


def pane_class(stage: str):
    for name, _label, target in STAGE_PANES:
        if name == stage:
            module, cls = target.split(":")
            return getattr(import_module(module), cls)
    raise KeyError(stage)
