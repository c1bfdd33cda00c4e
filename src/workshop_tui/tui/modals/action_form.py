"""One action (a commitment): what, for which initiative, who owns it, how measured, by when."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from workshop_tui.domain import model as m
from workshop_tui.services import choices
from workshop_tui.services.choices import ChoiceError
from workshop_tui.tui.safe import from_box, in_box, shown
from workshop_tui.tui.widgets.entry_box import EntryBox


class ActionFormModal(ModalScreen[m.Action | None]):
    """Returns the action to save (not yet saved), or None."""

    DEFAULT_CSS = """
    ActionFormModal { align: center middle; }
    ActionFormModal #action-box { width: 80; max-width: 100%; height: auto; max-height: 100%;
                                  border: thick $primary; background: $surface; padding: 0 1; }
    ActionFormModal .row { height: auto; }
    ActionFormModal .row Label { width: 14; padding-top: 1; }
    ActionFormModal .row Input, ActionFormModal .row Select { width: 1fr; }
    ActionFormModal #action-hint { color: $text-muted; height: auto; }
    ActionFormModal #action-buttons { height: auto; align-horizontal: right; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="action.cancel"),
        Binding("ctrl+s", "save", "Save", id="action.save"),
    ]

    def __init__(self, initiatives: list[tuple[str, str]], action: m.Action | None = None,
                 initiative: str | None = None) -> None:
        super().__init__()
        self.initiatives = initiatives
        self.action = action
        self.initiative = action.initiative if action else initiative

    def compose(self) -> ComposeResult:
        a = self.action or m.Action(initiative=self.initiative, title="")
        with VerticalScroll(id="action-box"):
            yield Static(Text("Edit action" if self.action else "New action", style="bold"))
            with Horizontal(classes="row"):
                yield Label("Initiative")
                yield Select([(shown(t), k) for k, t in self.initiatives], value=a.initiative or Select.BLANK,
                             prompt="(none)", id="action-initiative")
            with Horizontal(classes="row"):
                yield Label("Action")
                yield EntryBox(in_box(a.title), placeholder="What will be done", id="action-title")
            with Horizontal(classes="row"):
                yield Label("Owner")
                yield EntryBox(in_box(a.owner), placeholder="One named person and role", id="action-owner")
            with Horizontal(classes="row"):
                yield Label("Measure")
                yield EntryBox(in_box(a.measure), placeholder="How we will know it worked", id="action-measure")
            with Horizontal(classes="row"):
                yield Label("Due")
                yield EntryBox(a.due.isoformat() if a.due else "", placeholder="YYYY-MM-DD", id="action-due")
            yield Static(Text("Good actions are tangible, measurable, outcome-focused, realistic, time-bound "
                              "and few. Ctrl+S saves; Escape cancels."), id="action-hint")
            with Horizontal(id="action-buttons"):
                yield Button("Cancel", id="action-cancel")
                yield Button("Save (Ctrl+S)", id="action-save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#action-title", Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "action-save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        stored = lambda name: getattr(self.action, name, "") if self.action else ""  # noqa: E731
        value = lambda name: from_box(self.query_one(f"#action-{name}", Input).value, stored(name)).strip()  # noqa: E731
        try:
            due = choices.parse_due(value("due"))
        except ChoiceError as exc:
            self.app.notify(str(exc), title="Not saved", severity="error", markup=False)
            self.query_one("#action-due", Input).focus()
            return
        if not value("title"):
            self.app.notify("An action needs a title: what will be done.", title="Not saved",
                            severity="error", markup=False)
            self.query_one("#action-title", Input).focus()
            return
        initiative = self.query_one("#action-initiative", Select).value
        self.dismiss(m.Action(key=self.action.key if self.action else "",
                              initiative=None if initiative is Select.BLANK else str(initiative),
                              title=value("title"), owner=value("owner"), measure=value("measure"), due=due))
