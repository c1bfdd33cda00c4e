"""The base of every stage pane: how a stage gets its data and says it saved."""

from __future__ import annotations

from typing import ClassVar

from textual.containers import ScrollableContainer, Vertical
from textual.message import Message

from workshop_tui.domain.model import Workshop
from workshop_tui.textsafe import for_terminal


class StagePane(Vertical):
    """A stage of the workshop inside the session screen.

    Subclasses set STAGE, TITLE and HELP (plain language, shown by `?`) and
    implement ``load(workshop)`` to (re)draw from fresh domain values. They
    change data only through ``workshop_tui.services`` and call
    ``self.changed()`` after a service call returns (it has committed). The call runs
    off the UI thread through ``self.write(job, done)``.
    A pane that has already updated itself in place (one cell of a grid)
    calls ``self.changed(reload=False)`` so the whole workshop is not re-read, naming the
    rounds it changed (``rounds=``) when that is all it changed: then only those are read
    again when another stage is shown.
    """

    STAGE: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    HELP: ClassVar[str] = ""

    class Changed(Message):
        """Data in this session changed (already committed); panes reload."""

        def __init__(self, note: str = "", reload: bool = True, rounds: tuple[str, ...] = ()) -> None:
            super().__init__()
            self.note = note
            self.reload = reload
            # With reload=False: the only rounds whose data changed (votes typed on the grid);
            # the screen reads just those again when another stage is shown. Empty: anything.
            self.rounds = rounds

    def __init__(self, session_id: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session_id = session_id

    @property
    def db(self):
        return self.app.db

    def load(self, workshop: Workshop) -> None:
        """Draw this stage from ``workshop``; called whenever the pane is shown."""

    def focus_first(self) -> None:
        """On arrival, focus the stage's first focusable widget that does not take
        typing, so its keys show in the footer and the number keys still change
        stage (a key never means two things). Text boxes and lists that open are
        skipped; with nothing else (Setup), nothing has the focus and Tab goes to
        the first box.

        A scrolling container is skipped when something inside it can take the
        focus.
        """
        from textual.widgets import Input, Select, TextArea

        for widget in self.query("*"):
            if not (widget.focusable and widget.display and widget.visible):
                continue
            if isinstance(widget, (Input, TextArea, Select)) or any(
                    isinstance(a, Select) for a in widget.ancestors):
                continue
            if isinstance(widget, ScrollableContainer) and any(
                    child.focusable and child.display for child in widget.query("*")):
                continue
            widget.focus()
            return
        self.screen.set_focus(None)

    def still_shown(self, event=None) -> bool:
        """For a handler of a table's "selected" message, which arrives a moment after the
        Enter that caused it: stops ``event`` and says whether this stage is still the screen
        in front. An Escape typed in that moment has already left the session, and a dialog
        opened now would sit on the sessions list with no session under it."""
        if event is not None:
            event.stop()
        return self.is_attached and self.screen.is_active

    def write(self, job, done=None, *, failed=None) -> None:
        """Commit ``job`` (a service call) in the app's writer thread, never on the UI thread;
        ``done(result)`` runs here once it has committed, ``failed(message, exc)`` (by default the
        "Not saved" message) when the rules or the database refused it (tui/writes.py)."""
        from workshop_tui.tui.writes import write

        write(self, job, done, failed=failed or (lambda problem, _exc: self.fail(problem)))

    def changed(self, note: str = "Saved", *, reload: bool = True, rounds: tuple[str, ...] = ()) -> None:
        self.post_message(self.Changed(note, reload, rounds))

    def notify_saved(self, note: str = "Saved") -> None:
        # Notes quote names and titles: user text, shown inert.
        self.app.notify(for_terminal(note), timeout=2, markup=False)

    def fail(self, message: str) -> None:
        """Show a problem plainly; nothing was saved."""
        self.app.notify(for_terminal(message), title="Not saved", severity="error", timeout=6, markup=False)
