"""Home: the sessions in this database, and what can be done with them."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from workshop_tui.presentation import plural
from workshop_tui.tui.safe import plain
from workshop_tui.tui.stages import LABELS

# Widths of the columns that must stay whole at 80 columns: date, stage, counts.
DATE_W, STAGE_W, COUNT_W = 10, 12, 6
# Below this width the two count columns give their room to title and organisation (the
# counts of the highlighted session are in the line above the list instead).
NARROW_W = 100

EMPTY_HELP = (
    "No sessions yet.\n\n"
    "Press n to start a new workshop session: you will be asked for a title, the organisation "
    "and the date, then taken to Setup.\n"
    "Press i to import a session file another facilitator sent you.\n"
    "Press ? at any time for help."
)


class HomeScreen(Screen):
    """Lists the sessions with title, organisation, date and stage reached."""

    BINDINGS = [
        Binding("enter", "open", "Open", id="home.open", show=True),
        Binding("n", "new", "New", id="home.new"),
        Binding("c", "duplicate", "Copy", id="home.duplicate"),
        Binding("d", "delete", "Delete", id="home.delete"),
        Binding("i", "import_file", "Import", id="home.import"),
        Binding("e", "export", "Export", id="home.export"),
        Binding("question_mark,f1", "help", "Help", id="home.help"),
        Binding("r", "refresh", "Refresh", id="home.refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summaries: list = []
        # A session chosen from the quick list before the database was open: opened when it is.
        self.pending_open: tuple[int, str | None] | None = None
        # Set once mounted: the database may be ready before this first screen is (tests pass it open).
        self._mounted_table = False
        self.quick_shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the database...", id="status")
        table: DataTable = DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(EMPTY_HELP, id="empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#empty").display = False
        self._add_columns()
        self._mounted_table = True
        quick = getattr(self.app, "quick_sessions", None)
        if self.app.db is not None:
            self.refresh_sessions()
        elif quick is not None:
            # Read with sqlite3 alone (storage/quick.py): shown while SQLAlchemy loads.
            self._show(quick)
            self.quick_shown = True

    def laid_out(self) -> bool:
        """Mounted and placed on screen, so a frame drawn now shows the list (or the
        quick list: WorkshopApp.post_display_hook then lets the database layer load)."""
        return self._mounted_table and self.query_one("#status").region.height > 0

    def on_screen_resume(self) -> None:
        # Back from a session (perhaps deleted since): the header names no session.
        self.app.sub_title = self.app.SUB_TITLE

    def on_resize(self) -> None:
        if self.summaries:
            self._show(self.summaries)

    @property
    def narrow(self) -> bool:
        return (self.size.width or 120) < NARROW_W

    def _text_widths(self) -> tuple[int, int]:
        """How wide title and organisation may be so that date, stage (and, when wide
        enough, the counts) always fit: the rest of the width, shared 2:1, or evenly when
        narrow so an organisation reads as more than "Calder…Trust" (each cell has 2
        columns of padding)."""
        width = self.size.width or 120
        counts = 0 if self.narrow else 2 * (COUNT_W + 2)
        rest = max(24, width - (DATE_W + STAGE_W) - 4 * 2 - counts - 2)
        organisation = max(12, rest // 2 if self.narrow else rest // 3)  # "Organisation" itself is 12 wide
        return max(12, rest - organisation), organisation

    def _add_columns(self) -> None:
        table = self.query_one("#sessions", DataTable)
        title_w, org_w = self._text_widths()
        self._columns_narrow = self.narrow
        table.add_column("Title", key="title", width=title_w)
        table.add_column("Organisation", key="organisation", width=org_w)
        table.add_column("Date", key="date", width=DATE_W)
        table.add_column("Stage", key="stage", width=STAGE_W)
        if not self.narrow:
            table.add_column("Items", key="items", width=COUNT_W)
            table.add_column("People", key="people", width=COUNT_W)

    # -- loading ------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self.app.db is not None

    def refresh_sessions(self, select_id: int | None = None) -> None:
        from workshop_tui.services import sessions

        if self.app.db is None:
            return
        self._show(sessions.list_sessions(self.app.db), select_id)

    def database_ready(self) -> None:
        if not self._mounted_table:
            return  # on_mount lists the sessions through the open database
        self.refresh_sessions()
        if self.pending_open is not None:
            session_id, stage = self.pending_open
            self.pending_open = None
            if any(r.id == session_id for r in self.summaries):
                self.open_session(session_id, stage)

    def _show(self, summaries: list, select_id: int | None = None) -> None:
        table = self.query_one("#sessions", DataTable)
        if select_id is None and self.selected_id() is not None:
            select_id = self.selected_id()
        self.summaries = summaries
        title_w, org_w = self._text_widths()
        rows = []
        for r in self.summaries:
            # plain(): control characters as visible escapes; Text(): markup shown literally.
            counts = [] if self.narrow else [Text(str(r.initiatives), justify="right"),
                                             Text(str(r.participants), justify="right")]
            rows.append((str(r.id), (Text(_clip(plain(r.title), title_w)),
                                     Text(_clip(plain(r.organisation), org_w, keep_end=False)),
                                     r.date.isoformat() if r.date else "", LABELS.get(r.stage, r.stage), *counts)))
        # The same rows at the same widths (the first resize, the database opening behind the
        # quick list): the table is kept, not rebuilt and drawn again (a start-up cost).
        shape = (self.narrow, title_w, org_w)
        if (shape, rows) != getattr(self, "_drawn", None):
            self._drawn = (shape, rows)
            table.clear()
            if getattr(self, "_columns_narrow", None) != self.narrow:
                table.clear(columns=True)
                self._add_columns()
            for key, width in (("title", title_w), ("organisation", org_w)):
                column = table.columns[key]  # type: ignore[index]  (a ColumnKey equals its string)
                column.width, column.auto_width = width, False
            for key, cells in rows:
                table.add_row(*cells, key=key)
        for n, r in enumerate(self.summaries):
            if r.id == select_id:
                table.move_cursor(row=n)
        empty = not self.summaries
        table.display = not empty
        self.query_one("#empty").display = empty
        status = self.query_one("#status", Static)
        status.remove_class("error")
        if not self.ready:
            status.update(Text(f"{plural(len(self.summaries), 'session')}. Opening the database..."))
        else:
            status.update(Text("No sessions in this database" if empty else self._ready_status()))
        if not empty:
            table.focus()
        self.refresh_bindings()

    def show_error(self, message: str) -> None:
        status = self.query_one("#status", Static)
        status.add_class("error")
        status.update(Text(message))

    def selected_id(self) -> int | None:
        table = self.query_one("#sessions", DataTable)
        if not self.summaries or table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(row_key.value)

    def selected(self):
        chosen = self.selected_id()
        return next((r for r in self.summaries if r.id == chosen), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the database opens behind the quick list, keys that need it are
        # shown dimmed (None) rather than hidden, so the footer does not jump.
        if action in ("duplicate", "delete", "export"):
            if self.selected_id() is None:
                return False
            return True if self.ready else None
        if action == "open":
            return self.selected_id() is not None  # before the database is open: opened once it is
        if action in ("new", "import_file", "refresh"):
            return self.ready
        return True

    # -- actions --------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_session(int(event.row_key.value))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()
        if self.ready and self.summaries and self.narrow:
            self.query_one("#status", Static).update(Text(self._ready_status()))

    def _ready_status(self) -> str:
        text = f"{plural(len(self.summaries), 'session')}. Enter opens the highlighted one."
        chosen = self.selected() if self.narrow else None
        if chosen is not None:  # the counts' columns do not fit: say them here
            text += f" It has {plural(chosen.initiatives, 'initiative')}, {plural(chosen.participants, 'person')}."
        return text

    def open_session(self, session_id: int, stage: str | None = None) -> None:
        from workshop_tui.tui.screens.session import SessionScreen

        if not self.ready:
            self.pending_open = (session_id, stage)
            self.query_one("#status", Static).update(Text("Opening the database... the session opens in a moment."))
            return
        self.app.push_screen(SessionScreen(session_id, stage))

    def action_open(self) -> None:
        chosen = self.selected_id()
        if chosen is not None:
            self.open_session(chosen)

    def action_new(self) -> None:
        from workshop_tui.tui.modals.new_session import NewSessionModal

        def made(result) -> None:
            new_id, summaries = result
            self._show(summaries, new_id)
            self.open_session(new_id, "setup")

        def created(info) -> None:
            if info is not None:
                self._write(lambda sessions, db: sessions.create(db, info), made)

        self.app.push_screen(NewSessionModal(), created)

    def _write(self, change, done) -> None:
        """``change(sessions, db)`` in the app's writer thread, then the list read there too;
        ``done((its result, the new list))`` on the UI thread once committed (tui/writes.py)."""
        from workshop_tui.tui.writes import write

        db = self.app.db

        def job():
            from workshop_tui.services import sessions

            result = change(sessions, db)
            return result, sessions.list_sessions(db)

        write(self, job, done)

    def action_duplicate(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        def copied(result) -> None:
            new_id, summaries = result
            self._show(summaries, new_id)
            self.app.notify(f"Copied for re-prioritisation: {plain(chosen.title)}", markup=False, timeout=4)

        self._write(lambda sessions, db: sessions.duplicate(db, chosen.id), copied)

    def action_delete(self) -> None:
        from workshop_tui.tui.modals.confirm import ConfirmModal

        chosen = self.selected()
        if chosen is None:
            return

        def deleted(result) -> None:
            self._show(result[1])
            self.app.notify(f"Deleted: {plain(chosen.title)}", markup=False, timeout=4)

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(lambda sessions, db: sessions.delete(db, chosen.id), deleted)

        what = ", ".join((plural(chosen.initiatives, "initiative"), plural(chosen.participants, "participant"),
                          plural(chosen.rounds, "round")))
        self.app.push_screen(ConfirmModal(f"Delete the session \u201c{plain(chosen.title)}\u201d ({what})? "
                                          "This cannot be undone; export it first if in doubt.",
                                          yes="Delete", no="Keep it"), answered)

    def action_import_file(self) -> None:
        from workshop_tui.tui.modals.import_session import ImportSessionModal

        def imported(new_id: int | None) -> None:
            if new_id is not None:
                self.refresh_sessions(select_id=new_id)
                self.app.notify("Imported", timeout=3)

        self.app.push_screen(ImportSessionModal(), imported)

    def action_export(self) -> None:
        from workshop_tui.services import exports
        from workshop_tui.tui.modals.export_session import ExportSessionModal

        chosen = self.selected()
        if chosen is not None:
            self.app.push_screen(ExportSessionModal(chosen.id, chosen.title, exports.formats()))

    def action_help(self) -> None:
        from workshop_tui.tui.modals.help import HelpModal

        self.app.push_screen(HelpModal("Sessions", HOME_HELP))

    def action_refresh(self) -> None:
        self.refresh_sessions()


def _clip(text: str, width: int, *, keep_end: bool = True) -> str:
    """One line of at most ``width`` characters; an ellipsis in the middle says there is more.
    The end is kept because that is where copies differ: "... (re-prioritisation)". An
    organisation is cut at its end instead: its start names it ("Calder Valley NHS Found…"),
    its end is the same for many ("... NHS Foundation Trust")."""
    flat = text.strip()
    if len(flat) <= width:
        return flat
    if not keep_end:
        return flat[: width - 1].rstrip() + "\u2026"
    tail = min(24, (width - 1) // 2)
    return flat[: width - 1 - tail].rstrip() + "\u2026" + flat[len(flat) - tail:] if tail else flat[: width - 1] + "\u2026"


HOME_HELP = (
    "Each line is one workshop session kept in this laptop's database; everything is saved as it is typed.\n\n"
    "Enter opens the highlighted session at the stage it reached.\n"
    "n starts a new session (title, organisation, date), then opens Setup.\n"
    "c copies a session for a quarterly re-prioritisation: people, initiatives, criteria and bottlenecks "
    "are kept; votes, choices and actions start afresh.\n"
    "d deletes a session, after asking.\n"
    "i imports a session file (.json) from another laptop; if the file has problems they are all listed "
    "and nothing is imported.\n"
    "e exports the highlighted session (a session file, or a report for the board).\n"
    "F2 switches the high-contrast theme for a washed-out projector. Ctrl+P finds any command; Ctrl+Q quits."
)
