"""`i` in Initiatives: bring in a spreadsheet (CSV or .xlsx). The header mapping,
a preview and every row-level problem are shown; importing is only offered
when every row is valid, and then lands whole.

The rules are the CLI's (`workshop-tui import-initiatives`): the same reader,
parser and service, so a file the one accepts the other accepts too.
"""

from __future__ import annotations

from functools import partial

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static

from workshop_tui.domain.model import DECIDED_LABELS
from workshop_tui.tui.safe import shown
from workshop_tui.tui.threads import in_thread
from workshop_tui.tui.widgets.entry_box import EntryBox


class ImportInitiativesModal(ModalScreen[int | None]):
    """Dismisses with how many initiatives were added or updated, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="csv.cancel")]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.checked_path: Path | None = None  # set only while the previewed file is valid
        self.importing = False  # the import is in the writer thread

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box wide", id="csv-box"):
            yield Static(Text("Import initiatives from a spreadsheet (CSV or Excel .xlsx)", style="bold"),
                         classes="modal-title")
            yield Label("Path to the .csv or .xlsx file (first sheet; header in row 1), then Enter to preview")
            yield EntryBox(placeholder="e.g. ~/Documents/initiatives.xlsx", id="csv-path")
            yield Static("", id="csv-mapping")
            table: DataTable = DataTable(id="csv-preview", cursor_type="row", zebra_stripes=True)
            table.add_columns("Change", "Key", "Title", "Portfolio", "Type", "Effort", "Cost", "Decided", "Needs")
            yield table
            with VerticalScroll(id="csv-problems-box"):
                yield Static("", id="csv-problems", classes="field-error")
            with Horizontal(classes="modal-buttons"):
                yield Button("Preview", id="csv-preview-go")
                yield Button("Import", id="csv-import", variant="primary", disabled=True)
                yield Button("Cancel", id="csv-cancel")

    def on_mount(self) -> None:
        self.query_one("#csv-preview").display = False
        self.query_one("#csv-path", Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "csv-preview-go":
            self._preview()
        elif event.button.id == "csv-import":
            self._import()
        else:
            self.dismiss(None)

    def _preview(self) -> None:
        text = self.query_one("#csv-path", Input).value.strip()
        if not text:
            self._say("Type the path of the .csv or .xlsx file.")
            return
        self._say("Reading...")
        self.checked_path = None  # the previous preview no longer stands
        self.query_one("#csv-import", Button).disabled = True
        path = Path(text).expanduser()
        in_thread(self, lambda: self._read(path), exclusive=True, group="csv")

    def _read(self, path: Path) -> None:
        # In a thread: a large workbook takes a moment to open and check.
        from workshop_tui.services import spreadsheets
        from workshop_tui.services import spreadsheets as sp

        headers: tuple[str, ...] = ()
        columns: tuple[str | None, ...] = ()
        try:
            sheet = spreadsheets.read_sheet(path)
            headers, columns = sheet.headers, sp.column_fields(sheet.headers, sp.INITIATIVE_HEADERS)
            result = spreadsheets.check_initiatives(self.app.db, self.session_id, sheet, str(path))
        except sp.SpreadsheetError as exc:
            self.app.call_from_thread(self._show, path, headers, columns, None, exc)
            return
        self.app.call_from_thread(self._show, path, headers, columns, result, None)

    def _show(self, path: Path, headers, columns, result, error) -> None:
        from workshop_tui.services.editing import fmt_number

        mapping = Text("Columns: " if headers else "")
        for n, (header, field) in enumerate(zip(headers, columns)):
            if n:
                mapping.append(" · ")
            mapping.append(header or "(blank)")
            mapping.append(f" → {field.replace('_', ' ')}" if field else " → not recognised",
                           style="bold" if field else "dim")
        self.query_one("#csv-mapping", Static).update(mapping)
        table = self.query_one("#csv-preview", DataTable)
        table.clear()
        items = [("update", i) for i in result.updated] + [("add", i) for i in result.added] if result else []
        for change, item in items:
            table.add_row(change, item.key, shown(item.title), item.portfolio or "", item.kind or "",
                          fmt_number(item.effort), fmt_number(item.cost),
                          DECIDED_LABELS.get(item.decided, "") if item.decided else "",
                          ", ".join(item.depends_on))
        table.display = bool(items)
        self.checked_path = path if result is not None else None
        if error is not None:
            lines = [str(p) for p in error.problems[:50]] + [f"note: {n}" for n in error.notes]
            more = f"\n... and {len(error.problems) - 50} more" if len(error.problems) > 50 else ""
            self._say(f"Nothing can be imported: {len(error.problems)} problem(s). Fix the file and preview "
                      "again:\n" + "\n".join(lines) + more)
        else:
            summary = (f"All rows are valid: {len(result.added)} to add, {len(result.updated)} to update "
                       "(matched by key). Import saves them all at once.")
            self._say("\n".join([summary, *(f"Note: {n}" for n in result.notes)]))
        button = self.query_one("#csv-import", Button)
        button.disabled = result is None
        button.label = f"Import {len(items)}" if result is not None else "Import"
        if result is not None:
            button.focus()

    def _import(self) -> None:
        from workshop_tui.services import spreadsheets
        from workshop_tui.tui.writes import write

        if self.checked_path is None or self.importing:
            return
        self.importing = True
        self.query_one("#csv-import", Button).disabled = True
        self._say("Importing…")
        # Read and checked again, inside the same rules (the file may have changed since the
        # preview), in the app's writer thread.
        write(self, partial(spreadsheets.import_initiatives, self.app.db, self.session_id, self.checked_path),
              lambda result: self.dismiss(len(result.initiatives)), failed=self._refused)

    def _refused(self, problem: str, exc: BaseException) -> None:
        self.importing = False
        self.checked_path = None
        problems = getattr(exc, "problems", None)
        self._say("Nothing imported:\n" + ("\n".join(str(p) for p in problems[:50]) if problems else problem))

    def _say(self, message: str) -> None:
        self.query_one("#csv-problems", Static).update(shown(message))

    def action_cancel(self) -> None:
        self.dismiss(None)
