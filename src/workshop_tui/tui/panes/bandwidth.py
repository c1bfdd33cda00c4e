"""Stage 5, Bandwidth and bottlenecks: how much the organisation can run at
once, what limits it, and what each initiative would draw on those limits."""

from __future__ import annotations

import dataclasses
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from workshop_tui.domain.model import DECIDED_LABELS, Bottleneck, Workshop
from workshop_tui.domain.summaries import Usage, bottleneck_usage, slot_usage
from workshop_tui.presentation import plural
from workshop_tui.tui.safe import line as user_line
from workshop_tui.tui.safe import plain
from workshop_tui.tui.widgets.number_grid import NumberGrid
from workshop_tui.tui.widgets.pane import StagePane

BAR_WIDTH = 24
NOT_DECIDED = "open"


def usage_line(usage: Usage, width: int = 120) -> Text:
    """One bar: decided-already first (solid), then everything else asked for."""
    narrow = width < 110
    label_width, bar_width = (18, 14) if narrow else (30, BAR_WIDTH)
    line = Text(plain(usage.name)[:label_width].ljust(label_width) + " ")
    capacity = usage.capacity
    if not capacity:
        line.append("capacity not set", style="dim")
        line.append(f"   asked for {usage.total} {plain(usage.unit)}".rstrip())
        return line
    scale = max(capacity, usage.total)
    solid = round(bar_width * usage.committed / scale)
    rest = round(bar_width * usage.total / scale) - solid
    free = bar_width - solid - rest
    line.append("█" * solid, style="bold yellow")
    # Asking for more than fits is the normal starting point (the choices will leave some
    # out); only decisions already made beyond capacity are a problem now.
    committed_over = usage.committed > capacity
    line.append("▓" * rest, style="bold red" if committed_over else "yellow" if usage.over else "green")
    line.append("░" * free, style="dim")
    line.append(f" {usage.total}/{capacity}" if narrow else f" {usage.total}/{capacity} {plain(usage.unit)}".rstrip())
    line.append(f" committed {usage.committed}" if narrow else f"  already committed: {usage.committed} of {capacity}")
    if committed_over:
        over = usage.committed - capacity
        line.append(f" OVER by {over}" if narrow else f"  OVER by {over}", style="bold red")
    elif usage.over:
        # All asked together is more than fits: the choices will have to cut this much.
        more = usage.total - capacity
        line.append(f" {more} to cut" if narrow else f"  {more} to cut", style="yellow")
    return line


