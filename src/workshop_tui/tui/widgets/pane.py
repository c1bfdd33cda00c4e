"""The base of every stage pane: how a stage gets its data and says it saved."""

from __future__ import annotations

from typing import ClassVar

from textual.containers import Vertical
from textual.message import Message

from workshop_tui.domain.model import Workshop


class StagePane(Vertical):
    """A stage of the workshop inside the session screen.

    Subclasses set STAGE, TITLE and HELP (plain language, shown by `?`) and
    implement ``load(workshop)`` to (re)draw from fresh domain values. They
    change data only through ``workshop_tui.services`` and call
    ``self.changed()`` after a service call returns (it has committed).
    """

    STAGE: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    HELP: ClassVar[str] = ""

    class Changed(Message):
        """Data in this session changed (already committed); panes reload."""

        def __init__(self, note: str = "") -> None:
            super().__init__()
            self.note = note

    def __init__(self, session_id: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session_id = session_id

    @property
    def db(self):
        return self.app.db

    def load(self, workshop: Workshop) -> None:
        """Draw this stage from ``workshop``; called whenever the pane is shown."""

    def changed(self, note: str = "Saved") -> None:
        self.post_message(self.Changed(note))

    def notify_saved(self, note: str = "Saved") -> None:
        self.app.notify(note, timeout=2)

    def fail(self, message: str) -> None:
        """Show a problem plainly; nothing was saved."""
        self.app.notify(message, title="Not saved", severity="error", timeout=6, markup=False)
