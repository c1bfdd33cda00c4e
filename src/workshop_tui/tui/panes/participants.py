"""Stage 2, Participants: who is in the room, and whether the mix is healthy."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Select, Static

from workshop_tui.domain.model import ROLE_LABELS, Participant, Workshop
from workshop_tui.domain.summaries import mix_warning, role_counts
from workshop_tui.presentation import plural
from workshop_tui.tui.safe import from_box, in_box, line, plain
from workshop_tui.tui.widgets.pane import StagePane
from workshop_tui.tui.widgets.entry_box import EntryBox


class ParticipantsPane(StagePane):
    STAGE = "participants"
    TITLE = "Who is in the room"
    HELP = (
        "List everyone taking part, with their discipline. The guidance insists the mix matters: "
        "a prioritisation done by the IT department alone is a sign of a bad strategy, so you will "
        "see a gentle warning while the room has no clinical (or nursing) or no operational voices.\n\n"
        "Adding people: type a name, press Tab and choose the discipline (Enter opens the list, the arrows "
        "move, Enter chooses: you are back in the name box; the list remembers the last one), press Enter: "
        "the person is saved and the box is cleared for the next one.\n"
        "In the table: Enter or e edits the highlighted person (Enter saves, Escape cancels), "
        "Delete or d removes them after asking, a jumps back to the name box."
    )
    BINDINGS = [
        Binding("a", "add", "Add", id="participants.add"),
        Binding("e", "edit", "Edit", id="participants.edit"),
        Binding("d,delete", "remove", "Remove", id="participants.remove"),
        Binding("escape", "cancel_edit", "Cancel edit", id="participants.cancel"),
    ]

    def __init__(self, session_id: int, **kwargs) -> None:
        super().__init__(session_id, **kwargs)
        self.people: tuple[Participant, ...] = ()
        self.editing: str = ""  # key of the person being edited, "" when adding

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE, style="bold"), classes="pane-title")
        with Horizontal(id="participants-add", classes="add-row"):
            yield EntryBox(placeholder="Name, then Enter", id="participant-name", clear_on_submit=True)
            yield Select([(label, role) for role, label in ROLE_LABELS.items()], value="clinical",
                         allow_blank=False, id="participant-role")
        yield Static("", id="participants-mode", classes="pane-status")
        yield Static("", id="participants-counts", classes="summary")
        yield Static("", id="participants-warning", classes="warning")
        table: DataTable = DataTable(id="participants-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Name", "Discipline")
        yield table

    def load(self, workshop: Workshop) -> None:
        self.people = workshop.participants
        table = self.query_one("#participants-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for p in self.people:
            table.add_row(line(p.name), line(ROLE_LABELS.get(p.role, p.role)), key=p.key)
        if self.people:
            table.move_cursor(row=min(keep, len(self.people) - 1))
        counts = role_counts(self.people)
        summary = " · ".join(f"{plain(ROLE_LABELS.get(r, r))} {n}" for r, n in counts.items())
        self.query_one("#participants-counts", Static).update(
            Text(f"{plural(len(self.people), 'person')}: {summary}" if self.people else
                 "Nobody yet: type the first name above and press Enter."))
        warning = self.query_one("#participants-warning", Static)
        warning.update(line(mix_warning(self.people)))
        warning.display = bool(mix_warning(self.people))
        self._show_mode()
        self.refresh_bindings()

    def _selected(self) -> Participant | None:
        table = self.query_one("#participants-table", DataTable)
        if not self.people or table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return next((p for p in self.people if p.key == row_key.value), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "remove"):
            return self.query_one("#participants-table", DataTable).has_focus and self._selected() is not None
        if action == "cancel_edit":
            return bool(self.editing)
        return True

    def on_descendant_focus(self, _event) -> None:
        self.refresh_bindings()

    # -- adding and editing ---------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from workshop_tui.services import editing

        event.stop()
        name_box = self.query_one("#participant-name", Input)
        role = self.query_one("#participant-role", Select).value
        person = next((p for p in self.people if p.key == self.editing), None) if self.editing else None
        # The name as it was when Enter was pressed; the box emptied itself then (EntryBox), so
        # keys typed straight after Enter are already the next person's.
        typed, editing_key = event.value, self.editing
        name = from_box(typed, person.name) if person is not None else typed

        def saved(person: Participant) -> None:
            self.editing = "" if self.editing == editing_key else self.editing
            self.changed()
            self.notify_saved(f"Saved {person.name}")
            if editing_key:
                self.query_one("#participants-table", DataTable).focus()
            else:
                name_box.focus()

        def refused(problem: str, _exc: BaseException) -> None:
            if name_box.value == "":  # nothing typed since: the name comes back to be put right
                name_box.value = typed
            self.fail(problem)

        self.write(partial(editing.save_participant, self.db, self.session_id, name, str(role), key=editing_key),
                   saved, failed=refused)

    def on_mount(self) -> None:
        self.watch(self.query_one("#participant-role", Select), "expanded", self._role_list_closed, init=False)

    def _role_list_closed(self, expanded: bool) -> None:
        # Name, Tab, choose the discipline: back in the name box, so Enter saves the
        # person (Enter on the list would only open it again).
        role = self.query_one("#participant-role", Select)
        if not expanded and (role.has_focus or role.has_focus_within):
            self.call_after_refresh(self.query_one("#participant-name", Input).focus)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if not self.still_shown(event):
            return
        self.action_edit()

    def action_add(self) -> None:
        self.editing = ""
        self._show_mode()
        self.query_one("#participant-name", Input).focus()

    def action_edit(self) -> None:
        person = self._selected()
        if person is None:
            return
        self.editing = person.key
        self.query_one("#participant-name", Input).value = in_box(person.name)
        self.query_one("#participant-role", Select).value = person.role
        self._show_mode()
        self.query_one("#participant-name", Input).focus()
        self.refresh_bindings()

    def action_cancel_edit(self) -> None:
        self.editing = ""
        self.query_one("#participant-name", Input).value = ""
        self._show_mode()
        self.query_one("#participants-table", DataTable).focus()
        self.refresh_bindings()

    def _show_mode(self) -> None:
        mode = self.query_one("#participants-mode", Static)
        person = next((p for p in self.people if p.key == self.editing), None)
        mode.update(Text(f"Editing {plain(person.name)}: Enter saves, Escape cancels.") if person else
                     Text("Adding: name and discipline, then Enter. Tab reaches the table."))

    def action_remove(self) -> None:
        from workshop_tui.services import editing
        from workshop_tui.tui.modals.confirm import ConfirmModal

        person = self._selected()
        if person is None:
            return
        def removed(_none) -> None:
            self.changed()
            self.notify_saved(f"Removed {person.name}")

        def answered(yes: bool | None) -> None:
            if yes:
                self.write(partial(editing.delete_participant, self.db, self.session_id, person.key), removed)

        def ask(votes: int) -> None:
            extra = f" Their {plural(votes, 'vote')} will be removed too." if votes else ""
            self.app.push_screen(ConfirmModal(f"Remove {person.name} from this session?{extra}",
                                              yes="Remove", no="Keep"), answered)

        # Counted through the writer: after any change still on its way, never on the UI thread.
        self.write(partial(editing.count_votes, self.db, self.session_id, participant=person.key), ask)