class BandwidthPane(StagePane):
    STAGE = "bandwidth"
    TITLE = "Bandwidth and bottlenecks"
    HELP = (
        "How many projects can the organisation really run at once? That is limited by delivery "
        "specialists and by demands on central functions and clinicians' time. Name the bottlenecks "
        "(for example information-governance review, clinical safety officer time, integration engineers, "
        "data analysts, trainers for go-live, capital funding) with their capacity, and say what each "
        "initiative would draw on them.\n\n"
        "Decisions already made (a programme in flight, a funding commitment, an existing contract, a "
        "mandate) use capacity first: the bars show them solid, then everything else asked for. A red bar "
        "is over capacity: the strategy must either relieve that constraint or do fewer things.\n\n"
        "Keys: s sets the slots (projects at once). In the bottlenecks table: a adds, Enter or e edits, "
        "d removes. In the demand grid (Tab to reach it): arrows move; press Enter on a bottleneck's column "
        "to start typing numbers (the border turns orange and says ENTERING), type a number and press Enter "
        "to set a demand (0 clears it). Escape abandons what you typed, and with nothing typed stops "
        "entering, so the number keys change stage again (a second Escape goes back to the sessions). "
        "On the 'Decided already' column Enter or k chooses the status."
    )
    BINDINGS = [
        Binding("s", "slots", "Slots", id="bandwidth.slots"),
        Binding("a", "add", "Add bottleneck", id="bandwidth.add"),
        Binding("e", "edit", "Edit", id="bandwidth.edit"),
        Binding("d,delete", "remove", "Remove", id="bandwidth.remove"),
        Binding("k", "decided", "Decided already", id="bandwidth.decided"),
    ]

    def __init__(self, session_id: int, **kwargs) -> None:
        super().__init__(session_id, **kwargs)
        self.workshop: Workshop | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE, style="bold"), classes="pane-title")
        yield Static("", id="bandwidth-bars")
        table: DataTable = DataTable(id="bottlenecks-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Bottleneck", "Capacity", "Unit")
        yield table
        yield Static("", id="demand-heading", classes="summary")
        yield NumberGrid(id="demand-grid")

    # -- drawing --------------------------------------------------------------

    def load(self, workshop: Workshop) -> None:
        self.workshop = workshop
        table = self.query_one("#bottlenecks-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for b in workshop.bottlenecks:
            table.add_row(user_line(b.name), str(b.capacity), user_line(b.unit), key=b.key)
        if workshop.bottlenecks:
            table.move_cursor(row=min(keep, len(workshop.bottlenecks) - 1))
        self._draw_bars()
        self._draw_grid()
        self.refresh_bindings()

    def on_resize(self) -> None:
        if self.workshop is not None:
            self._draw_bars()

    def _draw_bars(self) -> None:
        workshop = self.workshop
        lines = Text()
        slots = slot_usage(workshop)
        if workshop.session.bandwidth is None:
            lines.append("Slots: not set yet. Press s to say how many projects can run at once.", style="bold")
        else:
            lines.append_text(usage_line(slots, self.size.width))
        for usage in bottleneck_usage(workshop):
            lines.append("\n")
            lines.append_text(usage_line(usage, self.size.width))
        if not workshop.bottlenecks:
            lines.append("\nNo bottlenecks yet: press a to name one (e.g. information-governance review).",
                         style="dim")
        self.query_one("#bandwidth-bars", Static).update(lines)

    def _draw_grid(self) -> None:
        workshop = self.workshop
        grid = self.query_one("#demand-grid", NumberGrid)
        keep = grid.cursor_coordinate
        grid.clear(columns=True)
        grid.add_column("Initiative", key="initiative")
        grid.add_column("Decided already", key="decided")
        for b in workshop.bottlenecks:
            grid.add_column(Text(plain(b.name)[:16]), key=b.key)
        grid.editable_columns = {b.key for b in workshop.bottlenecks}
        for item in workshop.initiatives:
            grid.add_row(Text(plain(item.title)[:40]), self._decided_cell(item.decided),
                         *[self._demand_cell(item.demands.get(b.key, 0)) for b in workshop.bottlenecks],
                         key=item.key)
        grid.display = bool(workshop.initiatives)
        self.query_one("#demand-heading", Static).update(
            "Demands: Enter starts typing (Enter saves, Escape stops) · k: decided already"
            if workshop.initiatives else "Add initiatives in stage 3 to record their demands here.")
        if keep.row < grid.row_count and keep.column < len(grid.columns):
            grid.cursor_coordinate = keep
        if grid.cursor_column == 0 and len(grid.columns) > 1:
            grid.cursor_coordinate = grid.cursor_coordinate._replace(column=1)

    @staticmethod
    def _demand_cell(amount: int) -> Text:
        return Text(str(amount)) if amount else Text("·", style="dim")

    @staticmethod
    def _decided_cell(decided: str | None) -> Text:
        return Text(DECIDED_LABELS[decided], style="bold") if decided else Text("no", style="dim")

    # -- keys that make sense where -----------------------------------------------

    def _grid_cell(self) -> tuple[str, str] | None:
        grid = self.query_one("#demand-grid", NumberGrid)
        if not grid.has_focus or grid.row_count == 0:
            return None
        cell = grid.coordinate_to_cell_key(grid.cursor_coordinate)
        return str(cell.row_key.value), str(cell.column_key.value)

    def _selected(self) -> Bottleneck | None:
        table = self.query_one("#bottlenecks-table", DataTable)
        if self.workshop is None or not self.workshop.bottlenecks or not table.has_focus:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return next((b for b in self.workshop.bottlenecks if b.key == row_key.value), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "remove"):
            return self._selected() is not None
        if action == "add":
            return self._grid_cell() is None
        if action == "decided":
            return self._grid_cell() is not None
        return True

    def on_descendant_focus(self, _event) -> None:
        self.refresh_bindings()

    def on_data_table_cell_highlighted(self, _event) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if not self.still_shown(event):
            return
        if event.data_table.id == "bottlenecks-table":
            self.action_edit()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        if not self.still_shown(event):
            return
        if str(event.cell_key.column_key.value) == "decided":
            self.action_decided()

    # -- demands and decisions, in place --------------------------------------------

    def on_number_grid_number_entered(self, event: NumberGrid.NumberEntered) -> None:
        from workshop_tui.services import editing

        event.stop()
        grid, row, column, value = event.grid, event.row, event.column, event.value

        def refused(problem: str, _exc: BaseException) -> None:
            self.fail(problem)
            grid.update_cell(row, column, Text("?"))

        def saved(_none) -> None:
            item = self.workshop.initiative(row)
            demands = {k: v for k, v in {**item.demands, column: value}.items() if v}
            self._replace(dataclasses.replace(item, demands=demands))
            grid.update_cell(row, column, self._demand_cell(value))
            self._draw_bars()
            self.changed("", reload=False)

        grid.update_cell(row, column, Text(str(value), style="underline"))  # typed, not yet saved
        self.write(partial(editing.set_demand, self.db, self.session_id, row, column, value), saved,
                   failed=refused)

    def action_decided(self) -> None:
        from workshop_tui.tui.modals.choose import ChooseModal

        cell = self._grid_cell()
        if cell is None or self.workshop is None:
            return
        item = self.workshop.initiative(cell[0])
        options = [(NOT_DECIDED, "Not decided", "Open to the room's choice.")]
        options += [(key, label, "A decision already made: it uses capacity first.")
                    for key, label in DECIDED_LABELS.items()]

        def chosen(value: str | None) -> None:
            from workshop_tui.services import editing

            if value is None:
                return

            def done(saved) -> None:
                self._replace(saved)
                self.query_one("#demand-grid", NumberGrid).update_cell(item.key, "decided",
                                                                      self._decided_cell(saved.decided))
                self._draw_bars()
                self.changed("", reload=False)
                self.notify_saved(f"Saved {saved.title}")

            self.write(partial(editing.set_decided, self.db, self.session_id, item.key,
                               None if value == NOT_DECIDED else value), done)

        self.app.push_screen(ChooseModal(f"Decided already? {item.title}", options), chosen)

    def _replace(self, item) -> None:
        self.workshop = dataclasses.replace(
            self.workshop, initiatives=tuple(item if i.key == item.key else i for i in self.workshop.initiatives))

    # -- slots and bottlenecks --------------------------------------------------

    def action_slots(self) -> None:
        from workshop_tui.services import editing
        from workshop_tui.tui.modals.form import Field, FormModal

        current = self.workshop.session.bandwidth if self.workshop else None

        def save(values: dict[str, str]):
            parsed, errors = editing.parse_setup({"bandwidth": values["bandwidth"]})
            if errors:
                raise editing.EditError(errors["bandwidth"], "bandwidth")
            return editing.save_setup(self.db, self.session_id, parsed)

        def saved(result) -> None:
            if result is not None:
                self.changed()
                self.notify_saved("Saved the slots")

        self.app.push_screen(FormModal("Slots: projects the organisation can run at once",
                                       [Field("bandwidth", "Projects at once", "" if current is None else str(current),
                                              "e.g. 4")], save), saved)

    def _bottleneck_form(self, current: Bottleneck | None) -> None:
        from workshop_tui.services import editing
        from workshop_tui.tui.modals.form import Field, FormModal

        fields = [Field("name", "Name", current.name if current else "", "e.g. Information-governance review"),
                  Field("capacity", "Capacity", str(current.capacity) if current else "", "e.g. 6"),
                  Field("unit", "Unit", current.unit if current else "", "e.g. days per month")]

        def save(values: dict[str, str]) -> Bottleneck:
            capacity = editing.parse_whole(values["capacity"], "Capacity", field="capacity", blank=False)
            return editing.save_bottleneck(self.db, self.session_id, values["name"], capacity, values["unit"],
                                           key=current.key if current else "")

        def saved(result) -> None:
            if result is not None:
                self.changed()
                self.notify_saved(f"Saved {result.name}")

        self.app.push_screen(FormModal("Edit bottleneck" if current else "New bottleneck", fields, save), saved)

    def action_add(self) -> None:
        self._bottleneck_form(None)

    def action_edit(self) -> None:
        current = self._selected()
        if current is not None:
            self._bottleneck_form(current)

    def action_remove(self) -> None:
        from workshop_tui.services import editing
        from workshop_tui.tui.modals.confirm import ConfirmModal

        current = self._selected()
        if current is None or self.workshop is None:
            return
        users = sum(1 for i in self.workshop.initiatives if i.demands.get(current.key))
        extra = f" The demands of {plural(users, 'initiative')} on it go too." if users else ""

        def removed(_none) -> None:
            self.changed()
            self.notify_saved(f"Removed {current.name}")

        def answered(yes: bool | None) -> None:
            if yes:
                self.write(partial(editing.delete_bottleneck, self.db, self.session_id, current.key), removed)

        self.app.push_screen(ConfirmModal(f"Remove the bottleneck \u201c{current.name}\u201d?{extra}",
                                          yes="Remove", no="Keep"), answered)
