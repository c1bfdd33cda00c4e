"""Stage 7, voting: rounds, facilitator entry, private ballots, timer, undo, close and reveal."""

from __future__ import annotations

from functools import partial

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Static

from workshop_tui.domain import model as m
from workshop_tui.services import voting
from workshop_tui.services.voting import RoundDesk, VotingError
from workshop_tui.tui.widgets.ballot_layout import (
    PERSON_METHODS,
    ROOM_METHODS,
    person_columns,
    room_columns,
    short_names,
    vote_text,
)
from workshop_tui.tui.picture import rounds_changed
from workshop_tui.tui.safe import plain
from workshop_tui.tui.widgets.pane import StagePane
from workshop_tui.tui.widgets.vote_grid import MOSCOW_TEXT, VoteGrid

STATUS_TEXT = {"draft": "draft", "open": "open", "closed": "closed"}
# How long an entry may wait for the database before the pane says it is waiting.
WAITING_AFTER_S = 0.4


@dataclass
class Write:
    """One vote change queued for the database: typed at ``row``/``column`` for ``participant``."""

    round_key: str
    participant: str
    row: str
    column: str
    value: object = None
    undo: bool = False
    abstain: bool | None = None  # mark (True) or unmark (False) ``participant`` as abstaining
    queued_at: float = field(default_factory=time.monotonic)


