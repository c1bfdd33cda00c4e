"""New voting round: the method, its settings (defaults filled in), secret or named."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from workshop_tui.domain.model import METHOD_LABELS
from workshop_tui.domain.rounds import MIN_GROUP_DEFAULT, MIN_GROUP_LOWEST
from workshop_tui.services.voting import VOTING_METHODS, default_settings
from workshop_tui.tui.widgets.entry_box import EntryBox

METHOD_HINTS = {
    "dots": "Each person places a budget of dots on the initiatives they favour.",
    "matrix": "Each person scores each initiative on the scored criteria (weights from the Criteria stage).",
    "ranking": "Each person puts the initiatives in order; equal positions are a tie.",
    "value_effort": "Each person scores value and effort; the result is a 2x2 of quick wins and big bets.",
    "moscow": "Each person marks each initiative Must, Should, Could or Won't.",
}
CHOICES = {
    "rule": [("Schulze (fairest for rankings)", "schulze"), ("Borda count", "borda"), ("Copeland", "copeland")],
    "aggregate": [("Mean", "mean"), ("Median", "median"), ("Trimmed mean", "trimmed_mean")],
    "thresholds": [("Middle of the scale", "midpoint"), ("Median of the initiatives", "median")],
}


class RoundFormModal(ModalScreen[dict | None]):
    """Returns {"method", "title", "settings", "anonymous", "hidden", "min_group"} or None."""

    DEFAULT_CSS = """
    RoundFormModal { align: center middle; }
    RoundFormModal #round-box {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    RoundFormModal .row { height: auto; }
    RoundFormModal .row Label { width: 22; padding-top: 1; }
    RoundFormModal .row Input, RoundFormModal .row Select { width: 1fr; }
    RoundFormModal #round-hint, RoundFormModal #round-min-group-hint { color: $text-muted; height: auto; }
    /* Docked: the buttons stay in view at 80x24 while the fields above them scroll. */
    RoundFormModal #round-buttons { height: auto; align-horizontal: right; dock: bottom; background: $surface; }
    RoundFormModal .hidden { display: none; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="round.cancel"),
        Binding("ctrl+s", "save", "Create round", id="round.save"),
    ]

    def __init__(self, n_initiatives: int) -> None:
        super().__init__()
        self.n_initiatives = n_initiatives

    def compose(self) -> ComposeResult:
        dots = default_settings("dots", self.n_initiatives)
        with VerticalScroll(id="round-box"):
            yield Static(Text("New voting round", style="bold"))
            with Horizontal(classes="row"):
                yield Label("Method")
                yield Select([(METHOD_LABELS[x], x) for x in VOTING_METHODS], value="dots", allow_blank=False,
                             id="round-method")
            yield Static(Text(METHOD_HINTS["dots"]), id="round-hint")
            with Horizontal(classes="row"):
                yield Label("Title (optional)")
                yield EntryBox(placeholder="e.g. First dot vote", id="round-title")
            with Horizontal(classes="row method-dots"):
                yield Label("Dots per person")
                yield EntryBox(str(dots["budget"]), type="integer", id="round-budget")
            with Horizontal(classes="row method-dots"):
                yield Label("Max on one initiative")
                yield EntryBox(str(dots["max_per_initiative"]), type="integer", id="round-cap")
            with Horizontal(classes="row method-dots"):
                yield Label("")
                yield Checkbox("Everyone must place all their dots", id="round-spend-all")
            with Horizontal(classes="row method-ranking hidden"):
                yield Label("Counting rule")
                yield Select(CHOICES["rule"], value="schulze", allow_blank=False, id="round-rule")
            with Horizontal(classes="row method-matrix hidden"):
                yield Label("Combine scores by")
                yield Select(CHOICES["aggregate"], value="mean", allow_blank=False, id="round-aggregate")
            with Horizontal(classes="row method-value_effort hidden"):
                yield Label("Quadrant lines at")
                yield Select(CHOICES["thresholds"], value="midpoint", allow_blank=False, id="round-thresholds")
            yield Checkbox("Secret ballot (votes cast privately on the laptop, linked to nobody)", id="round-anonymous")
            with Vertical(classes="row secret-only hidden"):
                with Horizontal(classes="row"):
                    yield Label("Minimum group")
                    yield EntryBox(str(MIN_GROUP_DEFAULT), type="integer", id="round-min-group")
                yield Static(Text("With fewer secret ballots than this, no screen or report shows the round's "
                                  "results or who voted, so no ballot can be read back to a person."),
                             id="round-min-group-hint")
            yield Checkbox("Hide the results until I reveal them", value=True, id="round-hidden")
            with Horizontal(id="round-buttons"):
                yield Button("Cancel", id="round-cancel")
                yield Button("Create round (Ctrl+S)", id="round-create", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#round-method", Select).focus()

    @property
    def method(self) -> str:
        return str(self.query_one("#round-method", Select).value)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "round-method":
            return
        for method in VOTING_METHODS:
            for row in self.query(f".method-{method}"):
                row.set_class(method != self.method, "hidden")
        self.query_one("#round-hint", Static).update(Text(METHOD_HINTS[self.method]))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "round-anonymous":
            for row in self.query(".secret-only"):
                row.set_class(not event.value, "hidden")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "round-create":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        method = self.method
        settings: dict[str, object] = {}
        if method == "dots":
            budget = self.query_one("#round-budget", Input).value.strip()
            cap = self.query_one("#round-cap", Input).value.strip()
            if not budget.isdigit() or not cap.isdigit():
                self.app.notify("Dots per person and the maximum on one initiative are whole numbers.",
                                severity="error", markup=False)
                return
            settings = {"budget": int(budget), "max_per_initiative": int(cap),
                        "must_spend_all": self.query_one("#round-spend-all", Checkbox).value}
        elif method == "ranking":
            settings = {"rule": self.query_one("#round-rule", Select).value}
        elif method == "matrix":
            settings = {"aggregate": self.query_one("#round-aggregate", Select).value}
        elif method == "value_effort":
            settings = {"thresholds": self.query_one("#round-thresholds", Select).value}
        anonymous = self.query_one("#round-anonymous", Checkbox).value
        group = self.query_one("#round-min-group", Input).value.strip()
        if anonymous and (not group.isdigit() or not MIN_GROUP_LOWEST <= int(group) <= 1000):
            self.app.notify(f"The minimum group is a whole number of ballots from {MIN_GROUP_LOWEST} to 1000.",
                            severity="error", markup=False)
            return
        self.dismiss({
            "min_group": int(group) if anonymous else MIN_GROUP_DEFAULT,
            "method": method,
            "title": self.query_one("#round-title", Input).value,
            "settings": settings,
            "anonymous": anonymous,
            "hidden": self.query_one("#round-hidden", Checkbox).value,
        })
