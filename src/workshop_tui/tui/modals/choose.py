"""Pick one of a few options, each with a line of explanation."""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from workshop_tui.tui.safe import shown


class ChooseModal(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choose.cancel")]

    def __init__(self, title: str, options: Sequence[tuple[str, str, str]]) -> None:
        """``options``: (value, name, explanation)."""
        super().__init__()
        self.choose_title = title
        self.options = list(options)

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(shown(self.choose_title, style="bold"), classes="modal-title")
            yield OptionList(*[Option(Text.assemble((name, "bold"), "\n", (why, "dim")), id=value)
                               for value, name, why in self.options], id="choose-list")
            yield Static("Up/Down and Enter to choose, Escape to cancel.", classes="pane-note")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
