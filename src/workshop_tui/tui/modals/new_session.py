"""`n` on the home screen: a new session needs a title; organisation and date help."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from workshop_tui.domain.model import SessionInfo
from workshop_tui.tui.safe import shown
from workshop_tui.tui.widgets.entry_box import EntryBox


class NewSessionModal(ModalScreen[SessionInfo | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="new.cancel")]

    def __init__(self, today: dt.date | None = None) -> None:
        super().__init__()
        self.today = today or dt.date.today()

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(Text("New workshop session", style="bold"), classes="modal-title")
            yield Label("Title (what the room will see)")
            yield EntryBox(placeholder="e.g. Digital strategy: where to start", id="new-title")
            yield Label("Organisation")
            yield EntryBox(placeholder="e.g. Calder Valley NHS Foundation Trust", id="new-organisation")
            yield Label("Date (year-month-day)")
            yield EntryBox(self.today.isoformat(), id="new-date")
            yield Static("", id="new-error", classes="field-error")
            with Horizontal(classes="modal-buttons"):
                yield Button("Create", id="new-create", variant="primary")
                yield Button("Cancel", id="new-cancel")

    def on_mount(self) -> None:
        self.query_one("#new-title", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter moves down the form; on the last box it creates the session.
        if event.input.id == "new-date":
            self._create()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "new-create":
            self._create()
        else:
            self.dismiss(None)

    def _create(self) -> None:
        from workshop_tui.services.editing import EditError, parse_date

        title = self.query_one("#new-title", Input).value.strip()
        error = self.query_one("#new-error", Static)
        if not title:
            error.update("The session needs a title.")
            self.query_one("#new-title", Input).focus()
            return
        try:
            date = parse_date(self.query_one("#new-date", Input).value)
        except EditError as exc:
            error.update(shown(str(exc)))
            self.query_one("#new-date", Input).focus()
            return
        organisation = self.query_one("#new-organisation", Input).value.strip()
        self.dismiss(SessionInfo(title=title, organisation=organisation, date=date))

    def action_cancel(self) -> None:
        self.dismiss(None)
