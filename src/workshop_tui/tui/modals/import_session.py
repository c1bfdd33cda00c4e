"""`i` on the home screen: import a session file; every problem is listed, nothing half-lands."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from workshop_tui.tui.safe import shown
from workshop_tui.tui.threads import in_thread
from workshop_tui.tui.widgets.entry_box import EntryBox


class ImportSessionModal(ModalScreen[int | None]):
    """Dismisses with the new session's id, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="import.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(Text("Import a session file", style="bold"), classes="modal-title")
            yield Label("Path to the .json session file (another laptop's export)")
            yield EntryBox(placeholder="e.g. ~/Downloads/board-workshop.json", id="import-path")
            with VerticalScroll(id="import-problems-box"):
                yield Static("", id="import-problems", classes="field-error")
            with Horizontal(classes="modal-buttons"):
                yield Button("Import", id="import-go", variant="primary")
                yield Button("Cancel", id="import-cancel")

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "import-go":
            self._start()
        else:
            self.dismiss(None)

    def _start(self) -> None:
        text = self.query_one("#import-path", Input).value.strip()
        if not text:
            self._problems("Type the path of the file to import.")
            return
        self._problems("Checking the file...")
        self.query_one("#import-go", Button).disabled = True
        path = Path(text).expanduser()
        in_thread(self, lambda: self._import(path), exclusive=True, group="import")

    def _import(self, path: Path) -> None:
        from workshop_tui.services import sessions
        from workshop_tui.services.sessions import SessionFileError

        try:
            new_id = sessions.import_file(self.app.db, path)
        except SessionFileError as exc:
            self.app.call_from_thread(self._failed, exc.render())
            return
        except Exception as exc:  # shown in the dialog; the database is unchanged
            self.app.call_from_thread(self._failed, f"{path}: cannot import: {exc}")
            return
        self.app.call_from_thread(self.dismiss, new_id)

    def _failed(self, message: str) -> None:
        self._problems(message)
        self.query_one("#import-go", Button).disabled = False
        self.query_one("#import-path", Input).focus()

    def _problems(self, message: str) -> None:
        self.query_one("#import-problems", Static).update(shown(message))

    def action_cancel(self) -> None:
        self.dismiss(None)
