"""`e` on the home screen: write a session in any export format, off the UI thread."""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

EXPORT_DIR = "~/workshop-exports"


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "session"


def default_path(title: str, fmt: str) -> str:
    return f"{EXPORT_DIR}/{slug(title)}.{fmt}"


class ExportSessionModal(ModalScreen[None]):
    BINDINGS = [Binding("escape", "cancel", "Close", id="export.cancel")]

    def __init__(self, session_id: int, title: str, formats: list[str]) -> None:
        super().__init__()
        self.session_id = session_id
        self.session_title = title
        self.formats = formats

    def compose(self) -> ComposeResult:
        first = self.formats[0]
        with Vertical(classes="modal-box"):
            yield Static(Text.assemble(("Export ", "bold"), (self.session_title, "bold")), classes="modal-title")
            yield Label("Format")
            yield Select([(f, f) for f in self.formats], value=first, allow_blank=False, id="export-format")
            yield Label("Write to")
            yield Input(default_path(self.session_title, first), id="export-path")
            yield Static("", id="export-result")
            with Horizontal(classes="modal-buttons"):
                yield Button("Export", id="export-go", variant="primary")
                yield Button("Close", id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        # Keep the file name, change its extension to the chosen format's.
        box = self.query_one("#export-path", Input)
        path = Path(box.value)
        if path.suffix.lstrip(".") in self.formats:
            box.value = str(path.with_suffix(f".{event.value}"))

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export-go":
            self._start()
        else:
            self.dismiss(None)

    def _start(self) -> None:
        fmt = str(self.query_one("#export-format", Select).value)
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self._say("Type where to write the file.", error=True)
            return
        self._say("Writing...")
        self.query_one("#export-go", Button).disabled = True
        path = Path(text).expanduser()
        self.run_worker(lambda: self._export(fmt, path), thread=True, exclusive=True, group="export")

    def _export(self, fmt: str, path: Path) -> None:
        from workshop_tui.services import exports

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            written = exports.export(self.app.db, self.session_id, fmt, path)
        except Exception as exc:  # a disk full or read-only folder is said plainly
            self.app.call_from_thread(self._say, f"Not written: {exc}", True)
            return
        self.app.call_from_thread(self._say, f"Written to {written}")

    def _say(self, message: str, error: bool = False) -> None:
        result = self.query_one("#export-result", Static)
        result.set_class(error, "field-error")
        result.update(Text(message))
        self.query_one("#export-go", Button).disabled = False

    def action_cancel(self) -> None:
        self.dismiss(None)
