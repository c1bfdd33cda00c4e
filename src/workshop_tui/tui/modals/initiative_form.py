"""Every field of an initiative in one form; saving goes through the service,
so a refused value (a prerequisite cycle, a bad number) keeps the form open
with the reason next to the field."""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from workshop_tui.domain.model import DECIDED_LABELS, KINDS, PORTFOLIOS, Initiative, Workshop
from workshop_tui.domain.numbers import money
from workshop_tui.tui.safe import from_box, in_box, shown
from workshop_tui.tui.widgets.entry_box import EntryBox

TEXT_FIELDS = (
    ("title", "Title", "e.g. e-Observations and early-warning scores"),
    ("description", "Description", "what it is, in a sentence"),
    ("owner", "Owner", "who will lead it"),
    ("service_area", "Service area", "e.g. Acute medicine"),
)


class InitiativeFormModal(ModalScreen[Initiative | None]):
    """Dismisses with the saved initiative (already committed), or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="initiative.save"),
        Binding("escape", "cancel", "Cancel", id="initiative.cancel"),
    ]

    def __init__(self, session_id: int, workshop: Workshop, item: Initiative | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self.workshop = workshop
        self.item = item or Initiative(key="", title="")
        self.saving = False  # a save is in the writer thread

    def compose(self) -> ComposeResult:
        from workshop_tui.services.editing import fmt_number

        item = self.item
        heading = f"Edit: {item.title}" if item.key else "New initiative"
        with Vertical(classes="modal-box wide", id="initiative-form"):
            yield Static(shown(heading, style="bold"), classes="modal-title")
            with VerticalScroll(id="initiative-fields"):
                for name, label, placeholder in TEXT_FIELDS:
                    yield from self._row(label, EntryBox(in_box(getattr(item, name)), placeholder=placeholder,
                                                      id=f"f-{name}", compact=True), name)
                yield from self._row("Portfolio", Select(
                    [(p.capitalize(), p) for p in PORTFOLIOS], value=item.portfolio or Select.NULL,
                    prompt="not set", id="f-portfolio", compact=True), "portfolio")
                yield from self._row("Core / experiment", Select(
                    [("Core (tried and tested)", KINDS[0]), ("Experiment (riskier, high reward)", KINDS[1])],
                    value=item.kind or Select.NULL, prompt="not set", id="f-kind", compact=True), "kind")
                yield from self._row("Effort", EntryBox(fmt_number(item.effort), placeholder="rough size, e.g. 1 to 5",
                                                     id="f-effort", compact=True), "effort")
                yield from self._row("Cost", EntryBox(
                    # Whole amounts with separators ("120,000" is read back exactly); others exact.
                    money(item.cost) if item.cost is not None and item.cost.denominator == 1
                    else fmt_number(item.cost),
                                                   placeholder="e.g. 120,000",
                                                   id="f-cost", compact=True), "cost")
                yield from self._row("Decided already", Select(
                    [(label, key) for key, label in DECIDED_LABELS.items()], value=item.decided or Select.NULL,
                    prompt="no: open to choice", id="f-decided", compact=True), "decided")
                others = [i for i in self.workshop.initiatives if i.key != item.key]
                yield Label("Prerequisites (Space ticks the ones that must come first)", classes="form-heading")
                if others:
                    yield SelectionList[str](*[(shown(o.title), o.key, o.key in item.depends_on) for o in others],
                                             id="f-depends_on")
                else:
                    yield Static("No other initiatives yet.", classes="pane-note")
                yield Static("", id="f-depends_on-error", classes="field-error")
                yield Label("Demands on each bottleneck", classes="form-heading")
                if self.workshop.bottlenecks:
                    for b in self.workshop.bottlenecks:
                        yield from self._row(b.name[:18], EntryBox(str(item.demands.get(b.key, "") or ""),
                                                                placeholder=in_box(b.unit) or "amount",
                                                                id=f"d-{b.key}", compact=True, type="integer"),
                                             None)
                else:
                    yield Static("No bottlenecks yet (add them in the Bandwidth stage).", classes="pane-note")
                yield Static("", id="f-demands-error", classes="field-error")
            yield Static("", id="f-error", classes="field-error")
            with Horizontal(classes="modal-buttons"):
                yield Button("Save (Ctrl+S)", id="f-save", variant="primary")
                yield Button("Cancel (Esc)", id="f-cancel")

    def _row(self, label: str, widget, name: str | None) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(shown(label), classes="form-label")
            yield widget
        if name is not None and name not in ("depends_on",):
            yield Static("", id=f"f-{name}-error", classes="field-error field-note")

    def on_mount(self) -> None:
        for note in self.query(".field-note"):
            note.display = False
        self.query_one("#f-title", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "f-save":
            self.action_save()
        else:
            self.action_cancel()

    def _text(self, name: str) -> str:
        """A text box's value; an untouched box gives back the stored text (see ``from_box``)."""
        return from_box(self.query_one(f"#f-{name}", Input).value, getattr(self.item, name))

    def _value(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else str(value)

    def action_save(self) -> None:
        from workshop_tui.services import editing
        from workshop_tui.tui.writes import write

        if self.saving:
            return
        for note in self.query(".field-error"):
            note.update("")
            if note.has_class("field-note"):
                note.display = False
        try:
            effort = editing.parse_number(self.query_one("#f-effort", Input).value, "Effort", field="effort")
            cost = editing.parse_number(self.query_one("#f-cost", Input).value, "Cost", field="cost")
            demands = {}
            for b in self.workshop.bottlenecks:
                amount = editing.parse_whole(self.query_one(f"#d-{b.key}", Input).value,
                                             f"Demand on {b.name}", field="demands")
                if amount:
                    demands[b.key] = amount
            lists = self.query("#f-depends_on")
            depends = tuple(lists.first(SelectionList).selected) if lists else ()
            draft = Initiative(
                key=self.item.key,
                title=self._text("title"),
                description=self._text("description").strip(),
                owner=self._text("owner").strip(),
                service_area=self._text("service_area").strip(),
                portfolio=self._value("#f-portfolio"), kind=self._value("#f-kind"),
                effort=effort, cost=cost, decided=self._value("#f-decided"),
                depends_on=depends, demands=demands,
            )
        except editing.EditError as exc:
            self._show_error(exc)
            return
        # Saved in the app's writer thread; the form stays open until it has committed.
        self.saving = True
        self.query_one("#f-error", Static).update("Saving…")
        write(self, partial(editing.save_initiative, self.app.db, self.session_id, draft), self._saved,
              failed=self._refused)

    def _saved(self, saved) -> None:
        self.saving = False
        self.dismiss(saved)

    def _refused(self, problem: str, exc: BaseException) -> None:
        self.saving = False
        if hasattr(exc, "field"):  # an EditError: next to the field at fault
            self._show_error(exc)
        else:
            self.query_one("#f-error", Static).update(shown(f"Not saved: {problem}"))

    def _show_error(self, exc) -> None:
        target = self.query(f"#f-{exc.field}-error") if exc.field else None
        note = target.first(Static) if target else self.query_one("#f-error", Static)
        note.update(shown(str(exc)))
        note.display = True
        self.query_one("#f-error", Static).update(shown(f"Not saved: {exc}"))
        if exc.field and self.query(f"#f-{exc.field}"):
            self.query_one(f"#f-{exc.field}").focus()

    def action_cancel(self) -> None:
        if self.saving:
            self.notify("Saving: a moment, please.", timeout=2)
            return
        self.dismiss(None)