class VotingPane(StagePane):
    STAGE = "voting"
    TITLE = "Vote on the initiatives"
    HELP = (
        "Create a round with n: choose the method (dot voting, weighted matrix, ranking, value/effort or MoSCoW), "
        "whether it is a secret ballot, and whether results stay hidden until you reveal them.\n\n"
        "Facilitator entry: press Enter on the grid to start entering votes (its border turns orange and says "
        "ENTERING VOTES), move with the arrow keys and type a number (or M, S, C, W for MoSCoW). It is saved "
        "the moment you type it and the cursor moves down. Backspace clears a cell; u undoes the last vote you "
        "typed. Dots: each person's dots left are shown above the grid. Matrix, value/effort and ranking are "
        "entered one person at a time: [ and ] change the person. For a ranking, type each initiative's "
        "position (1 = best; the same number twice is a tie) and press Enter. Press f when you are typing in "
        "paper cards, so the votes are recorded as paper. Only while entering votes are number keys votes: "
        "Escape stops entering, and the number keys change stage again (a second Escape goes back to the "
        "list of sessions).\n\n"
        "Pass the laptop (p): each person picks their name, votes privately on a screen that shows nobody "
        "else's votes, submits, and a hand-back screen hides their ballot before the next person. In a secret "
        "ballot round only this way is possible, and the stored ballot is linked to nobody.\n\n"
        "Phones (v): participants vote from their own phones over the laptop's Wi-Fi or hotspot, no internet "
        "needed: the Phones screen starts the server and shows the QR code to scan (docs/phones.md).\n\n"
        "a marks someone as abstaining (or undoes it). t starts a reminder timer; it never closes the round. "
        "x closes the round, o reopens it, r reveals its results (and closes it).\n\n"
        "Votes are written to the database in the background, in the order typed: a value shows at once "
        "and is underlined until it is saved. If another program holds the database the pane says it is "
        "waiting, and you can keep typing; an entry that cannot be saved is put back and named in red."
    )

    DEFAULT_CSS = """
    VotingPane #voting-head { height: 1; }
    VotingPane #voting-round-line { width: 1fr; text-style: bold; }
    VotingPane #voting-timer { width: auto; color: $warning; text-style: bold; }
    VotingPane #voting-person { height: 1; color: $text; }
    VotingPane #voting-waiting { height: 2; color: $text-muted; }
    VotingPane #voting-message { height: auto; padding: 1 0; }
    VotingPane #voting-busy { height: auto; background: $warning; color: $background; text-style: bold;
                              display: none; }
    """

    class WriteDone(Message):
        """A queued write finished (in the writer thread); ``text`` is the cell's new picture."""

        def __init__(self, write: Write, text: Text | None = None, problem: str = "",
                     error: BaseException | None = None, cell: tuple | None = None) -> None:
            super().__init__()
            self.write, self.text, self.problem, self.error = write, text, problem, error
            self.cell = cell  # an undo: the cell put back (None: nothing to undo)

    BINDINGS = [
        Binding("u", "undo", "Undo", id="voting.undo"),
        Binding("left_square_bracket", "person(-1)", "Prev person", id="voting.person_prev"),
        Binding("right_square_bracket", "person(1)", "Next person", id="voting.person_next"),
        Binding("p", "private", "Pass laptop", id="voting.private"),
        Binding("a", "abstain", "Abstain", id="voting.abstain"),
        Binding("x", "close_round", "Close round", id="voting.close"),
        Binding("o", "reopen", "Reopen", id="voting.reopen"),
        Binding("r", "reveal", "Reveal", id="voting.reveal"),
        Binding("n", "new_round", "New round", id="voting.new"),
        Binding("v", "phones", "Phones", id="voting.phones"),
        # Less frequent: in the palette (Ctrl+P) and the help, not the footer.
        Binding("f", "channel", "Paper cards on/off", show=False, id="voting.channel"),
        Binding("t", "timer", "Timer start/stop", show=False, id="voting.timer"),
        Binding("ctrl+d", "delete_round", "Delete round", show=False, id="voting.delete"),
    ]

    def __init__(self, session_id: int, **kwargs) -> None:
        super().__init__(session_id, **kwargs)
        self.workshop: m.Workshop | None = None
        self.round_key: str | None = None
        self.desks: dict[str, RoundDesk] = {}
        self.person_index = 0
        self.channel = "facilitator"
        self.timer_end: float | None = None
        self.focus_grid_on_load = False  # a new round: the grid has the focus, ready for Enter
        # Vote writes run in one background thread, first typed first written.
        self._writes: deque[Write] = deque()
        self._writes_lock = threading.Lock()
        self._writer_running = False
        self._in_flight: Write | None = None
        self._shown_lines: dict[str, object] = {}  # what the three lines above the grid show

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE, style="bold"), classes="pane-title")
        rounds = DataTable(id="voting-rounds", cursor_type="row")
        # Inline, because the app's stylesheet makes every pane table fill the pane.
        rounds.styles.height = "auto"
        rounds.styles.max_height = 6
        rounds.add_column("Round", key="key", width=5)
        rounds.add_column("Title", key="title", width=28)
        rounds.add_column("Method", key="method", width=16)
        rounds.add_column("Status", key="status", width=14)
        rounds.add_column("Ballots", key="ballots", width=8)
        yield rounds
        with Horizontal(id="voting-head"):
            yield Static(id="voting-round-line")
            yield Static(id="voting-timer")
        yield Static(id="voting-person")
        yield Static(id="voting-waiting")
        yield Static(id="voting-message")
        yield Static(id="voting-busy")
        yield VoteGrid(id="voting-grid")

    def on_mount(self) -> None:
        grid = self.query_one(VoteGrid)
        grid.on_entry = self._enter
        grid.cell_text = self._cell_text
        self.set_interval(1, self._tick)
        self.set_interval(0.2, self._show_waiting)

    def focus_first(self) -> None:
        grid = self.query_one(VoteGrid)
        (grid if grid.display else self.query_one("#voting-rounds", DataTable)).focus()

    # -- drawing --------------------------------------------------------
    @property
    def desk(self) -> RoundDesk | None:
        return self.desks.get(self.round_key) if self.round_key else None

    @property
    def rnd(self) -> m.Round | None:
        desk = self.desk
        return desk.round if desk else None

    def load(self, workshop: m.Workshop) -> None:
        changed = rounds_changed(self.workshop, workshop)
        if changed is not None and not self.query_one(VoteGrid).buffer and self._redraw_rounds(workshop, changed):
            # Only rounds changed (the votes typed here, read again), or nothing did (the stage
            # shown again): counts and the cells that differ, not a rebuild of the whole grid.
            self.refresh_bindings()
            if self.focus_grid_on_load:
                self.focus_grid_on_load = False
                self.focus_first()
            return
        self.workshop = workshop
        rounds = workshop.rounds  # voting rounds only: gate assessments are kept apart (Criteria stage)
        keys = [r.key for r in rounds]
        if self.round_key not in keys:
            open_rounds = [r.key for r in rounds if r.status == "open"]
            self.round_key = (open_rounds or keys or [None])[-1]
        for key in list(self.desks):
            if key not in keys:
                del self.desks[key]
        table = self.query_one("#voting-rounds", DataTable)
        table.clear()
        for r in rounds:
            ballots = len({r.ballot_id(v) for v in r.votes}) if r.votes else 0
            status = STATUS_TEXT.get(r.status, r.status) + (", hidden" if r.hidden else "")
            table.add_row(Text(r.key), Text(plain(r.title or ""), overflow="ellipsis", no_wrap=True),
                          Text(m.METHOD_LABELS.get(r.method, r.method) + (" (secret)" if r.anonymous else "")),
                          Text(status), Text(str(ballots)), key=r.key)
        table.display = bool(rounds)
        if self.round_key is not None:
            table.move_cursor(row=keys.index(self.round_key), scroll=True)
        self._show_round()

    def _show_round(self) -> None:
        workshop, grid = self.workshop, self.query_one(VoteGrid)
        message = self.query_one("#voting-message", Static)
        if workshop is None:
            return
        if self.round_key is None:
            grid.display = False
            self._lines("", "", "")
            message.display = True
            if not workshop.initiatives or not workshop.participants:
                message.update(Text("Add participants (stage 2) and initiatives (stage 3) before voting."))
            else:
                message.update(Text("No voting rounds yet. Press n to create the first round."))
            self.refresh_bindings()
            return
        desk = self.desks.get(self.round_key)
        if desk is None:
            desk = self.desks[self.round_key] = voting.open_desk(self.db, self.session_id, self.round_key, workshop)
        else:
            desk.refresh(workshop, self.round_key)
        rnd = desk.round
        self.person_index = min(self.person_index, max(0, len(workshop.participants) - 1))
        if rnd.anonymous:
            self._no_grid("Secret ballot: nobody's votes are shown here. Press p to pass the laptop round; "
                          "each person votes privately.")
        elif not workshop.participants:
            self._no_grid("Add participants (stage 2) before voting.")
        else:
            message.display = False
            grid.display = True
            self._build_grid()
        self._update_lines()
        self.refresh_bindings()
        if self.focus_grid_on_load:
            self.focus_grid_on_load = False
            self.focus_first()

    def _no_grid(self, text: str) -> None:
        self.query_one(VoteGrid).display = False
        message = self.query_one("#voting-message", Static)
        message.display = True
        message.update(Text(text))

    @property
    def person(self) -> m.Participant | None:
        if not self.workshop or not self.workshop.participants:
            return None
        return self.workshop.participants[self.person_index]

    def _build_grid(self) -> None:
        workshop, desk, grid = self.workshop, self.desk, self.query_one(VoteGrid)
        rnd = desk.round
        rows = [(i.key, i.title) for i in workshop.initiatives]
        cells: dict[tuple[str, str], Text] = {}
        if rnd.method in ROOM_METHODS:
            columns = room_columns(workshop, rnd)
            for (p, i, _c), vote in desk.cells.items():
                cells[(i, p)] = vote_text(rnd.method, vote)
        else:
            columns = person_columns(workshop, rnd)
            person = self.person.key
            if rnd.method == "ranking":
                for item, pos in voting.ranking_positions(desk.ranking_of(person)).items():
                    cells[(item, "position")] = Text(str(pos))
            else:
                for (p, i, c), vote in desk.cells.items():
                    if p != person:
                        continue
                    if rnd.method == "value_effort":
                        cells[(i, "value")] = vote_text(rnd.method, vote, "value")
                        cells[(i, "effort")] = vote_text(rnd.method, vote, "effort")
                    else:
                        cells[(i, c or "")] = vote_text(rnd.method, vote)
        grid.across = rnd.method in ("matrix", "value_effort")
        grid.build(rows, columns, cells, title_width=26 if self.size.width < 100 else 34)

    def _lines(self, head: str | Text, person: str | Text, waiting: str | Text) -> None:
        # Fixed heights and no layout pass: a vote changes these lines, and a change of their
        # height would resize the grid, which then renders every visible cell again.
        for name, text in (("voting-round-line", head), ("voting-person", person), ("voting-waiting", waiting)):
            if self._shown_lines.get(name) != text:
                self._shown_lines[name] = text
                self.query_one(f"#{name}", Static).update(text, layout=False)

    def _update_lines(self) -> None:
        """The round line, the current person's budget and who has not voted: O(people)."""
        desk = self.desk
        if desk is None:
            return
        rnd, names = desk.round, {p.key: plain(p.name) for p in self.workshop.participants}
        bits = [f"{rnd.key} · {m.METHOD_LABELS.get(rnd.method, rnd.method)} · {rnd.status}",
                "secret ballot" if rnd.anonymous else "named", "results hidden" if rnd.hidden else "results shown"]
        if rnd.method == "dots":
            bits.append(f"{desk.rules.budget} dots each, at most {desk.rules.cap} on one")
        if not rnd.anonymous:
            bits.append("entering paper cards" if self.channel == "paper" else "facilitator entry")
        phones = getattr(self.screen, "phones", None)
        if phones is not None and phones.running:
            bits.append("PHONES ON (v)")
        head = Text(" · ".join(bits))
        person_line = Text("")
        who = self._cursor_person()
        if who is not None and not rnd.anonymous:
            if rnd.method in PERSON_METHODS:
                person_line.append("Entering for: ", style="bold")
                person_line.append(names[who])
                person_line.append(f"  ({self.person_index + 1} of {len(names)}; [ and ] change person)")
            else:
                person_line.append(names[who], style="bold")
            if rnd.method == "dots":
                person_line.append(f": {desk.remaining(who)} of {desk.rules.budget} dots left")
            if who in desk.abstained:
                person_line.append(" · abstaining", style="italic")
        waiting = desk.not_voted()
        voted = len(names) - len(waiting) - len(desk.abstained)
        wait_line = Text(f"Voted {voted} of {len(names)}")
        if desk.abstained:
            wait_line.append(f" · abstained: {', '.join(names[k] for k in names if k in desk.abstained)}")
        if waiting:
            # Short names on one line: the room can read it at a glance on a projector.
            short = short_names(self.workshop.participants, 14)
            wait_line.append(f" · not voted yet ({len(waiting)}): {', '.join(plain(short[k]) for k in waiting)}")
        self._lines(head, person_line, wait_line)
        rounds = self.query_one("#voting-rounds", DataTable)
        if not rnd.anonymous and rnd.key in rounds.rows:
            ballots = str(len(desk.voted))
            if str(rounds.get_cell(rnd.key, "ballots")) != ballots:
                rounds.update_cell(rnd.key, "ballots", Text(ballots))

    def _cursor_person(self) -> str | None:
        rnd = self.rnd
        if rnd is None or not self.workshop.participants:
            return None
        if rnd.method in ROOM_METHODS:
            here = self.query_one(VoteGrid).current
            return here[1] if here else self.workshop.participants[0].key
        return self.person.key

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        if event.data_table.id == "voting-grid" and self.rnd is not None and self.rnd.method in ROOM_METHODS:
            self._update_lines()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "voting-rounds" or event.row_key is None:
            return
        key = event.row_key.value
        if key != self.round_key:
            self.round_key = key
            self._show_round()

    # -- one vote: commit, then redraw one cell and the lines --------------------
    def _person_and_cell(self, row: str, column: str) -> tuple[str, str | None, str]:
        method = self.rnd.method
        if method in ROOM_METHODS:
            return column, None, "value"
        if method == "matrix":
            return self.person.key, column, "value"
        return self.person.key, None, column  # value_effort: the column is the axis

    def _enter(self, row: str, column: str, value: object) -> Text:
        """Queue the entry for the writer thread; show it at once, underlined until saved."""
        participant = self.person.key if self.rnd.method in PERSON_METHODS else column
        self._queue(Write(self.round_key, participant, row, column, value))
        if value is None:
            return Text("")
        shown = MOSCOW_TEXT.get(str(value), str(value)) if self.rnd.method == "moscow" else str(value)
        return Text(shown, style="underline")

    # -- the writer thread: one at a time, first typed first written ----------------------
    def _queue(self, write: Write) -> None:
        with self._writes_lock:
            self._writes.append(write)
            start = not self._writer_running
            self._writer_running = True
        if start:
            # After the frame that shows the typed value: the writer's Python work would
            # otherwise share the GIL with that frame and delay it (call_after_refresh started
            # it before the frame: the screen's idle came before the grid's refresh reached it).
            self.app.after_frame(partial(self.run_worker, self._write_all, thread=True, group="vote-writes",
                                         exit_on_error=False))

    def _write_all(self) -> None:
        """Runs in a thread: never touches widgets, posts WriteDone for each write."""
        while True:
            with self._writes_lock:
                if not self._writes:
                    self._writer_running = False
                    self._in_flight = None
                    return
                write = self._writes.popleft()
                self._in_flight = write
            self.post_message(self._run_write(write))

    def _run_write(self, write: Write) -> "VotingPane.WriteDone":
        from workshop_tui.tui.writes import not_saved_message

        desk = self.desks.get(write.round_key)
        try:
            if desk is None:
                raise VotingError("That round is no longer on screen.")
            if write.undo:
                return self.WriteDone(write, cell=desk.undo())
            if write.abstain is not None:
                desk.abstain(write.participant, on=write.abstain)
                return self.WriteDone(write)
            return self.WriteDone(write, text=self._write_vote(desk, write))
        except Exception as exc:  # noqa: BLE001 - sorted by the one rule every change shares (tui/writes.py)
            # A refusal (a participant, initiative or round removed by another program too) or the
            # database's trouble is a message; anything else is a bug.
            problem = not_saved_message(exc)
            return self.WriteDone(write, problem=problem) if problem is not None else self.WriteDone(write, error=exc)

    def _write_vote(self, desk: RoundDesk, write: Write) -> Text:
        method = desk.round.method
        if method == "ranking":
            return self._enter_position(desk, write.participant, write.row, write.value)
        if method in ROOM_METHODS:
            criterion, axis = None, "value"
        elif method == "matrix":
            criterion, axis = write.column, "value"
        else:
            criterion, axis = None, write.column  # value_effort: the column is the axis
        vote = desk.cast(write.participant, write.row, criterion, write.value, channel=self.channel, axis=axis)
        return vote_text(method, vote, write.column)

    def on_voting_pane_write_done(self, message: "VotingPane.WriteDone") -> None:
        message.stop()
        write = message.write
        if message.error is not None:
            # Not a refusal nor the database: a bug. Let the app stop with a non-zero status.
            self.app.unsaved_on_exit = [self._describe(write)] + self.pending_descriptions(but=write)
            raise message.error
        self._show_waiting()
        same_screen = write.round_key == self.round_key and self.rnd is not None and (
            self.rnd.method in ROOM_METHODS or (self.person is not None and self.person.key == write.participant))
        grid = self.query_one(VoteGrid)
        if write.abstain is not None:
            if message.problem:
                self.fail(self._where(write) + message.problem)
                return
            if write.round_key == self.round_key:
                self._update_lines()
                self.refresh_bindings()
            self.changed("", reload=False, rounds=(write.round_key,))
            self.notify_saved("Saved: abstaining" if write.abstain else "Saved: no longer abstaining")
            return
        if write.undo:
            if message.problem:
                self.fail(message.problem)
            elif message.cell is None:
                self.app.notify("Nothing to undo.", timeout=2)
            elif write.round_key == self.round_key:
                self._redraw_after_undo(message.cell)
            return
        if same_screen and grid.display:
            try:
                grid.show(write.row, write.column,
                          message.text if message.text is not None else self._cell_text(write.row, write.column))
            except Exception:  # noqa: BLE001 - the grid was rebuilt meanwhile; it shows the stored value
                pass
        if message.problem:
            self.fail(self._where(write) + message.problem)
            if same_screen and grid.display and not self._writes and write.row in grid.row_keys:
                # Nothing typed since: back to the refused cell, as if the entry had not moved on.
                grid.move_cursor(row=grid.row_keys.index(write.row),
                                 column=grid.get_column_index(write.column))
            return
        if write.round_key == self.round_key:
            self._update_lines()
            if self.desk is not None and len(self.desk.history) == 1:
                # Only the first vote typed here changes the keys (u, undo, appears).
                self.refresh_bindings()
        # Committed and drawn in place: other stages re-read when next shown.
        self.changed("", reload=False, rounds=(write.round_key,))

    def _where(self, write: Write) -> str:
        names = {p.key: p.name for p in self.workshop.participants} if self.workshop else {}
        titles = {i.key: i.title for i in self.workshop.initiatives} if self.workshop else {}
        if not write.row:  # abstaining: a person, no initiative
            return f"{names.get(write.participant, write.participant)}: "
        return f"{names.get(write.participant, write.participant)}, {titles.get(write.row, write.row)}: "

    def pending_descriptions(self, but: Write | None = None) -> list[str]:
        """The entries typed but not yet saved (for the message when the app stops)."""
        with self._writes_lock:
            waiting = ([self._in_flight] if self._in_flight else []) + list(self._writes)
        return [self._describe(w) for w in waiting if not w.undo and w is not but]

    def _describe(self, write: Write) -> str:
        return "undo" if write.undo else f"{self._where(write).rstrip(': ')} = {write.value}"

    def _show_waiting(self) -> None:
        """A visible state while an entry waits for the database; typing goes on."""
        with self._writes_lock:
            oldest = self._in_flight or (self._writes[0] if self._writes else None)
            count = len(self._writes) + (self._in_flight is not None)
        banner = self.query_one("#voting-busy", Static)
        waiting = oldest is not None and time.monotonic() - oldest.queued_at > WAITING_AFTER_S
        if waiting:
            banner.update(Text(f" Waiting for the database (another program is using it): {count} entr"
                               f"{'y' if count == 1 else 'ies'} not saved yet. You can keep typing. "))
        banner.display = waiting

    def _enter_position(self, desk: RoundDesk, person: str, row: str, value: object) -> Text:
        positions = voting.ranking_positions(desk.ranking_of(person))
        if value is None:
            positions.pop(row, None)
        elif not isinstance(value, int):
            raise VotingError("A position is a whole number: 1 is the best.")
        else:
            positions[row] = value
        desk.set_ranking(person, voting.parse_ranking(positions), channel=self.channel)
        return Text("" if value is None else str(value))

    def _cell_text(self, row: str, column: str) -> Text:
        desk, method = self.desk, self.rnd.method
        if method == "ranking":
            pos = voting.ranking_positions(desk.ranking_of(self.person.key)).get(row)
            return Text("" if pos is None else str(pos))
        participant, criterion, _axis = self._person_and_cell(row, column)
        return vote_text(method, desk.value(participant, row, criterion), column)

    def on_vote_grid_saved(self, event: VoteGrid.Saved) -> None:
        event.stop()  # queued, not yet committed: WriteDone redraws the lines once it is

    def on_vote_grid_refused(self, event: VoteGrid.Refused) -> None:
        self.fail(event.message)

    # -- keys -----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        rnd = self.rnd
        if action in ("new_round", "phones"):
            return True
        if rnd is None:
            return False if action != "delete_round" else None
        live = rnd.status == "open"
        named_entry = live and not rnd.anonymous
        rules = {
            "private": live,
            "person": not rnd.anonymous and rnd.method in PERSON_METHODS,
            "undo": named_entry and bool(self.desk and self.desk.history),
            "abstain": live,
            "channel": named_entry,
            "timer": live,
            "close_round": rnd.status == "open",
            "reopen": rnd.status == "closed",
            "reveal": rnd.hidden or rnd.status == "open",
            "delete_round": True,
        }
        return rules.get(action, True)

    def action_new_round(self) -> None:
        from workshop_tui.tui.modals.round_form import RoundFormModal

        if self.workshop is None:
            return

        def created(key: str) -> None:
            self.round_key = key
            self.changed()
            self.notify_saved(f"Round {key} created and open for votes")
            self.focus_grid_on_load = True

        def done(answer: dict | None) -> None:
            if answer is not None:
                self.write(partial(voting.create_round, self.db, self.session_id, **answer), created)

        self.app.push_screen(RoundFormModal(len(self.workshop.initiatives)), done)

    def action_person(self, step: int) -> None:
        if not self.workshop or not self.workshop.participants or self.rnd is None:
            return
        self.query_one(VoteGrid).drop_typing()
        self.person_index = (self.person_index + step) % len(self.workshop.participants)
        self._build_grid()
        self._update_lines()

    def action_undo(self) -> None:
        desk = self.desk
        if desk is None or not desk.history:
            self.app.notify("Nothing to undo.", timeout=2)
            return
        participant = desk.history[-1].cell[0]
        self._queue(Write(self.round_key, participant, "", "", undo=True))

    def _redraw_after_undo(self, cell: tuple) -> None:
        participant, initiative, criterion = cell
        grid = self.query_one(VoteGrid)
        if self.rnd.method in ROOM_METHODS:
            grid.show(initiative, participant, self._cell_text(initiative, participant))
        elif participant == self.person.key:
            self._build_grid()
        self._update_lines()
        self.refresh_bindings()
        self.changed("", reload=False, rounds=(self.round_key,))
        name = next(p.name for p in self.workshop.participants if p.key == participant)
        self.app.notify(f"Undone: {plain(name)}'s last vote", timeout=2, markup=False)

    def action_abstain(self) -> None:
        desk = self.desk
        if desk is None:
            return
        if desk.round.anonymous:
            from workshop_tui.tui.modals.pick import PickModal

            names = {p.key: p.name for p in self.workshop.participants}
            options = [(k, names[k] + (" (abstaining: choose to undo)" if k in desk.abstained else ""))
                       for k in names if k not in desk.voted]
            self.app.push_screen(PickModal("Who does not vote in this round?", options), self._toggle_abstain)
        else:
            self._toggle_abstain(self._cursor_person())

    def _toggle_abstain(self, who: str | None) -> None:
        desk = self.desk
        if who is None or desk is None:
            return
        # The vote queue: after the votes typed before it, and the desk changed by one thread only.
        self._queue(Write(self.round_key, who, "", "", abstain=who not in desk.abstained))

    def action_channel(self) -> None:
        self.channel = "paper" if self.channel == "facilitator" else "facilitator"
        self._update_lines()
        self.app.notify("Entering paper cards: votes are recorded as paper." if self.channel == "paper"
                        else "Facilitator entry: votes are recorded as entered by you.", timeout=3)

    def action_private(self) -> None:
        from workshop_tui.tui.screens.private_ballot import PrivateBallotScreen

        if self.rnd is None:
            return
        self.app.push_screen(PrivateBallotScreen(self.session_id, self.round_key), self._ballots_done)

    def _ballots_done(self, cast: int | None) -> None:
        self.changed()
        if cast:
            self.notify_saved(f"{cast} private ballot(s) saved")

    def action_phones(self) -> None:
        """Participants vote from their own phones: the Phones screen (address, QR code, counters)."""
        from workshop_tui.tui.screens.phones import PhonesScreen

        if self.workshop is not None:
            self.app.push_screen(PhonesScreen(self.screen))

    def phones_changed(self, workshop: m.Workshop) -> bool:
        """Phones cast or voided ballots (already committed): redraw counts, lines and the grid.

        False while the facilitator is half-way through typing a number: the caller tries again.
        """
        if self.query_one(VoteGrid).buffer:
            return False
        if not self._redraw_rounds(workshop, None):
            self.load(workshop)
        return True

    def _redraw_rounds(self, workshop: m.Workshop, changed: set[str] | None) -> bool:
        """Rounds' votes, voters or status changed, nothing else (``changed``: their keys; None:
        any round may have): the rounds table's counts and statuses, the lines, and only the
        cells that differ. A room of 30 phones, or 12,000 cells after every switch of stage,
        must not rebuild the grid. False when it cannot be done so (no round on screen, or the
        round is gone or has changed its method or secrecy): the caller draws it all."""
        desk = self.desk
        fresh = next((r for r in workshop.rounds if r.key == self.round_key), None)
        if desk is None or fresh is None or (fresh.method, fresh.anonymous) != (desk.round.method, desk.round.anonymous):
            return False
        grid = self.query_one(VoteGrid)
        before = dict(desk.cells)
        self.workshop = workshop
        if changed is None or self.round_key in changed:
            desk.refresh(workshop, self.round_key)
        else:
            desk.workshop = workshop  # the same round as the desk holds; the rest is the same objects
        rounds = self.query_one("#voting-rounds", DataTable)
        for r in workshop.rounds:
            if r.key in rounds.rows and (changed is None or r.key in changed):
                ballots = len({r.ballot_id(v) for v in r.votes}) if r.votes else 0
                rounds.update_cell(r.key, "ballots", Text(str(ballots)))
                rounds.update_cell(r.key, "status", Text(STATUS_TEXT.get(r.status, r.status)
                                                         + (", hidden" if r.hidden else "")))
        rnd = desk.round
        if grid.display:
            changed_cells = {cell for cell in before.keys() | desk.cells.keys()
                             if before.get(cell) != desk.cells.get(cell)}
            if rnd.method in ROOM_METHODS:
                from textual.widgets.data_table import CellDoesNotExist

                for cell in changed_cells:
                    try:
                        grid.show(cell[1], cell[0], vote_text(rnd.method, desk.cells.get(cell)))
                    except CellDoesNotExist:  # someone added elsewhere: the whole grid, once
                        self._build_grid()
                        break
            elif self.person is not None and any(cell[0] == self.person.key for cell in changed_cells) or (
                    rnd.method == "ranking"):
                self._build_grid()
        self._update_lines()
        return True

    def phone_ballots(self, ballots: list[tuple[str, str, tuple[m.Vote, ...]]]) -> None:
        """Phones' named ballots, just committed, (round key, participant, votes) each: their
        cells and the counts, at once and in one redraw (the round is read again soon after,
        which settles anything else). Skipped when they cannot be shown now (another round
        on screen, the facilitator mid-number): that read shows them."""
        desk = self.desk
        grid = self.query_one(VoteGrid)
        mine = [(p, votes) for key, p, votes in ballots if desk is not None and key == desk.round_key]
        if not mine or grid.buffer:
            return
        changed: dict[tuple, m.Vote | None] = {}
        rebuild = False
        for participant, votes in mine:
            before = {cell: vote for cell, vote in desk.cells.items() if cell[0] == participant}
            desk.take_ballot(participant, votes)
            after = {cell: vote for cell, vote in desk.cells.items() if cell[0] == participant}
            changed.update({cell: after.get(cell) for cell in before.keys() | after.keys()
                            if before.get(cell) != after.get(cell)})
            rebuild = rebuild or (self.person is not None and self.person.key == participant)
        rnd = desk.round
        if grid.display:
            if rnd.method in ROOM_METHODS:
                from textual.widgets.data_table import CellDoesNotExist

                for cell, vote in changed.items():
                    try:
                        grid.show(cell[1], cell[0], vote_text(rnd.method, vote))
                    except CellDoesNotExist:  # someone added elsewhere: the whole grid, once
                        self._build_grid()
                        break
            elif rnd.method == "ranking" or rebuild:
                self._build_grid()
        self._update_lines()

    def show_phones_state(self) -> None:
        if self.desk is not None:
            self._update_lines()

    def action_timer(self) -> None:
        from workshop_tui.tui.modals.ask import AskModal

        if self.timer_end is not None:
            self.timer_end = None
            self.query_one("#voting-timer", Static).update("")
            self.app.notify("Timer stopped.", timeout=2)
            return

        def start(answer: str | None) -> None:
            if not answer:
                return
            try:
                minutes = float(answer)
            except ValueError:
                self.fail("The timer takes a number of minutes, e.g. 5.")
                return
            if not 0 < minutes <= 180:
                self.fail("The timer takes between 1 second and 180 minutes.")
                return
            self.timer_end = time.monotonic() + minutes * 60
            self._tick()

        self.app.push_screen(AskModal("Timer: how many minutes?", "5", kind="number",
                                      hint="A reminder only: the round stays open when time is up."), start)

    def _tick(self) -> None:
        if self.timer_end is None:
            return
        left = self.timer_end - time.monotonic()
        label = self.query_one("#voting-timer", Static)
        if left <= 0:
            label.update(Text(" Time is up (the round stays open) "))
        else:
            label.update(Text(f" ⏱ {int(left) // 60:02d}:{int(left) % 60:02d} left "))

    def _confirm(self, question: str, then) -> None:
        from workshop_tui.tui.modals.confirm import ConfirmModal

        self.app.push_screen(ConfirmModal(question), lambda yes: then() if yes else None)

    def _after_votes(self, job):
        """``job`` for the app's writer, run once every vote typed before it is written: a round
        closed (or revealed, or deleted) while the last votes were still on their way would
        refuse them."""
        def run():
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with self._writes_lock:
                    if not (self._writer_running or self._writes):
                        break
                time.sleep(0.01)
            return job()
        return run

    def _round_action(self, fn, note: str) -> None:
        def done(_none) -> None:
            self.changed()
            self.notify_saved(note)

        self.write(self._after_votes(partial(fn, self.db, self.session_id, self.round_key)), done)

    def action_close_round(self) -> None:
        rnd = self.rnd
        if rnd is None:
            return
        waiting = len(self.desk.not_voted())
        extra = f" {waiting} people have not voted yet." if waiting else ""
        self._confirm(f"Close round {rnd.key}? No more votes will be taken.{extra}",
                      lambda: self._round_action(voting.close_round, f"Round {rnd.key} closed"))

    def action_reopen(self) -> None:
        if self.rnd is not None:
            self._round_action(voting.reopen_round, f"Round {self.rnd.key} open again")

    def action_reveal(self) -> None:
        rnd = self.rnd
        if rnd is None:
            return
        self._confirm(f"Reveal the results of round {rnd.key}? This also closes it.", lambda: self._reveal(rnd.key))

    def _reveal(self, key: str) -> None:
        """Reveal, then offer (never make) the switch of the plan to this round, showing what would change."""
        from workshop_tui.services import choices, sessions

        def reveal():  # in the writer's thread: reveal, then read what a switch would change
            voting.reveal_round(self.db, self.session_id, key)
            return choices.switch_offer(sessions.load(self.db, self.session_id), key)

        def switched(_none) -> None:
            self.changed()
            self.notify_saved(f"The plan is now made from round {key}")

        def switch(yes: bool | None) -> None:
            if yes:
                self.write(partial(choices.set_plan_round, self.db, self.session_id, key), switched)

        def revealed(offer) -> None:
            from workshop_tui.tui.modals.confirm import ConfirmModal

            self.changed()
            self.notify_saved(f"Round {key} revealed: see Results (7)")
            if offer is not None:
                self.app.push_screen(ConfirmModal("\n".join(offer.describe()), yes="Switch the plan",
                                                  no="Keep the plan"), switch)

        self.write(self._after_votes(reveal), revealed)

    def action_delete_round(self) -> None:
        rnd = self.rnd
        if rnd is None:
            return
        count = len(rnd.votes)
        self._confirm(f"Delete round {rnd.key} and its {count} vote(s)? This cannot be undone.",
                      lambda: self._round_action(voting.delete_round, f"Round {rnd.key} deleted"))

