"""Stage 9, choices: what we will do, not now and won't, and why; overrides with a reason."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from workshop_tui.domain import model as m
from workshop_tui.domain.numbers import display, grouped, rank_label
from workshop_tui.services import choices
from workshop_tui.services.choices import ChoiceError
from workshop_tui.tui.picture import depends_on, depends_on_all, same
from workshop_tui.tui.safe import plain, shown
from workshop_tui.tui.threads import in_thread
from workshop_tui.tui.widgets.pane import StagePane

CUT = "__cut__"
OUTCOME = {"will": "Will do", "undecided": "Undecided", "not_now": "Not now", "wont": "Won't"}
DETAIL_LINES = 6
KIND_OF_KEY = {"include": "within", "stretch": "stretch", "exclude": "rule_out"}
COLUMNS = ("outcome", "wave", "rank", "title", "why")


def _look(text: Text) -> tuple:
    """What a cell draws (Text's own == leaves out its style and how it is cut)."""
    return text.plain, str(text.style), tuple(text.spans), text.overflow, text.no_wrap, text.justify


def work_out(workshop: m.Workshop, round_key: str | None) -> tuple[object, list, str]:
    """The plan from ``round_key`` and its discussion queue, or the reason there is none.
    Pure: runs in a worker thread."""
    try:
        plan = choices.plan(workshop, round_key)
    except ChoiceError as exc:
        return None, [], str(exc)
    return plan, (choices.discussion(workshop, plan.round) if plan.round else []), ""


def usage_bar(used, capacity, width: int = 12) -> str:
    if not capacity:
        return ""
    filled = min(width, int(float(used) / float(capacity) * width))
    return "█" * filled + "░" * (width - filled)


class ChoicesPane(StagePane):
    STAGE = "choices"
    TITLE = "What we will do, and what we won't"
    HELP = (
        "The plan fits the round's ranking to your bandwidth (how many initiatives can run at once), the "
        "named bottlenecks and the budget, and honours prerequisites. Decisions already made come first. "
        "Everything above the cut line we will do (the wave says which can start first); below it, not now "
        "and won't, each with its reason in plain words. Enter shows the full reasons for the highlighted "
        "initiative.\n\n"
        "The panel under the table shows the full reasons of the highlighted initiative.\n\n"
        "You can overrule the arithmetic: i includes the highlighted initiative within the bandwidth (you "
        "see what it would push out before you confirm), s includes it above the bandwidth as a stretch item "
        "(the plan uses one slot more and says so), x rules it out. You must say why; the reason and the "
        "effect are recorded and shown to the board. Delete removes your override.\n\n"
        "Initiatives tied across the cut line are Undecided: the arithmetic cannot choose between them, so "
        "you decide with an override. The discussion queue lists them first, then contested initiatives "
        "close to the cut line: talk about these before "
        "another round. When an exact optimiser finds a better combination within the same limits, it is "
        "shown below the table with the swap it makes. [ and ] change the round the plan is built from."
    )
    DEFAULT_CSS = """
    ChoicesPane #choices-head { height: auto; text-style: bold; }
    ChoicesPane #choices-capacity { height: auto; }
    ChoicesPane #choices-notes { height: auto; max-height: 3; color: $text-muted; }
    ChoicesPane #choices-table { height: 1fr; min-height: 5; }
    ChoicesPane #choices-detail { height: auto; max-height: 7; border-top: solid $primary; }
    """
    BINDINGS = [
        Binding("i", "override('include')", "Include", id="choices.include"),
        Binding("s", "override('stretch')", "Stretch", id="choices.stretch"),
        Binding("x", "override('exclude')", "Rule out", id="choices.exclude"),
        Binding("delete,backspace", "remove_override", "Remove override", id="choices.remove"),
        Binding("enter", "why", "Why?", id="choices.why"),
        Binding("left_square_bracket", "round(-1)", "Prev round", id="choices.prev"),
        Binding("right_square_bracket", "round(1)", "Next round", id="choices.next"),
    ]

    class Worked(Message):
        """A plan was worked out (posted by the worker thread)."""

        def __init__(self, made_from: tuple, round_key: str | None, figures: tuple | None,
                     error: BaseException | None = None) -> None:
            super().__init__()
            self.made_from, self.round_key, self.figures, self.error = made_from, round_key, figures, error

    def __init__(self, session_id: int, **kwargs) -> None:
        super().__init__(session_id, **kwargs)
        self.workshop: m.Workshop | None = None
        self.round_key: str | None = None
        self.plan = None
        self.queue: list = []
        self.items: dict[str, tuple[str, object]] = {}
        # Per round: the plan and what it was made from (tui/picture.py). A read that took in
        # only other rounds (votes typed in another round) keeps it; any change to its own
        # round, or to anything else in the session, makes it again.
        self._plans: dict[str | None, tuple[tuple, tuple]] = {}
        self._working: dict[str | None, tuple] = {}
        self._row_keys: list[str] = []  # the initiative (or CUT) each row of the table shows
        self._shown_cells: list[tuple[Text, ...]] = []  # the cells each row shows

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE, style="bold"), classes="pane-title")
        yield Static(id="choices-head")
        yield Static(id="choices-capacity")
        table = DataTable(id="choices-table", cursor_type="row", zebra_stripes=True)
        for key, label, width in zip(COLUMNS, ("Outcome", "Wave", "Rank", "Initiative", "Why"), (8, 4, 4, 26, None)):
            table.add_column(label, key=key, width=width)
        yield table
        yield Static(id="choices-detail")
        yield Static(id="choices-notes")

    def load(self, workshop: m.Workshop) -> None:
        self.workshop = workshop
        # The plan's own round: the one the facilitator pinned (a reveal never moves it).
        self.round_key = choices.plan_round(workshop)
        if self.plan_for(self.round_key) is not None:
            self._draw()
        else:
            # Worked out in a thread; until it arrives the pane keeps what it shows
            # (the first time, nothing yet: it says so).
            if self.plan is None and not self.query_one("#choices-table", DataTable).row_count:
                self.query_one("#choices-head", Static).update(Text("Working out the plan..."))
            self._work_out(self.round_key)

    def _made_from(self, round_key: str | None) -> tuple:
        # With no round the plan takes the latest scored one: it depends on every round.
        return depends_on(self.workshop, round_key) if round_key is not None else depends_on_all(self.workshop)

    def plan_for(self, round_key: str | None) -> tuple | None:
        """The plan from ``round_key`` (plan, queue, problem), if it was made from the picture
        the pane holds now; None while it is being made."""
        entry = self._plans.get(round_key)
        if entry is None or self.workshop is None or not same(entry[0], self._made_from(round_key)):
            return None
        return entry[1]

    def _work_out(self, round_key: str | None) -> None:
        made_from = self._made_from(round_key)
        if same(self._working.get(round_key), made_from):
            return
        self._working[round_key] = made_from
        # After the frame that shows the stage with the plan before: the plan's work holds the
        # interpreter lock, and that frame (a 300-row table) took 0.25 s instead of 0.02 s beside it.
        self.app.after_frame(partial(in_thread, self, partial(self._work_in_thread, self.workshop, round_key,
                                                              made_from), group="choices-plan",
                                     exit_on_error=False))

    def _work_in_thread(self, workshop: m.Workshop, round_key: str | None, made_from: tuple) -> None:
        try:
            figures = work_out(workshop, round_key)
        except Exception as exc:  # noqa: BLE001 - a bug: the handler re-raises it on the UI thread
            self.post_message(self.Worked(made_from, round_key, None, error=exc))
            return
        self.post_message(self.Worked(made_from, round_key, figures))

    def on_choices_pane_worked(self, message: "ChoicesPane.Worked") -> None:
        message.stop()
        if message.error is not None:
            raise message.error
        if self._working.get(message.round_key) is message.made_from:
            del self._working[message.round_key]
        if self.workshop is None or not same(message.made_from, self._made_from(message.round_key)):
            return  # made from an older picture: a newer one is being made or shown
        self._plans[message.round_key] = (message.made_from, message.figures)
        if message.round_key == self.round_key:
            self._draw()

    def _draw(self) -> None:
        head = self.query_one("#choices-head", Static)
        table = self.query_one("#choices-table", DataTable)
        self.items, self.plan = {}, None
        plan, self.queue, problem = self.plan_for(self.round_key)
        if plan is None:
            table.clear()
            self._row_keys, self._shown_cells = [], []
            head.update(shown(problem))
            self._clear_extras()
            return
        self.plan = plan
        source = f"round {plan.round}" if plan.round else "no votes yet: decisions already made only"
        bandwidth = f"{plan.slots_used} of {plan.bandwidth} slots used" if plan.bandwidth else \
            f"{plan.slots_used} chosen (no bandwidth set)"
        if plan.stretch_slots:
            bandwidth += f" ({plan.stretch_slots} above it by decision)"
        undecided = f", {len(plan.undecided)} undecided" if plan.undecided else ""
        head.update(Text(f"Plan from {source} · {bandwidth} · "
                         f"{len(plan.will_do)} will do{undecided}, {len(plan.not_now)} not now, {len(plan.wont)} won't"))
        self._capacity(plan)
        # User text (titles, reasons quoting titles and rationales) is made inert once, here.
        titles = {i.key: plain(i.title) for i in self.workshop.initiatives}
        overridden = {d.initiative for d in self.workshop.decisions}
        rows = [self._row("will", item, titles, overridden)
                for item in sorted(plan.will_do, key=lambda i: (i.wave or 99, i.rank or 999, i.initiative))]
        rows.append((CUT, (Text("────────", style="bold"), Text(""), Text(""),
                           Text("───── cut line ─────", style="bold"), Text(""))))
        for outcome, items in (("undecided", plan.undecided), ("not_now", plan.not_now), ("wont", plan.wont)):
            rows += [self._row(outcome, item, titles, overridden) for item in items]
        self._fill(table, rows)
        self._notes(plan, titles)
        self._detail()
        self.refresh_bindings()

    def _row(self, outcome: str, item, titles: dict, overridden: set) -> tuple[str, tuple[Text, ...]]:
        why = plain("; ".join(r.detail for r in item.reasons))
        label = OUTCOME[outcome] + ("*" if item.initiative in overridden else "")
        style = {"will": "bold", "wont": "italic", "undecided": "bold reverse"}.get(outcome, "")
        self.items[item.initiative] = (outcome, item)
        return item.initiative, (
            Text(label, style=style), Text(display(item.wave) if item.wave else ""),
            Text(rank_label(item.rank, item.tied) if item.rank else "–"),
            Text(titles.get(item.initiative, item.initiative), overflow="ellipsis", no_wrap=True),
            Text(why, overflow="ellipsis", no_wrap=True))

    def _fill(self, table: DataTable, rows: list[tuple[str, tuple[Text, ...]]]) -> None:
        """The table shows ``rows`` (initiative key or CUT, cells): patched in place, only the
        cells that differ, rows added or removed at the end. Rows are keyed by position (the
        initiative each shows is in ``_row_keys``), so a plan that moves an initiative changes
        the cells of the rows between, not the table: clearing and adding 300 rows after every
        vote took 0.2 s of the UI thread. The cursor stays on its row, as it did."""
        keep = table.cursor_row
        before = self._shown_cells
        why = table.columns.get(ColumnKey("why"))
        if why is not None and why.content_width < max(cells[-1].cell_len for _key, cells in rows):
            # "Why" is as wide as the widest reason it has held (DataTable measures rows as they
            # are added and never narrows a column): a wider one means the table as a whole
            # again, as it was always made.
            table.clear()
            before = []
        for n, (_key, cells) in enumerate(rows):
            if n < len(before):
                for column, old, new in zip(COLUMNS, before[n], cells):
                    if _look(old) != _look(new):
                        table.update_cell(str(n), column, new)
            else:
                table.add_row(*cells, key=str(n))
        for n in range(len(rows), len(before)):
            table.remove_row(str(n))
        self._row_keys = [key for key, _cells in rows]
        self._shown_cells = [cells for _key, cells in rows]
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    def _capacity(self, plan) -> None:
        lines = Text()
        uses = list(plan.bottlenecks) + ([plan.budget] if plan.budget is not None else [])
        for use in uses:
            full = use.capacity is not None and use.used >= use.capacity
            lines.append(f"{plain(use.name)[:28]:<28} ", style="bold" if full else "")
            lines.append(usage_bar(use.used, use.capacity))
            lines.append(f" {grouped(use.used, from_=1000)} of {grouped(use.capacity, from_=1000)} {plain(use.unit)}".rstrip()
                         + "\n",
                         style="bold" if full else "")
        lines.rstrip()
        widget = self.query_one("#choices-capacity", Static)
        widget.display = bool(uses)
        widget.update(lines)

    def _notes(self, plan, titles: dict) -> None:
        out = Text()
        queue = self.queue
        if plan.undecided:
            out.append("Undecided, tied at the cut line: ", style="bold")
            out.append(", ".join(titles.get(i.initiative, i.initiative) for i in plan.undecided)
                       + ". Decide with i, s or x.\n")
        if queue:
            out.append("Discuss first (ties at the cut line, then contested near it): ", style="bold")
            out.append(", ".join(titles.get(r.initiative, r.initiative) for r in queue[:5]) + "\n")
        for effect in plan.overrides:
            out.append("Override: ", style="bold")
            out.append(plain(effect.text) + "\n")
        if plan.optimiser is not None:
            o = plan.optimiser
            out.append("An exact optimiser finds a better combination: ", style="bold")
            out.append(f"swap out {', '.join(titles.get(k, k) for k in o.swap_out) or 'nothing'}, "
                       f"swap in {', '.join(titles.get(k, k) for k in o.swap_in) or 'nothing'} "
                       f"(score {display(o.greedy_total)} → {display(o.total)}).\n")
        for cycle in plan.cycles:
            out.append(f"Dependency cycle: {' → '.join(titles.get(k, k) for k in cycle)}\n")
        for w in plan.warnings:
            if not w.startswith("Undecided:"):
                out.append(f"Note: {plain(w)}\n", style="bold" if "out of the plan" in w else "")
        if any(d for d in self.workshop.decisions):
            out.append("* the facilitator's override, with its recorded reason\n")
        out.rstrip()
        notes = self.query_one("#choices-notes", Static)
        notes.display = bool(out.plain)
        notes.update(out)

    def _detail(self) -> None:
        """The full reasons of the highlighted row, wrapped: the table cuts them to fit."""
        panel = self.query_one("#choices-detail", Static)
        key = self.highlighted
        if key is None or key not in self.items:
            panel.update(Text("Move to an initiative to read its full reasons here.", style="italic"))
            return
        outcome, item = self.items[key]
        text = Text.assemble((f"{OUTCOME[outcome]}: ", "bold"), (plain(self.workshop.initiative(key).title), "bold"),
                             ". ")
        note = choices.decision_note(self.workshop, key)
        if note:
            text.append(plain(note) + " ", style="italic")
        text.append(shown(" ".join(r.detail for r in item.reasons) or "No reason recorded."))
        width = panel.content_size.width
        if width > 10:
            lines = text.wrap(self.app.console, width)
            if len(lines) > DETAIL_LINES:
                # Longer than the panel: say where the rest is rather than cut it silently.
                text = Text("\n").join(lines[:DETAIL_LINES - 1])
                text.append("\n… more: Enter shows every reason in full", style="italic")
        panel.update(text)

    def _clear_extras(self) -> None:
        self.query_one("#choices-capacity", Static).display = False
        self.query_one("#choices-notes", Static).display = False
        self.query_one("#choices-detail", Static).update("")
        self.refresh_bindings()

    # -- keys -----------------------------------------------------------------
    @property
    def highlighted(self) -> str | None:
        table = self.query_one("#choices-table", DataTable)
        if not table.row_count or not 0 <= table.cursor_row < len(self._row_keys):
            return None
        key = self._row_keys[table.cursor_row]
        return None if key == CUT else key

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.workshop is None:
            return False
        if action == "round":
            return len(choices.plan_rounds(self.workshop)) > 1
        if action in ("override", "why"):
            return self.plan is not None
        if action == "remove_override":
            return bool(self.workshop.decisions) and self.plan is not None
        return True

    def on_resize(self) -> None:
        # The detail panel is wrapped to its width (to say when there is more): again at the new one.
        if self.plan is not None:
            self.call_after_refresh(self._detail)

    def on_data_table_row_highlighted(self, _event) -> None:
        if self.plan is not None:
            self._detail()
        self.refresh_bindings()

    def on_data_table_row_selected(self, event) -> None:
        # The table takes Enter for itself; selecting a row is the pane's "why?".
        if not self.still_shown(event):
            return
        self.action_why()

    def action_round(self, step: int) -> None:
        """Make the plan from another round: the facilitator's choice, stored (pinned)."""
        keys = choices.plan_rounds(self.workshop)
        if not keys:
            return
        n = keys.index(self.round_key) if self.round_key in keys else 0
        key = keys[(n + step) % len(keys)]

        def pinned(_none) -> None:
            self.round_key = key
            self.changed()
            self.notify_saved(f"The plan is now made from round {key}")

        self.write(partial(choices.set_plan_round, self.db, self.session_id, key), pinned)

    def action_why(self) -> None:
        from workshop_tui.tui.modals.help import HelpModal

        key = self.highlighted
        if key is None or key not in self.items:
            return
        outcome, item = self.items[key]
        title = self.workshop.initiative(key).title
        body = "\n\n".join(f"{r.detail} ({r.code})" for r in item.reasons) or "No reason recorded."
        note = choices.decision_note(self.workshop, key)
        if note:
            body = f"{note}\n\n{body}"
        self.app.push_screen(HelpModal(f"{OUTCOME[outcome]}: {title}", body))

    def action_override(self, outcome: str) -> None:
        from workshop_tui.tui.modals.override import OverrideModal

        key = self.highlighted
        if key is None:
            return
        kind = KIND_OF_KEY.get(outcome, outcome)
        current = next((d.rationale for d in self.workshop.decisions if d.initiative == key), "")
        titles = {i.key: i.title for i in self.workshop.initiatives}
        plan_round, title = self.plan.round, self.workshop.initiative(key).title

        def recorded(_none) -> None:
            self.changed()
            self.notify_saved(f"Override recorded: {title}")

        def done(rationale: str | None) -> None:
            if rationale is not None:
                self.write(partial(choices.record_override, self.db, self.session_id, key, kind, rationale,
                                   plan_round), recorded)

        def ask(preview) -> None:
            self.app.push_screen(OverrideModal(title, kind, current, preview=self._preview_text(preview, key, kind,
                                                                                               titles)), done)

        # Worked out with the writer (a plan can take a while on a large session), never on the UI thread.
        self.write(partial(choices.preview_override, self.workshop, key, kind, plan_round), ask)

    @staticmethod
    def _preview_text(preview, key: str, kind: str, titles: dict[str, str]) -> str:
        effect = next((o for o in preview.overrides if o.initiative == key), None)
        lines = [effect.text if effect is not None else ""]
        lines += [w for w in preview.warnings if "out of the plan" in w]
        if kind == "within" and effect is not None and effect.displaced:
            lines.append("It pushes out " + ", ".join(plain(titles.get(k, k)) for k in effect.displaced)
                         + ". Record it only if that is the room's decision.")
        return "\n".join(x for x in lines if x)

    def action_remove_override(self) -> None:
        from workshop_tui.tui.modals.confirm import ConfirmModal

        key = self.highlighted
        if key is None:
            return
        if key not in {d.initiative for d in self.workshop.decisions}:
            self.app.notify("This initiative has no override to remove.", timeout=3)
            return
        title = self.workshop.initiative(key).title

        def removed(_none) -> None:
            self.changed()
            self.notify_saved(f"Override removed: {title}")

        def done(yes: bool) -> None:
            if yes:
                self.write(partial(choices.remove_override, self.db, self.session_id, key), removed)

        self.app.push_screen(ConfirmModal(f"Remove your override for {title}?"), done)
