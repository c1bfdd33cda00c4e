"""`i` in Initiatives: bring in a spreadsheet saved as CSV. The header mapping,
a preview and every row-level problem are shown; importing is only offered
when every row is valid, and then lands whole."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static

from workshop_tui.domain.model import DECIDED_LABELS, Workshop


class ImportInitiativesModal(ModalScreen[int | None]):
    """Dismisses with how many initiatives were imported, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="csv.cancel")]

    def __init__(self, session_id: int, workshop: Workshop) -> None:
        super().__init__()
        self.session_id = session_id
        self.workshop = workshop
        self.parsed = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box wide", id="csv-box"):
            yield Static(Text("Import initiatives from a spreadsheet (CSV)", style="bold"), classes="modal-title")
            yield Label("Path to the .csv file (in Excel: File, Save as, CSV UTF-8), then Enter to preview")
            yield Input(placeholder="e.g. ~/Documents/initiatives.csv", id="csv-path")
            yield Static("", id="csv-mapping")
            table: DataTable = DataTable(id="csv-preview", cursor_type="row", zebra_stripes=True)
            table.add_columns("Line", "Title", "Portfolio", "Type", "Effort", "Cost", "Decided", "Needs")
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
            self._say("Type the path of the CSV file.")
            return
        self._say("Reading...")
        path = Path(text).expanduser()
        existing = {i.title: i.key for i in self.workshop.initiatives} | {i.key: i.key for i in self.workshop.initiatives}
        self.run_worker(lambda: self._read(path, existing), thread=True, exclusive=True, group="csv")

    def _read(self, path: Path, existing: dict[str, str]) -> None:
        from workshop_tui.sessionfile.initiatives_csv import parse_initiatives_csv

        try:
            data = path.read_bytes()
        except OSError as exc:
            self.app.call_from_thread(self._say, f"{path}: {exc.strerror or exc}")
            return
        parsed = parse_initiatives_csv(data, existing)
        self.app.call_from_thread(self._show, parsed)

    def _show(self, parsed) -> None:
        from workshop_tui.services.editing import fmt_number
        from workshop_tui.sessionfile.initiatives_csv import FIELD_LABELS

        self.parsed = parsed
        mapping = Text("Columns: ")
        for n, (header, field) in enumerate(parsed.mapping):
            if n:
                mapping.append(" · ")
            mapping.append(header or "(blank)")
            mapping.append(f" → {FIELD_LABELS[field]}" if field else " → ignored", style="bold" if field else "dim")
        self.query_one("#csv-mapping", Static).update(mapping)
        table = self.query_one("#csv-preview", DataTable)
        table.clear()
        for row in parsed.rows:
            item = row.initiative
            if item is None:
                table.add_row(str(row.line), Text(f"problem: {'; '.join(row.problems)}", style="bold"),
                              "", "", "", "", "", "")
                continue
            table.add_row(str(row.line), Text(item.title), item.portfolio or "", item.kind or "",
                          fmt_number(item.effort), fmt_number(item.cost),
                          DECIDED_LABELS.get(item.decided, "") if item.decided else "",
                          str(len(item.depends_on)) if item.depends_on else "")
        table.display = bool(parsed.rows)
        problems = parsed.all_problems()
        if problems:
            self._say(f"{len(problems)} problem(s); fix the file and preview again:\n" + "\n".join(problems[:50]))
        else:
            self._say("")
            self.query_one("#csv-problems", Static).update(
                Text(f"All {len(parsed.rows)} rows are valid. Import adds them to this session.", style="bold"))
        button = self.query_one("#csv-import", Button)
        button.disabled = not parsed.valid
        button.label = f"Import {len(parsed.rows)}" if parsed.valid else "Import"
        if parsed.valid:
            button.focus()

    def _import(self) -> None:
        from workshop_tui.services import editing

        if self.parsed is None or not self.parsed.valid:
            return
        try:
            saved = editing.import_initiatives(self.app.db, self.session_id, self.parsed.initiatives)
        except editing.EditError as exc:
            self._say(f"Nothing imported: {exc}")
            return
        self.dismiss(len(saved))

    def _say(self, message: str) -> None:
        self.query_one("#csv-problems", Static).update(Text(message))

    def action_cancel(self) -> None:
        self.dismiss(None)
