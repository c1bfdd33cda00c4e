"""A small form in a dialog: labelled boxes (or choices), saved by a callback.

The callback calls a service, in the app's writer thread; if it raises ``EditError``
the form stays open with the message next to the field at fault, so nothing
half-saved is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from workshop_tui.tui.safe import from_box, in_box, shown
from workshop_tui.tui.widgets.entry_box import EntryBox


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: Sequence[tuple[str, str]] = ()  # (label, value): a list to choose from instead of a box


class FormModal(ModalScreen[object]):
    """Dismisses with whatever ``save`` returned, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, title: str, fields: Sequence[Field], save: Callable[[dict[str, str]], object],
                 note: str = "") -> None:
        super().__init__()
        self.form_title = title
        self.fields = list(fields)
        self.save = save
        self.note = note
        self.saving = False  # a save is in the writer thread
    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(shown(self.form_title, style="bold"), classes="modal-title")
            if self.note:
                yield Static(shown(self.note), classes="pane-note")
            with VerticalScroll(classes="form-fields"):
                for f in self.fields:
                    with Horizontal(classes="form-row"):
                        yield Label(shown(f.label), classes="form-label")
                        if f.choices:
                            yield Select(list(f.choices), value=f.value, allow_blank=False,
                                         id=f"form-{f.name}", compact=True)
                        else:
                            yield EntryBox(in_box(f.value), placeholder=f.placeholder, id=f"form-{f.name}",
                                        compact=True)
                    yield Static("", id=f"form-{f.name}-error", classes="field-error field-note")
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="modal-buttons"):
                yield Button("Save (Ctrl+S)", id="form-save", variant="primary")
                yield Button("Cancel (Esc)", id="form-cancel")

    def on_mount(self) -> None:
        for note in self.query(".field-note"):
            note.display = False
        self.query_one(f"#form-{self.fields[0].name}").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter moves down the form and saves from the last box.
        event.stop()
        if event.input.id == f"form-{self.fields[-1].name}":
            self.action_save()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "form-save":
            self.action_save()
        else:
            self.action_cancel()

    def values(self) -> dict[str, str]:
        out = {}
        for f in self.fields:
            widget = self.query_one(f"#form-{f.name}")
            out[f.name] = str(widget.value) if isinstance(widget, Select) else from_box(str(widget.value), f.value)
        return out

    def action_save(self) -> None:
        """Save in the app's writer thread (tui/writes.py); the form stays open, saying it is
        saving, until the change has committed or been refused."""
        from workshop_tui.tui.writes import write

        if self.saving:
            return
        for note in self.query(".field-note"):
            note.display = False
        self.saving = True
        self.query_one("#form-error", Static).update(shown("Saving…"))
        write(self, partial(self.save, self.values()), self._saved, failed=self._refused)

    def _saved(self, result: object) -> None:
        self.saving = False
        self.dismiss(result if result is not None else True)

    def _refused(self, problem: str, exc: BaseException) -> None:
        self.saving = False
        field = getattr(exc, "field", None)
        target = self.query(f"#form-{field}-error") if field else None
        if target:
            target.first(Static).update(shown(problem))
            target.first(Static).display = True
            self.query_one(f"#form-{field}").focus()
        self.query_one("#form-error", Static).update(shown(f"Not saved: {problem}"))

    def action_cancel(self) -> None:
        if self.saving:
            self.notify("Saving: a moment, please.", timeout=2)
            return
        self.dismiss(None)
