"""Home: the sessions in this database."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static


class HomeScreen(Screen):
    """Lists the sessions with title, organisation, date and stage reached."""

    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="home.refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the database...", id="status")
        table: DataTable = DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        table.add_columns("Title", "Organisation", "Date", "Stage", "Initiatives", "People")
        yield table
        yield Footer()

    def refresh_sessions(self) -> None:
        from workshop_tui.services import sessions

        db = self.app.db
        rows = sessions.list_sessions(db)
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for r in rows:
            # Text(...) so a title like "[bold]x" is shown literally, never as markup.
            table.add_row(Text(r.title), Text(r.organisation), r.date.isoformat() if r.date else "",
                          r.stage, str(r.initiatives), str(r.participants), key=str(r.id))
        status = self.query_one("#status", Static)
        status.remove_class("error")
        status.update(Text(f"{len(rows)} session(s)"))
        table.focus()

    def show_error(self, message: str) -> None:
        status = self.query_one("#status", Static)
        status.add_class("error")
        status.update(Text(message))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_session(int(event.row_key.value))

    def open_session(self, session_id: int) -> None:
        from workshop_tui.tui.screens.session import SessionScreen

        self.app.push_screen(SessionScreen(session_id))

    def action_refresh(self) -> None:
        if self.app.db is not None:
            self.refresh_sessions()
