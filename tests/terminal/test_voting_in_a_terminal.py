"""Voting as the room sees it: the app in tmux at 120x40, keys typed, the screen read."""

from __future__ import annotations

from tests.terminal.conftest import open_session, stored_votes, wait_stage
from tests.terminal.tmux import line_with


def _amara_column(screen: str, title: str) -> str:
    """The text of the first person's (Amara's) cell in the row of ``title``."""
    header = next(line for line in screen.splitlines() if "Initiative" in line and "Amara" in line)
    start = header.index("Amara")
    return line_with(screen, title)[start - 2:start + 8].strip()


def test_a_number_on_arrival_at_voting_changes_stage_and_casts_nothing(terminal):
    open_session(terminal)
    wait_stage(terminal, 6)
    terminal.wait_for("Enter: start entering votes")
    terminal.press("2")
    wait_stage(terminal, 2)  # on main the grid had the focus: 2 dots were cast instead
    assert stored_votes(terminal.db_path) == 0
    terminal.press("6")
    wait_stage(terminal, 6)


def _to_voting(terminal) -> None:
    open_session(terminal)
    terminal.press("6")
    wait_stage(terminal, 6)


def test_votes_typed_down_a_column_show_at_once(terminal):
    _to_voting(terminal)
    terminal.wait_for("Enter: start entering votes")
    terminal.press("Enter")
    terminal.wait_for("ENTERING VOTES")
    for digit in "211":
        terminal.type(digit)
    screen = terminal.wait_for(lambda s: "0 of 4 dots left" in s and _amara_column(s, "Closed-loop") == "1",
                               what="the third vote drawn")
    # Every value on screen without a resize (on main the cells stayed blank).
    assert _amara_column(screen, "EPR optimisation") == "2"
    assert _amara_column(screen, "E-observations") == "1"
    assert stored_votes(terminal.db_path) == 3
    terminal.press("Escape")
    terminal.wait_for("Enter: start entering votes")
    terminal.press("Escape")
    terminal.wait_for("Enter opens the highlighted one")


def test_the_private_ballot_shows_typing_reviews_before_submit_and_guards_quit(terminal):
    _to_voting(terminal)
    terminal.wait_for("Enter: start entering votes")
    terminal.press("p")
    terminal.wait_for("Find your name")
    terminal.press("Enter")
    terminal.wait_for("Your ballot,")
    terminal.press("Escape")  # nothing typed: leaves without a question
    terminal.wait_for("Find your name")
    terminal.press("Enter")
    terminal.wait_for("Your ballot,")
    terminal.type("1")
    screen = terminal.wait_for(lambda s: "3 of 4 dots left" in s, what="the ballot's dots line")
    assert line_with(screen, "EPR optimisation").split("EPR optimisation")[1].strip().startswith("1")
    terminal.press("C-s")
    review = terminal.wait_for("Check your ballot")
    assert "Dots given: 1 of 4 (3 not used), on 1 of 14 initiatives." in review
    assert "Not given anything (13 of 14)" in review
    assert "E-observations and NEWS2" in review
    terminal.press("Escape")
    terminal.wait_for("3 of 4 dots left")
    terminal.press("C-q")
    terminal.wait_for("A private ballot is open")
    terminal.press("Escape")  # the facilitator says no: the ballot is still there
    terminal.wait_gone("A private ballot is open")
    terminal.wait_for("3 of 4 dots left")
    terminal.press("C-s")
    terminal.wait_for("Check your ballot")
    terminal.press("Enter")
    terminal.wait_for("Thank you: your ballot is saved")
    terminal.press("f")
    terminal.wait_for("Find your name")
    terminal.press("Escape")
    terminal.wait_for("Enter: start entering votes")
