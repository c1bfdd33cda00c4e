"""`e` on the home screen: write a session in any export format, or all of them
into a folder, off the UI thread."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from workshop_tui.exporters import file_stem as slug

EXPORT_DIR = "~/workshop-exports"
ALL = "all"  # every format, into one folder


def default_path(title: str, fmt: str) -> str:
    if fmt == ALL:
        return f"{EXPORT_DIR}/{slug(title)}"
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
            yield Select([(f, f) for f in self.formats] + [("All formats, into a folder", ALL)], value=first,
                         allow_blank=False, id="export-format")
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
        # "All formats" writes into a folder: the same name without an extension.
        box = self.query_one("#export-path", Input)
        path = Path(box.value)
        if path.suffix.lstrip(".") in self.formats:
            path = path.with_suffix("")
        elif path.suffix:
            return  # a name the facilitator typed: leave it alone
        box.value = str(path) if event.value == ALL else str(path.with_suffix(f".{event.value}"))

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
        self._run(fmt, Path(text).expanduser(), overwrite=False)

    def _run(self, fmt: str, path: Path, *, overwrite: bool) -> None:
        self._say("Writing...")
        self.query_one("#export-go", Button).disabled = True
        self.run_worker(lambda: self._export(fmt, path, overwrite), thread=True, exclusive=True, group="export")

    def _export(self, fmt: str, path: Path, overwrite: bool) -> None:
        from workshop_tui.exporters.files import TargetExists
        from workshop_tui.services import exports

        try:
            if fmt == ALL:
                # One load and one count of the rounds and the plan, shared by every format.
                files = exports.export_many(self.app.db, self.session_id, self.formats, path,
                                            stem=slug(self.session_title), overwrite=overwrite)
                message = f"Written {len(files)} files to {path}"
            else:
                message = f"Written to {exports.export(self.app.db, self.session_id, fmt, path, overwrite=overwrite)}"
        except TargetExists as exc:
            self.app.call_from_thread(self._ask_to_replace, fmt, path, exc.path)
            return
        except Exception as exc:  # a disk full, read-only folder or device is said plainly
            self.app.call_from_thread(self._say, f"Not written: {exc}", True)
            return
        self.app.call_from_thread(self._say, message)

    def _ask_to_replace(self, fmt: str, path: Path, existing: Path) -> None:
        from workshop_tui.tui.modals.confirm import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(fmt, path, overwrite=True)
            else:
                self._say("Not written: the existing file was kept.", True)

        self.app.push_screen(ConfirmModal(f"{existing} already exists. Replace it?", yes="Replace", no="Keep it"),
                             answered)

    def _say(self, message: str, error: bool = False) -> None:
        result = self.query_one("#export-result", Static)
        result.set_class(error, "field-error")
        result.update(Text(message))
        self.query_one("#export-go", Button).disabled = False

    def action_cancel(self) -> None:
        self.dismiss(None)
