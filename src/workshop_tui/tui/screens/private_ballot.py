"""Pass the laptop: each person votes privately, then a hand-back screen hides it.

Four steps on one screen: pick your name (only people who have not voted),
fill in your own ballot (nothing of anyone else's is shown), review it (what
is left unscored, the totals) and submit; then "pass the laptop back", which
needs the facilitator's key before the next person can start. Quitting the
app while this screen is open asks the facilitator first (WorkshopApp). The ballot is kept in memory until it is
submitted whole, in one transaction, by ``voting.submit_ballot``.
"""

from __future__ import annotations

from functools import partial

from fractions import Fraction

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from workshop_tui.domain import model as m
from workshop_tui.domain.numbers import display
from workshop_tui.services import sessions, voting
from workshop_tui.services.voting import Rules, VotingError
from workshop_tui.tui.safe import plain, shown
from workshop_tui.tui.widgets.ballot_layout import person_columns
from workshop_tui.tui.widgets.vote_grid import MOSCOW_TEXT, VoteGrid


READING_NAMES = "Private voting: reading who has still to vote…"
PICK_HELP = ("Private voting. Find your name and press Enter. Nobody else's votes are shown, "
             "and your ballot is hidden before the laptop goes back.")

class PrivateBallotScreen(Screen[int]):
    """Dismissed with the number of ballots cast while it was open."""

    DEFAULT_CSS = """
    PrivateBallotScreen { padding: 0 1; }
    PrivateBallotScreen #pb-title { text-style: bold; color: $primary; height: auto; }
    PrivateBallotScreen .pb-step { height: 1fr; }
    PrivateBallotScreen #pb-pick-help, PrivateBallotScreen #pb-ballot-help { color: $text-muted; height: auto; }
    PrivateBallotScreen #pb-names { height: 1fr; }
    PrivateBallotScreen #pb-budget { text-style: bold; height: auto; }
    PrivateBallotScreen #pb-handback { align: center middle; }
    PrivateBallotScreen #pb-review { height: 1fr; overflow-y: auto; }
    PrivateBallotScreen #pb-review-text { height: auto; border: round $warning; padding: 0 1; }
    PrivateBallotScreen #pb-handback-text { width: 64; max-width: 100%; height: auto; border: thick $success;
                                            padding: 1 2; text-align: center; }
    """
    BINDINGS = [
        Binding("ctrl+s", "review", "Review and submit", id="ballot.review"),
        Binding("enter", "submit", "Submit for good", id="ballot.submit"),
        Binding("escape", "back", "Back", id="ballot.back"),
        Binding("f", "next_person", "Facilitator: continue", id="ballot.continue"),
    ]

    def __init__(self, session_id: int, round_key: str) -> None:
        super().__init__()
        self.session_id, self.round_key = session_id, round_key
        self.step = "pick"
        self.voter: str | None = None
        self.draft: dict[tuple[str, str], object] = {}
        self.spent = 0
        self.cast = 0
        self.submitting = False  # a ballot is in the writer thread

    def compose(self) -> ComposeResult:
        yield Static(id="pb-title")
        with Vertical(id="pb-pick", classes="pb-step"):
            yield Static(Text(READING_NAMES), id="pb-pick-help")
            yield OptionList(id="pb-names")
        with Vertical(id="pb-ballot", classes="pb-step"):
            yield Static(id="pb-budget")
            yield Static(id="pb-ballot-help")
            yield VoteGrid(id="pb-grid")
        with Vertical(id="pb-review", classes="pb-step"):
            yield Static(id="pb-review-text")
        with Vertical(id="pb-handback", classes="pb-step"):
            yield Static(Text.assemble(("Thank you: your ballot is saved.\n\n", "bold"),
                                       "Pass the laptop back to the facilitator.\n\n",
                                       ("Facilitator: press F to continue.", "italic")), id="pb-handback-text")
        yield Footer()

    @property
    def db(self):
        return self.app.db

    def on_mount(self) -> None:
        grid = self.query_one("#pb-grid", VoteGrid)
        grid.on_entry = self._enter
        grid.cell_text = lambda row, col: self._text(row, col, self.draft.get((row, col)))
        self._show_pick()

    # -- steps ------------------------------------------------------------
    def _load(self, workshop: m.Workshop) -> None:
        self.workshop = workshop
        self.rnd = self.workshop.round(self.round_key)
        self.rules = Rules.of(self.workshop, self.rnd)
        method = m.METHOD_LABELS.get(self.rnd.method, self.rnd.method)
        title = method if (self.rnd.title or "").startswith(method) else f"{self.rnd.title} · {method}"
        if self.rnd.anonymous:
            title += " · secret ballot: your ballot is stored without your name"
        self.query_one("#pb-title", Static).update(shown(title))

    def _switch(self, step: str) -> None:
        self.step = step
        for name in ("pick", "ballot", "review", "handback"):
            self.query_one(f"#pb-{name}").display = name == step
        self.refresh_bindings()

    def _show_pick(self) -> None:
        """Who may still vote, read in the app's writer thread (after a ballot just submitted)."""
        from workshop_tui.tui.writes import write

        self.voter, self.draft, self.spent = None, {}, 0
        self.query_one("#pb-names", OptionList).clear_options()
        self.query_one("#pb-pick-help", Static).update(Text(READING_NAMES))
        self._switch("pick")

        def read() -> tuple[m.Workshop, list[str]]:
            return (sessions.load(self.db, self.session_id),
                    voting.not_voted(self.db, self.session_id, self.round_key))

        write(self, read, self._fill_pick, failed=self._not_read)

    def _not_read(self, problem: str, _exc: BaseException) -> None:
        self.app.notify(plain(f"The names could not be read: {problem}"), title="Not read", severity="error",
                        timeout=8, markup=False)

    def _fill_pick(self, read: tuple[m.Workshop, list[str]]) -> None:
        workshop, waiting = read
        self._load(workshop)
        names = self.query_one("#pb-names", OptionList)
        names.clear_options()
        people = {p.key: p.name for p in self.workshop.participants}
        names.add_options([Option(Text(plain(people[k])), id=k) for k in waiting])
        names.highlighted = 0 if waiting else None
        # Said only once the names are there: an Enter pressed before would pick nobody.
        self.query_one("#pb-pick-help", Static).update(Text(PICK_HELP if waiting else (
            "Everyone has voted or abstained. Press Escape to go back to the facilitator.")))
        self._switch("pick")
        names.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.voter = event.option.id
        self._show_ballot()

    def _show_ballot(self) -> None:
        name = next(p.name for p in self.workshop.participants if p.key == self.voter)
        columns = person_columns(self.workshop, self.rnd)
        grid = self.query_one("#pb-grid", VoteGrid)
        grid.across = self.rnd.method in ("matrix", "value_effort")
        grid.build([(i.key, i.title) for i in self.workshop.initiatives], columns, {})
        grid.keep_entry("Your ballot: type, then Ctrl+S to review before submitting")
        self.query_one("#pb-ballot-help", Static).update(shown(self._instructions()))
        self._switch("ballot")
        self._update_budget(name)
        grid.focus()

    def _instructions(self) -> str:
        method = self.rnd.method
        if method == "dots":
            return (f"Type the dots you give each initiative (at most {self.rules.cap} on one). "
                    "Backspace clears. Ctrl+S shows your ballot to check before you submit.")
        if method == "moscow":
            return "Type M (must), S (should), C (could) or W (won't) for each initiative. Ctrl+S to review and submit."
        if method == "ranking":
            return ("Type each initiative's position (1 = best) and press Enter; the same number twice is a tie; "
                    "leave out what you do not want to rank. Ctrl+S to review and submit.")
        if method == "value_effort":
            lo, hi = self.rules.value_range
            return f"Score value and effort from {display(lo)} to {display(hi)}. Ctrl+S to review and submit."
        scales = ", ".join(f"{c.name} {display(c.min)}–{display(c.max)}" for c in self.workshop.scored_criteria)
        return f"Score each initiative on each criterion ({scales}). Ctrl+S to review and submit."

    def _update_budget(self, name: str | None = None) -> None:
        name = name or next(p.name for p in self.workshop.participants if p.key == self.voter)
        line = Text(f"Your ballot, {plain(name)}")
        if self.rules.budget is not None:
            line.append(f": {self.rules.budget - self.spent} of {self.rules.budget} dots left")
        self.query_one("#pb-budget", Static).update(line)

    # -- typing into the draft -------------------------------------------------
    def _text(self, row: str, col: str, value: object) -> Text:
        if value is None:
            return Text("")
        if self.rnd.method == "moscow":
            return Text(MOSCOW_TEXT.get(str(value), str(value)))
        return Text(display(value) if isinstance(value, (int, Fraction)) else str(value))

    def _enter(self, row: str, col: str, value: object) -> Text:
        """Check one entry against the round's rules; nothing is saved until submit."""
        old = self.draft.get((row, col))
        method = self.rnd.method
        if value is None:
            checked = None
        elif method == "ranking":
            if not isinstance(value, int) or value < 1:
                raise VotingError("A position is a whole number: 1 is the best.")
            checked = value
        elif method == "value_effort":
            checked = self.rules.check_cell(row, None, value, axis=col)
        elif method == "matrix":
            checked = self.rules.check_cell(row, col, value)
        else:
            spent = self.spent - (old if isinstance(old, int) else 0)
            checked = self.rules.check_cell(row, None, value, spent_elsewhere=spent)
            if checked == 0:
                checked = None
        if method == "dots":
            self.spent += (checked or 0) - (old if isinstance(old, int) else 0)  # type: ignore[operator]
            self._update_budget()
        if checked is None:
            self.draft.pop((row, col), None)
        else:
            self.draft[(row, col)] = checked
        return self._text(row, col, checked)

    def _entries(self) -> list[m.Vote]:
        method = self.rnd.method
        if method == "ranking":
            positions = {row: v for (row, _c), v in self.draft.items()}
            ballot = voting.parse_ranking(positions)
            return [m.Vote(ranking=ballot)] if ballot else []
        if method == "value_effort":
            rows = sorted({row for row, _c in self.draft})
            return [m.Vote(initiative=r, value=self.draft.get((r, "value")), effort=self.draft.get((r, "effort")))
                    for r in rows]
        if method == "matrix":
            return [m.Vote(initiative=r, criterion=c, value=v) for (r, c), v in self.draft.items()]
        return [m.Vote(initiative=r, value=v) for (r, _c), v in self.draft.items()]

    # -- keys -------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review":
            return self.step == "ballot"
        if action == "submit":
            return self.step == "review"
        if action == "next_person":
            return self.step == "handback"
        if action == "back":
            return self.step != "handback"
        return True

    @property
    def ballot_open(self) -> bool:
        """A voter is at the laptop: quitting needs the facilitator (WorkshopApp.action_quit)."""
        return self.step in ("ballot", "review")

    # -- review: what is left unscored and the totals, before the one-way submit --------
    def review_text(self) -> Text:
        """The review step's words; a partial ballot says so, a complete one says that."""
        titles = {i.key: i.title for i in self.workshop.initiatives}
        method = self.rnd.method
        if method == "matrix":
            wanted = [(i, c.key) for i in titles for c in self.workshop.scored_criteria]
        elif method == "value_effort":
            wanted = [(i, axis) for i in titles for axis in ("value", "effort")]
        else:
            column = next(iter(self.query_one("#pb-grid", VoteGrid).columns_spec), "")
            wanted = [(i, column) for i in titles]
        missing = [cell for cell in wanted if cell not in self.draft]
        unscored = [i for i in titles if any(cell[0] == i for cell in missing)]
        out = Text()
        out.append("Check your ballot before you submit. ", style="bold")
        out.append("Once submitted it cannot be changed.\n\n")
        for line in self._totals(len(titles)):
            out.append(f"{plain(line)}\n")
        if not self.draft:
            out.append("\nYour ballot is EMPTY: submitting it counts as a blank ballot.\n", style="bold")
        elif unscored and method != "ranking" and method != "dots":
            out.append(f"\nYour ballot is INCOMPLETE: {len(unscored)} of {len(titles)} initiatives are "
                       "not fully scored:\n", style="bold")
        elif unscored:
            out.append(f"\nNot given anything ({len(unscored)} of {len(titles)}):\n", style="bold")
        else:
            out.append("\nEvery initiative is scored.\n", style="bold")
        if self.draft:
            for key in unscored[:40]:
                out.append(f"  · {plain(titles[key])}\n")
            if len(unscored) > 40:
                out.append(f"  · and {len(unscored) - 40} more\n")
        out.append("\nEnter submits for good · Escape goes back to your ballot", style="italic")
        return out

    def _totals(self, n_items: int) -> list[str]:
        method, draft = self.rnd.method, self.draft
        if method == "dots":
            budget = self.rules.budget
            left = f" ({budget - self.spent} not used)" if budget is not None and budget > self.spent else ""
            given = f"{self.spent} of {budget}" if budget is not None else str(self.spent)
            return [f"Dots given: {given}{left}, on {len(draft)} of {n_items} initiatives."]
        if method == "matrix":
            lines = []
            for c in self.workshop.scored_criteria:
                values = [v for (_i, col), v in draft.items() if col == c.key]
                total = display(sum(values)) if values else "0"
                lines.append(f"{c.name}: {len(values)} of {n_items} scored, total {total}")
            return lines
        if method == "value_effort":
            return [f"{axis.title()}: {sum(1 for (_i, a) in draft if a == axis)} of {n_items} scored"
                    for axis in ("value", "effort")]
        if method == "ranking":
            return [f"Ranked: {len(draft)} of {n_items} initiatives."]
        counts: dict[str, int] = {}
        for value in draft.values():
            counts[str(value)] = counts.get(str(value), 0) + 1
        parts = [f"{MOSCOW_TEXT[k]} {counts[k]}" for k in MOSCOW_TEXT if k in counts]
        return [f"Marked: {len(draft)} of {n_items} initiatives" + (f" ({', '.join(parts)})" if parts else ".")]

    def action_review(self) -> None:
        if self.step != "ballot":
            return
        self.query_one("#pb-grid", VoteGrid).action_save_typed()
        self.query_one("#pb-review-text", Static).update(self.review_text())
        self._switch("review")
        self.set_focus(None)

    def action_submit(self) -> None:
        if self.step == "review":
            self._submit(self._entries())

    def _submit(self, entries: list[m.Vote]) -> None:
        """Written in the app's writer thread; the review stays on screen, saying so, until it
        has committed (then the ballot is hidden) or was refused (then it is back to change)."""
        from workshop_tui.tui.writes import write

        if self.submitting:
            return
        self.submitting = True
        self.query_one("#pb-review-text", Static).update(Text("Saving your ballot…", style="bold"))
        write(self, partial(voting.submit_ballot, self.db, self.session_id, self.round_key, self.voter, entries),
              self._submitted, failed=self._refused)

    def _refused(self, problem: str, exc: BaseException) -> None:
        self.submitting = False
        from workshop_tui.services.database import is_database_error

        if is_database_error(exc):  # the ballot stays on screen: nothing typed is lost
            problem = f"Your ballot was {problem} It is still here; try Ctrl+S again in a moment."
        self.app.notify(plain(problem), title="Not saved", severity="error", timeout=12, markup=False)
        self._back_to_ballot()

    def _submitted(self, _none) -> None:
        self.submitting = False
        self.cast += 1
        # Hide the ballot before anything else is drawn.
        self.draft, self.spent, self.voter = {}, 0, None
        self.query_one("#pb-grid", VoteGrid).clear(columns=True)
        self._switch("handback")
        self.app.notify("Ballot saved.", timeout=2)

    def action_next_person(self) -> None:
        if self.step == "handback":
            self._show_pick()

    def _back_to_ballot(self) -> None:
        self._switch("ballot")
        self.query_one("#pb-grid", VoteGrid).focus()

    def action_back(self) -> None:
        from workshop_tui.tui.modals.confirm import ConfirmModal

        if self.step == "review":
            self._back_to_ballot()
        elif self.step == "ballot" and not self.draft and not self.query_one("#pb-grid", VoteGrid).buffer:
            self._show_pick()  # nothing typed: nothing to lose
        elif self.step == "ballot":
            self.app.push_screen(ConfirmModal("Leave without voting? Nothing you typed will be kept.",
                                              yes="Leave", no="Keep voting"),
                                 lambda yes: self._show_pick() if yes else None)
        elif self.step == "pick":
            self.dismiss(self.cast)
