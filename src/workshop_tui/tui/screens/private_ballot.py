"""Pass the laptop: each person votes privately, then a hand-back screen hides it.

Three steps on one screen: pick your name (only people who have not voted),
fill in your own ballot (nothing of anyone else's is shown), submit after a
confirmation; then "pass the laptop back", which needs the facilitator's key
before the next person can start. The ballot is kept in memory until it is
submitted whole, in one transaction, by ``voting.submit_ballot``.
"""

from __future__ import annotations

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
from workshop_tui.tui.widgets.ballot_layout import person_columns
from workshop_tui.tui.widgets.vote_grid import MOSCOW_TEXT, VoteGrid


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
    PrivateBallotScreen #pb-handback-text { width: 64; max-width: 100%; height: auto; border: thick $success;
                                            padding: 1 2; text-align: center; }
    """
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit my ballot", id="ballot.submit"),
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

    def compose(self) -> ComposeResult:
        yield Static(id="pb-title")
        with Vertical(id="pb-pick", classes="pb-step"):
            yield Static(Text("Private voting. Find your name and press Enter. Nobody else's votes are shown, "
                              "and your ballot is hidden before the laptop goes back."), id="pb-pick-help")
            yield OptionList(id="pb-names")
        with Vertical(id="pb-ballot", classes="pb-step"):
            yield Static(id="pb-budget")
            yield Static(id="pb-ballot-help")
            yield VoteGrid(id="pb-grid")
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
    def _load(self) -> None:
        self.workshop = sessions.load(self.db, self.session_id)
        self.rnd = self.workshop.round(self.round_key)
        self.rules = Rules.of(self.workshop, self.rnd)
        method = m.METHOD_LABELS.get(self.rnd.method, self.rnd.method)
        title = method if (self.rnd.title or "").startswith(method) else f"{self.rnd.title} · {method}"
        if self.rnd.anonymous:
            title += " · secret ballot: your ballot is stored without your name"
        self.query_one("#pb-title", Static).update(Text(title))

    def _switch(self, step: str) -> None:
        self.step = step
        for name in ("pick", "ballot", "handback"):
            self.query_one(f"#pb-{name}").display = name == step
        self.refresh_bindings()

    def _show_pick(self) -> None:
        self._load()
        self.voter, self.draft, self.spent = None, {}, 0
        waiting = voting.not_voted(self.db, self.session_id, self.round_key)
        names = self.query_one("#pb-names", OptionList)
        names.clear_options()
        people = {p.key: p.name for p in self.workshop.participants}
        names.add_options([Option(Text(people[k]), id=k) for k in waiting])
        names.highlighted = 0 if waiting else None
        if not waiting:
            self.query_one("#pb-pick-help", Static).update(
                Text("Everyone has voted or abstained. Press Escape to go back to the facilitator."))
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
        self.query_one("#pb-ballot-help", Static).update(Text(self._instructions()))
        self._switch("ballot")
        self._update_budget(name)
        grid.focus()

    def _instructions(self) -> str:
        method = self.rnd.method
        if method == "dots":
            return (f"Type the dots you give each initiative (at most {self.rules.cap} on one). "
                    "Backspace clears. Ctrl+S submits your ballot.")
        if method == "moscow":
            return "Type M (must), S (should), C (could) or W (won't) for each initiative. Ctrl+S submits."
        if method == "ranking":
            return ("Type each initiative's position (1 = best) and press Enter; the same number twice is a tie; "
                    "leave out what you do not want to rank. Ctrl+S submits.")
        if method == "value_effort":
            lo, hi = self.rules.value_range
            return f"Score value and effort from {display(lo)} to {display(hi)}. Ctrl+S submits."
        scales = ", ".join(f"{c.name} {display(c.min)}–{display(c.max)}" for c in self.workshop.scored_criteria)
        return f"Score each initiative on each criterion ({scales}). Ctrl+S submits."

    def _update_budget(self, name: str | None = None) -> None:
        name = name or next(p.name for p in self.workshop.participants if p.key == self.voter)
        line = Text(f"Your ballot, {name}")
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
        if action == "submit":
            return self.step == "ballot"
        if action == "next_person":
            return self.step == "handback"
        if action == "back":
            return self.step != "handback"
        return True

    def action_submit(self) -> None:
        from workshop_tui.tui.modals.confirm import ConfirmModal

        if self.step != "ballot":
            return
        self.query_one("#pb-grid", VoteGrid).action_save_typed()
        entries = self._entries()
        question = ("Submit your ballot? You cannot change it afterwards." if entries else
                    "Your ballot is empty. Submit it as a blank ballot?")
        self.app.push_screen(ConfirmModal(question, yes="Submit", no="Keep voting"),
                             lambda yes: self._submit(entries) if yes else None)

    def _submit(self, entries: list[m.Vote]) -> None:
        try:
            voting.submit_ballot(self.db, self.session_id, self.round_key, self.voter, entries)
        except VotingError as exc:
            self.app.notify(str(exc), title="Not saved", severity="error", timeout=6, markup=False)
            return
        self.cast += 1
        # Hide the ballot before anything else is drawn.
        self.draft, self.spent, self.voter = {}, 0, None
        self.query_one("#pb-grid", VoteGrid).clear(columns=True)
        self._switch("handback")
        self.app.notify("Ballot saved.", timeout=2)

    def action_next_person(self) -> None:
        if self.step == "handback":
            self._show_pick()

    def action_back(self) -> None:
        from workshop_tui.tui.modals.confirm import ConfirmModal

        if self.step == "ballot":
            self.app.push_screen(ConfirmModal("Leave without voting? Nothing you typed will be kept.",
                                              yes="Leave", no="Keep voting"),
                                 lambda yes: self._show_pick() if yes else None)
        elif self.step == "pick":
            self.dismiss(self.cast)
