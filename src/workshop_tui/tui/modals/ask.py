"""Ask for one short answer (e.g. the timer's minutes)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from workshop_tui.tui.safe import shown
from workshop_tui.tui.widgets.entry_box import EntryBox


class AskModal(ModalScreen[str | None]):
    DEFAULT_CSS = """
    AskModal { align: center middle; }
    AskModal #ask-box { width: 60; max-width: 100%; height: auto; border: thick $primary;
                        background: $surface; padding: 0 1; }
    AskModal #ask-hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]

    def __init__(self, question: str, value: str = "", *, hint: str = "Enter to confirm, Escape to cancel",
                 kind: str = "text") -> None:
        super().__init__()
        self.question, self.value, self.hint, self.kind = question, value, hint, kind

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-box"):
            yield Static(shown(self.question, style="bold"))
            yield EntryBox(self.value, type=self.kind, id="ask-input")
            yield Static(shown(self.hint), id="ask-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
