"""`?`: plain-language help on the current stage."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from workshop_tui.tui.safe import shown


class HelpModal(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.help_title = title
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(shown(self.help_title, style="bold"), id="help-title")
            yield Static(shown(self.body), id="help-body")
            yield Button("Close", id="help-close", variant="primary")

    def on_button_pressed(self, _event) -> None:
        self.dismiss()
