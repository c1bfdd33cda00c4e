"""Stage 4, Exemplar criteria: how the room decides where to start, and the
gates (show-stoppers) each initiative passes or fails."""

from __future__ import annotations

from functools import partial

from fractions import Fraction

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from workshop_tui.domain.model import Criterion, Workshop
from workshop_tui.domain.summaries import GateMark, gate_marks, shortlist, weight_shares, weights_warning
from workshop_tui.tui.safe import line, plain, shown
from workshop_tui.tui.widgets.pane import StagePane

KIND_CHOICES = (("Scored (weight and scale)", "score"), ("Gate (pass or fail)", "gate"))
DIRECTION_CHOICES = (("Benefit: higher is better", "benefit"), ("Cost: lower is better", "cost"))


def gate_cell(mark: GateMark | None) -> Text:
    if mark is None:
        return Text("·", style="dim")
    text = Text("pass", style="bold green") if mark.passed else Text("FAIL", style="bold red")
    if mark.note:
        text.append(" *")
    return text


class CriteriaPane(StagePane):
    STAGE = "criteria"
    TITLE = "Exemplar criteria: decide where to start"
    HELP = (
        "Pick a small number of exemplar areas to start with. The NHS guidance suggests places where the "
        "organisation can build consensus, deliver real value in less than six months, learn from the "
        "experience and make a real impact on patients, clinicians and stakeholders; in a part of the "
        "organisation that wants to change; with no show-stoppers such as insurmountable information-"
        "governance issues.\n\n"
        "A gate is pass or fail: failing one rules an initiative out as an exemplar. A scored criterion "
        "has a weight (shown as a % of all scored weights; aim for a total of 100), a scale, and a "
        "direction (benefit: higher is better; cost: lower is better). Scored criteria are used by a "
        "weighted-matrix vote in the Voting stage.\n\n"
        "Keys in the criteria table: t starts from a template (NHS \"decide where to start\", THET's "
        "Principles for Digital Development, or empty); a adds a criterion; Enter or e edits it; d removes it.\n"
        "Keys in the gates grid (Tab to reach it; arrows move): p pass, f fail, x clear, n adds a note "
        "(why it failed). Initiatives that pass every gate are listed as exemplar candidates."
    )
    BINDINGS = [
        Binding("t", "template", "Template", id="criteria.template"),
        Binding("a", "add", "Add", id="criteria.add"),
        Binding("e", "edit", "Edit", id="criteria.edit"),
        Binding("d,delete", "remove", "Remove", id="criteria.remove"),
        Binding("p", "gate(True)", "Pass", id="gates.pass"),
        Binding("f", "gate(False)", "Fail", id="gates.fail"),
        Binding("x", "gate(None)", "Clear", id="gates.clear"),
        Binding("n", "note", "Note", id="gates.note"),
    ]

    def __init__(self, session_id: int, **kwargs) -> None:
        super().__init__(session_id, **kwargs)
        self.workshop: Workshop | None = None
        self.marks: dict[tuple[str, str], GateMark] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE, style="bold"), classes="pane-title")
        table: DataTable = DataTable(id="criteria-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Criterion", "Kind", "Weight", "Share", "Scale", "Direction")
        yield table
        yield Static("", id="criteria-warning", classes="warning")
        yield Static("", id="gates-heading", classes="summary")
        yield DataTable(id="gates-grid", cursor_type="cell", zebra_stripes=True)
        yield Static("", id="gates-shortlist", classes="summary")

    # -- drawing --------------------------------------------------------------

    def load(self, workshop: Workshop) -> None:
        from workshop_tui.services.editing import fmt_number

        self.workshop = workshop
        table = self.query_one("#criteria-table", DataTable)
        keep = table.cursor_row
        table.clear()
        shares = weight_shares(workshop.criteria)
        for c in workshop.criteria:
            scored = c.kind == "score"
            table.add_row(
                line(c.name), "scored" if scored else "gate",
                fmt_number(c.weight) if scored else "",
                f"{float(shares[c.key]):.0f}%" if scored else "",
                f"{fmt_number(c.min)}–{fmt_number(c.max)}" if scored else "pass/fail",
                c.direction if scored else "", key=c.key)
        if workshop.criteria:
            table.move_cursor(row=min(keep, len(workshop.criteria) - 1))
        warning = weights_warning(workshop.criteria)
        if not workshop.criteria:
            warning = "No criteria yet: press t to start from a template, or a to add one."
        self.query_one("#criteria-warning", Static).update(shown(warning))
        self.query_one("#criteria-warning").display = bool(warning)
        self._draw_gates()
        self.refresh_bindings()

    def _draw_gates(self) -> None:
        workshop = self.workshop
        grid = self.query_one("#gates-grid", DataTable)
        keep = grid.cursor_coordinate
        grid.clear(columns=True)
        gates = workshop.gates
        heading = self.query_one("#gates-heading", Static)
        if not gates or not workshop.initiatives:
            grid.display = False
            heading.update("Gates: add a gate criterion (and initiatives) to record show-stoppers here."
                           if not gates else "Gates: add initiatives in stage 3 to assess them here.")
            self.query_one("#gates-shortlist", Static).update("")
            return
        grid.display = True
        heading.update("Gates per initiative: p pass · f fail · x clear · n note (* = has a note)")
        self.marks = gate_marks(workshop)
        grid.add_column("Initiative", key="initiative")
        for g in gates:
            grid.add_column(Text(plain(g.name)[:24]), key=g.key)
        for item in workshop.initiatives:
            grid.add_row(line(item.title), *[gate_cell(self.marks.get((item.key, g.key))) for g in gates],
                         key=item.key)
        if keep.row < grid.row_count:
            grid.cursor_coordinate = keep
        if grid.cursor_column == 0:
            grid.cursor_coordinate = grid.cursor_coordinate._replace(column=1)
        self._draw_shortlist()

    def _draw_shortlist(self) -> None:
        workshop = self.workshop
        result = shortlist(workshop)
        titles = {i.key: plain(i.title) for i in workshop.initiatives}
        out = Text("Exemplar candidates (every gate passed): ", style="bold")
        out.append(", ".join(titles[k] for k in result.candidates) or "none yet")
        out.append(f"   Ruled out {len(result.ruled_out)} · still to assess {len(result.pending)}")
        self.query_one("#gates-shortlist", Static).update(out)

    # -- which keys make sense where ----------------------------------------------

    def _in_grid(self) -> bool:
        grid = self.query_one("#gates-grid", DataTable)
        return grid.has_focus and grid.display

    def _selected(self) -> Criterion | None:
        table = self.query_one("#criteria-table", DataTable)
        if self.workshop is None or not self.workshop.criteria or table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return next((c for c in self.workshop.criteria if c.key == row_key.value), None)

    def _gate_cell(self) -> tuple[str, str] | None:
        grid = self.query_one("#gates-grid", DataTable)
        if not self._in_grid() or grid.row_count == 0 or grid.cursor_column == 0:
            return None
        cell = grid.coordinate_to_cell_key(grid.cursor_coordinate)
        return str(cell.row_key.value), str(cell.column_key.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("gate", "note"):
            return self._gate_cell() is not None
        if action in ("edit", "remove"):
            return not self._in_grid() and self._selected() is not None
        if action in ("add", "template"):
            return not self._in_grid()
        return True

    def on_descendant_focus(self, _event) -> None:
        self.refresh_bindings()

    def on_data_table_cell_highlighted(self, _event) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if not self.still_shown(event):
            return
        if event.data_table.id == "criteria-table":
            self.action_edit()

    # -- criteria ---------------------------------------------------------------

    def action_template(self) -> None:
        from workshop_tui.domain.templates import TEMPLATES
        from workshop_tui.tui.modals.choose import ChooseModal
        from workshop_tui.tui.modals.confirm import ConfirmModal

        def apply(key: str | None) -> None:
            from workshop_tui.services import editing

            if key is None:
                return

            def applied(_none) -> None:
                self.changed()
                self.notify_saved("Criteria replaced from the template")

            self.write(partial(editing.apply_template, self.db, self.session_id, key), applied)

        def chosen(key: str | None) -> None:
            if key is None:
                return
            if self.workshop and self.workshop.criteria:
                self.app.push_screen(ConfirmModal(
                    f"Replace the {len(self.workshop.criteria)} current criteria with this template?",
                    yes="Replace", no="Keep mine"), lambda yes: apply(key) if yes else None)
            else:
                apply(key)

        self.app.push_screen(ChooseModal("Start from a template",
                                         [(t.key, t.name, t.summary) for t in TEMPLATES]), chosen)

    def _criterion_form(self, current: Criterion | None) -> None:
        from workshop_tui.services import editing
        from workshop_tui.tui.modals.confirm import ConfirmModal
        from workshop_tui.tui.modals.form import Field, FormModal

        c = current or Criterion(key="", name="", weight=Fraction(0))
        fields = [
            Field("name", "Name", c.name, "e.g. Real value in under six months"),
            Field("kind", "Kind", c.kind, choices=KIND_CHOICES),
            Field("weight", "Weight", editing.fmt_number(c.weight) if current else "", "e.g. 25 (scored only)"),
            Field("min", "Scale from", editing.fmt_number(c.min)),
            Field("max", "Scale to", editing.fmt_number(c.max)),
            Field("direction", "Direction", c.direction, choices=DIRECTION_CHOICES),
            Field("description", "Description", c.description, "what the room should ask itself"),
        ]

        def save(values: dict[str, str]) -> object:
            edited = Criterion(
                key=c.key, name=values["name"], kind=values["kind"],
                weight=editing.parse_number(values["weight"], "Weight", field="weight") or Fraction(0),
                min=editing.parse_number(values["min"], "Scale from", field="min", minimum=None, blank=False),
                max=editing.parse_number(values["max"], "Scale to", field="max", minimum=None, blank=False),
                direction=values["direction"], description=values["description"].strip())
            impact = editing.criterion_impact(self.db, self.session_id, edited)
            if impact:
                return edited, impact  # asked below, after the form closes
            return editing.save_criterion(self.db, self.session_id, edited)

        def committed(result: Criterion) -> None:
            self.changed()
            self.notify_saved(f"Saved {result.name}")

        def commit(edited: Criterion, impact) -> None:
            # NeedsConsent (votes changed meanwhile) comes back as a message: ask again.
            self.write(partial(editing.save_criterion, self.db, self.session_id, edited, accept=impact), committed)

        def saved(result) -> None:
            if isinstance(result, tuple):
                edited, impact = result
                self.app.push_screen(ConfirmModal(
                    f"Save the criterion \u201c{edited.name}\u201d? It changes votes already cast:\n"
                    + impact.text(), yes="Save", no="Don't save"),
                    lambda yes: commit(edited, impact) if yes else None)
            elif result is not None:
                self.changed()
                self.notify_saved(f"Saved {result.name}")

        self.app.push_screen(FormModal("Edit criterion" if current else "New criterion", fields, save), saved)

    def action_add(self) -> None:
        self._criterion_form(None)

    def action_edit(self) -> None:
        current = self._selected()
        if current is not None:
            self._criterion_form(current)

    def action_remove(self) -> None:
        from workshop_tui.services import editing
        from workshop_tui.tui.modals.confirm import ConfirmModal

        current = self._selected()
        if current is None:
            return
        def removed(_none) -> None:
            self.changed()
            self.notify_saved(f"Removed {current.name}")

        def answered(yes: bool | None) -> None:
            if yes:
                self.write(partial(editing.delete_criterion, self.db, self.session_id, current.key), removed)

        def ask(votes: int) -> None:
            extra = f" Its {votes} vote(s) or gate assessment(s) will be removed too." if votes else ""
            self.app.push_screen(ConfirmModal(f"Remove the criterion \u201c{current.name}\u201d?{extra}",
                                              yes="Remove", no="Keep"), answered)

        # Counted through the writer: after any change still on its way, never on the UI thread.
        self.write(partial(editing.count_votes, self.db, self.session_id, criterion=current.key), ask)

    # -- gates ----------------------------------------------------------------

    def _record(self, item: str, gate: str, passed: bool | None, note: str) -> None:
        from workshop_tui.services import editing

        self.write(partial(editing.record_gate, self.db, self.session_id, item, gate, passed, note),
                   lambda _none: self._recorded(item, gate, passed, note))

    def _recorded(self, item: str, gate: str, passed: bool | None, note: str) -> None:
        # Update the one cell and the shortlist in place; no reload for a keypress.
        self.workshop = _with_gate(self.workshop, item, gate, passed, note.strip())
        self.marks = gate_marks(self.workshop)
        self.query_one("#gates-grid", DataTable).update_cell(item, gate, gate_cell(self.marks.get((item, gate))))
        self._draw_shortlist()
        self.changed("", reload=False)

    def action_gate(self, passed: bool | None) -> None:
        cell = self._gate_cell()
        if cell is None:
            return
        old = self.marks.get(cell)
        # Keep a note made earlier when the verdict is unchanged.
        note = old.note if old is not None and old.passed == passed else ""
        self._record(*cell, passed, note)
        grid = self.query_one("#gates-grid", DataTable)
        if passed is not None and grid.cursor_row < grid.row_count - 1:
            grid.move_cursor(row=grid.cursor_row + 1)

    def action_note(self) -> None:
        from workshop_tui.tui.modals.form import Field, FormModal

        cell = self._gate_cell()
        if cell is None or self.workshop is None:
            return
        old = self.marks.get(cell)
        title = f"{self.workshop.initiative(cell[0]).title}: {next(g.name for g in self.workshop.gates if g.key == cell[1])}"
        fields = [Field("verdict", "Verdict", "pass" if old is None or old.passed else "fail",
                        choices=(("Pass", "pass"), ("Fail", "fail"))),
                  Field("note", "Note", old.note if old else "", "e.g. IG: data would leave the UK")]

        def save(values: dict[str, str]) -> tuple[bool, str]:
            from workshop_tui.services import editing

            passed = values["verdict"] == "pass"
            editing.record_gate(self.db, self.session_id, *cell, passed, values["note"])  # the writer's thread
            return passed, values["note"]

        def saved(result: tuple[bool, str] | None) -> None:
            if isinstance(result, tuple) and self.workshop is not None:
                self._recorded(*cell, *result)

        self.app.push_screen(FormModal(title, fields, save), saved)


def _with_gate(workshop: Workshop, item: str, gate: str, passed: bool | None, note: str) -> Workshop:
    """The pane's copy of the workshop with one gate assessment as just recorded (on the facilitator's sheet)."""
    import dataclasses

    from workshop_tui.domain.methods.gates import OWN_SHEET
    from workshop_tui.domain.model import GateAssessment, GateSheet

    own = next((g for g in workshop.gate_sheets if g.key == OWN_SHEET),
               GateSheet(key=OWN_SHEET, position=len(workshop.rounds) + len(workshop.gate_sheets)))
    kept = [a for a in own.assessments if (a.initiative, a.criterion) != (item, gate)]
    if passed is not None:
        kept.append(GateAssessment(initiative=item, criterion=gate, passed=passed, note=note))
    sheets = [g for g in workshop.gate_sheets if g.key != OWN_SHEET] + [dataclasses.replace(own, assessments=tuple(kept))]
    return dataclasses.replace(workshop, gate_sheets=tuple(sheets))
