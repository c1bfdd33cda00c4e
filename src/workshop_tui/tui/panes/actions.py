"""Stage 10, actions: a few commitments, each with an owner, a measure and a due date."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from workshop_tui.domain import model as m
from workshop_tui.presentation import plural
from workshop_tui.services import choices
from workshop_tui.services.choices import ChoiceError
from workshop_tui.tui.safe import plain
from workshop_tui.tui.widgets.pane import StagePane


class ActionsPane(StagePane):
    STAGE = "actions"
    TITLE = "Set actions"
    HELP = (
        "Turn the choices into a short list of commitments. The guidance asks for actions that are tangible, "
        "measurable, outcome-focused, realistic, time-bound and limited in number, each with an owner.\n\n"
        "n adds an action (for the initiative highlighted in the plan's will-do list, which you can change), "
        "Enter or e edits the highlighted action, d removes it. Type due dates as YYYY-MM-DD.\n\n"
        "The check above the table says which actions still lack an owner, a measure or a due date, and "
        "warns when there are more actions than the session's limit (5 unless set otherwise)."
    )
    DEFAULT_CSS = """
    ActionsPane #actions-check { height: auto; }
    ActionsPane #actions-chosen { height: auto; color: $text-muted; }
    """
    BINDINGS = [
        Binding("n", "add", "New action", id="actions.add"),
        Binding("e,enter", "edit", "Edit", id="actions.edit"),
        Binding("d,delete", "remove", "Remove", id="actions.remove"),
    ]

    def __init__(self, session_id: int, **kwargs) -> None:
        super().__init__(session_id, **kwargs)
        self.workshop: m.Workshop | None = None
        self.chosen: list[str] = []
        self.plan = None

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE, style="bold"), classes="pane-title")
        yield Static(id="actions-chosen")
        yield Static(id="actions-check")
        table = DataTable(id="actions-table", cursor_type="row", zebra_stripes=True)
        table.add_column("Action", key="title", width=24)
        table.add_column("Initiative", key="initiative", width=14)
        table.add_column("Owner", key="owner", width=14)
        table.add_column("Due", key="due", width=10)
        table.add_column("Measure", key="measure")
        yield table

    def load(self, workshop: m.Workshop) -> None:
        self.workshop = workshop
        titles = {i.key: plain(i.title) for i in workshop.initiatives}  # user text, inert
        plan = None
        try:
            plan = choices.plan(workshop)  # the round policy never makes it from a hidden round
            self.chosen = [i.initiative for i in plan.will_do]
        except ChoiceError:
            self.chosen = []
        self.plan = plan
        with_action = {a.initiative for a in workshop.actions}
        chosen = Text("We will do: ", style="bold")
        chosen.append(", ".join(titles[k] + ("" if k in with_action else " (no action yet)") for k in self.chosen)
                      if self.chosen else "nothing chosen yet (see Choices, 8)")
        self.query_one("#actions-chosen", Static).update(chosen)
        checks = self._check()
        flagged = {c.action for c in checks if c.action}
        date = workshop.session.date  # a due date before the session is marked as the check says
        table = self.query_one("#actions-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for a in workshop.actions:
            lacks = choices.missing(a)
            table.add_row(
                Text(plain(a.title), overflow="ellipsis", no_wrap=True),
                Text(titles.get(a.initiative, "") if a.initiative else "–", overflow="ellipsis", no_wrap=True),
                Text(plain(a.owner) or "missing", style="" if a.owner else "bold reverse", overflow="ellipsis", no_wrap=True),
                Text(a.due.isoformat() if a.due else "missing",
                     style="bold reverse" if a.due is None or (a.due < date if date else False) else ""),
                Text(plain(a.measure) or "missing", style="" if a.measure else "bold reverse", overflow="ellipsis",
                     no_wrap=True),
                key=a.key, label=Text("!" if lacks or a.key in flagged else ""),
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self.refresh_bindings()

    def _check(self) -> list:
        """Show what the list still lacks or where it does not fit the plan; returns the checks."""
        workshop = self.workshop
        checks = choices.check_actions(workshop, self.plan) if self.plan is not None else [
            c for c in choices.check_actions(workshop, None) if "in the plan" not in c.message]
        limit = workshop.session.max_actions or 5
        out = Text()
        if not workshop.actions:
            out.append("No actions yet. Press n to add the first one.")
        elif not checks:
            out.append(f"✓ {len(workshop.actions)} of at most {limit} actions, each with an owner, a measure "
                       "and a due date.", style="bold")
        else:
            out.append(f"{plural(len(workshop.actions), 'action')}, at most {limit}. To finish:\n", style="bold")
            for c in checks:
                out.append(f"• {plain(c.message)}\n")
            out.rstrip()
        self.query_one("#actions-check", Static).update(out)
        return checks

    @property
    def highlighted(self) -> m.Action | None:
        table = self.query_one("#actions-table", DataTable)
        if not table.row_count or self.workshop is None:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((a for a in self.workshop.actions if a.key == key), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "remove"):
            return bool(self.workshop and self.workshop.actions)
        return True

    def _form(self, action: m.Action | None) -> None:
        from workshop_tui.tui.modals.action_form import ActionFormModal

        with_action = {a.initiative for a in self.workshop.actions}
        suggestion = next((k for k in self.chosen if k not in with_action), None)
        ordered = self.chosen + [i.key for i in self.workshop.initiatives if i.key not in self.chosen]
        titles = {i.key: i.title for i in self.workshop.initiatives}

        def done(result: m.Action | None) -> None:
            if result is None:
                return

            def saved(_none) -> None:
                self.changed()
                self.notify_saved(f"Saved: {result.title}")

            self.write(partial(choices.save_action, self.db, self.session_id, result), saved)

        self.app.push_screen(ActionFormModal([(k, titles[k]) for k in ordered], action, suggestion), done)

    def action_add(self) -> None:
        if self.workshop is not None:
            self._form(None)

    def action_edit(self) -> None:
        action = self.highlighted
        if action is not None:
            self._form(action)

    def action_remove(self) -> None:
        from workshop_tui.tui.modals.confirm import ConfirmModal

        action = self.highlighted
        if action is None:
            return

        def removed(_none) -> None:
            self.changed()
            self.notify_saved(f"Removed: {action.title}")

        def done(yes: bool) -> None:
            if yes:
                self.write(partial(choices.delete_action, self.db, self.session_id, action.key), removed)

        self.app.push_screen(ConfirmModal(f"Remove the action \u201c{action.title}\u201d?"), done)
