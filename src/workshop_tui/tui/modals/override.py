"""The facilitator overrules the arithmetic for one initiative; the reason is required."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from workshop_tui.tui.safe import from_box, in_box, shown
from workshop_tui.tui.widgets.entry_box import EntryBox


class OverrideModal(ModalScreen[str | None]):
    """Returns the rationale typed, or None when cancelled."""

    DEFAULT_CSS = """
    OverrideModal { align: center middle; }
    OverrideModal #override-box { width: 76; max-width: 100%; height: auto; border: thick $warning;
                                  background: $surface; padding: 0 1; }
    OverrideModal #override-hint { color: $text-muted; }
    OverrideModal #override-effect { color: $warning; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="override.cancel")]

    VERBS = {"within": "We WILL do, within the bandwidth", "include": "We WILL do, within the bandwidth",
             "stretch": "We WILL do, above the bandwidth (a stretch item)",
             "rule_out": "We will NOT do", "exclude": "We will NOT do"}

    def __init__(self, title: str, outcome: str, current: str = "", preview: str = "") -> None:
        super().__init__()
        self.item_title, self.outcome, self.current, self.preview = title, outcome, current, preview

    def compose(self) -> ComposeResult:
        verb = self.VERBS.get(self.outcome, self.outcome)
        with Vertical(id="override-box"):
            yield Static(Text.assemble((f"{verb}: ", "bold"), shown(self.item_title)))
            if self.preview:
                yield Static(shown("Effect on the plan: " + self.preview), id="override-effect")
            yield Static(Text("Why? The reason is recorded with the decision and shown in the plan and the export."))
            yield EntryBox(in_box(self.current), placeholder="The reason, in a sentence the board will understand",
                        id="override-rationale")
            yield Static(Text("Enter to record, Escape to cancel"), id="override-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.app.notify("Type the reason first: an override without a reason is not recorded.",
                            severity="warning", markup=False)
            return
        self.dismiss(from_box(event.value, self.current).strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
