"""Pick one item from a short list (e.g. a participant)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from workshop_tui.tui.safe import shown


class PickModal(ModalScreen[str | None]):
    DEFAULT_CSS = """
    PickModal { align: center middle; }
    PickModal #pick-box { width: 60; max-width: 100%; height: auto; max-height: 90%;
                          border: thick $primary; background: $surface; padding: 0 1; }
    PickModal OptionList { height: auto; max-height: 16; }
    PickModal #pick-hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick.cancel")]

    def __init__(self, title: str, options: list[tuple[str, str]], *, hint: str = "Enter to choose, Escape to cancel") -> None:
        super().__init__()
        self.pick_title, self.options, self.hint = title, options, hint

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box"):
            yield Static(shown(self.pick_title, style="bold"))
            yield OptionList(*[Option(shown(label), id=key) for key, label in self.options], id="pick-list")
            yield Static(shown(self.hint), id="pick-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
