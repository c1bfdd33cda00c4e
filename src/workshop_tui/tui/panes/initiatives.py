"""Stage 3, Initiatives: the candidates the room will choose between."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from workshop_tui.domain.model import DECIDED_LABELS, Initiative, Workshop
from workshop_tui.domain.numbers import money
from workshop_tui.domain.summaries import portfolio_mix
from workshop_tui.presentation import plural
from workshop_tui.tui.safe import line as user_line
from workshop_tui.tui.widgets.pane import StagePane


def mix_line(workshop: Workshop) -> Text:
    mix = portfolio_mix(workshop.initiatives)
    line = Text()
    line.append(f"{plural(len(workshop.initiatives), 'initiative')}  ", style="bold")
    line.append("Maintain {maintain} · Improve {improve} · Transform {transform}".format(**mix.portfolio))
    if mix.portfolio["unset"]:
        line.append(f" · not set {mix.portfolio['unset']}")
    line.append("   Core {core} · Experiment {experiment}".format(**mix.kind))
    if mix.decided:
        line.append(f"   Decided already {mix.decided}")
    return line


class InitiativesPane(StagePane):
    STAGE = "initiatives"
    TITLE = "Candidate initiatives"
    HELP = (
        "The list the room will prioritise. For each initiative record what the guidance asks for: "
        "its portfolio (maintain what works, improve it, or transform how care is delivered), whether it "
        "is core (tried and tested) or an experiment (riskier, high reward), a rough effort and cost, "
        "its prerequisites (work that must come first, such as infrastructure), what it draws on each "
        "bottleneck, and whether it is a decision already made (a programme in flight, a funding "
        "commitment, a contract or a mandate) which will use capacity whatever the room decides.\n"
        "The line above the table shows the portfolio mix: a healthy strategy usually mixes maintain, "
        "improve and transform, and core with a few experiments.\n\n"
        "Keys: a adds an initiative; Enter or e edits the highlighted one (Ctrl+S saves the form, Escape "
        "cancels); d removes it after asking; i imports a spreadsheet saved as CSV (you see how its "
        "columns are read and a preview, and it is only imported when every row is valid)."
    )
    BINDINGS = [
        Binding("a", "add", "Add", id="initiatives.add"),
        Binding("e", "edit", "Edit", id="initiatives.edit"),
        Binding("d,delete", "remove", "Remove", id="initiatives.remove"),
        Binding("i", "import_csv", "Import CSV", id="initiatives.import"),
    ]

    def __init__(self, session_id: int, **kwargs) -> None:
        super().__init__(session_id, **kwargs)
        self.workshop: Workshop | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE, style="bold"), classes="pane-title")
        yield Static("", id="initiatives-mix", classes="summary")
        table: DataTable = DataTable(id="initiatives-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Title", "Portfolio", "Type", "Effort", "Cost", "Decided already", "Needs first", "Owner")
        yield table
        yield Static("No initiatives yet. Press a to add one, or i to import a spreadsheet (CSV).",
                     id="initiatives-empty", classes="pane-note")

    def load(self, workshop: Workshop) -> None:
        from workshop_tui.services.editing import fmt_number

        self.workshop = workshop
        titles = {i.key: i.title for i in workshop.initiatives}
        table = self.query_one("#initiatives-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for i in workshop.initiatives:
            needs = ", ".join(titles.get(k, k) for k in i.depends_on)
            table.add_row(user_line(i.title), user_line(i.portfolio or ""), user_line(i.kind or ""), fmt_number(i.effort),
                          money(i.cost) if i.cost is not None else "",
                          DECIDED_LABELS.get(i.decided, "") if i.decided else "",
                          user_line(needs), user_line(i.owner), key=i.key)
        if workshop.initiatives:
            table.move_cursor(row=min(keep, len(workshop.initiatives) - 1))
        self.query_one("#initiatives-mix", Static).update(mix_line(workshop))
        self.query_one("#initiatives-empty").display = not workshop.initiatives
        self.refresh_bindings()

    def _selected(self) -> Initiative | None:
        table = self.query_one("#initiatives-table", DataTable)
        if self.workshop is None or not self.workshop.initiatives or table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self.workshop.initiative(row_key.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "remove"):
            return self._selected() is not None
        return True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if not self.still_shown(event):
            return
        self.action_edit()

    def _after_form(self, saved: Initiative | None) -> None:
        if saved is None:
            return
        self.changed()
        self.notify_saved(f"Saved {saved.title}")
        table = self.query_one("#initiatives-table", DataTable)
        keys = [i.key for i in self.workshop.initiatives] if self.workshop else []
        if saved.key in keys:
            table.move_cursor(row=keys.index(saved.key))
        table.focus()

    def action_add(self) -> None:
        from workshop_tui.tui.modals.initiative_form import InitiativeFormModal

        if self.workshop is not None:
            self.app.push_screen(InitiativeFormModal(self.session_id, self.workshop), self._after_form)

    def action_edit(self) -> None:
        from workshop_tui.tui.modals.initiative_form import InitiativeFormModal

        item = self._selected()
        if item is not None and self.workshop is not None:
            self.app.push_screen(InitiativeFormModal(self.session_id, self.workshop, item), self._after_form)

    def action_remove(self) -> None:
        from workshop_tui.services import editing
        from workshop_tui.tui.modals.confirm import ConfirmModal

        item = self._selected()
        if item is None or self.workshop is None:
            return
        needed_by = [i.title for i in self.workshop.initiatives if item.key in i.depends_on]

        def removed(_none) -> None:
            self.changed()
            self.notify_saved(f"Removed {item.title}")

        def ask(impact) -> None:
            extra = ""
            if impact:
                extra += "\nWhat happens to votes already cast:\n" + impact.text()
            if needed_by:
                extra += f"\nIt is a prerequisite of: {', '.join(needed_by)}."

            def answered(yes: bool | None) -> None:
                if yes:  # NeedsConsent (votes changed meanwhile) comes back as a message: ask again
                    self.write(partial(editing.delete_initiative, self.db, self.session_id, item.key,
                                       accept=impact), removed)

            self.app.push_screen(ConfirmModal(f"Remove \u201c{item.title}\u201d?{extra}", yes="Remove",
                                              no="Keep"), answered)

        # What the removal does to votes is read through the writer, after any change on its way.
        self.write(partial(editing.initiative_impact, self.db, self.session_id, item.key), ask)

    def action_import_csv(self) -> None:
        from workshop_tui.tui.modals.import_initiatives import ImportInitiativesModal

        def imported(count: int | None) -> None:
            if count:
                self.changed()
                self.notify_saved(f"Imported {plural(count, 'initiative')}")

        if self.workshop is not None:
            self.app.push_screen(ImportInitiativesModal(self.session_id), imported)
