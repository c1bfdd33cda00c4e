"""Moving around in a real terminal: stage keys, Escape, export, and 80x24."""

from __future__ import annotations

import sqlite3

import pytest

from tests.terminal.conftest import HOME_TEXT, open_session, start_terminal, wait_stage
from tests.terminal.tmux import line_with

TITLE = "Decide where to start: digital exemplars 2027-29"


def test_every_stage_key_works_from_every_stage(terminal):
    open_session(terminal)
    for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 1):
        terminal.press(str(n))
        screen = wait_stage(terminal, n)
    # Setup's title box was focused on arrival on main: '2' was typed into the title.
    terminal.press("2")
    wait_stage(terminal, 2)
    terminal.press("1")
    screen = wait_stage(terminal, 1)
    assert f"{TITLE}2" not in screen and f"{TITLE}1" not in screen


def test_escape_climbs_from_a_stage_to_the_sessions_list(terminal):
    open_session(terminal)
    terminal.press("2")
    wait_stage(terminal, 2)
    screen = terminal.wait_for("esc Back to sessions")  # the footer says what Escape does
    terminal.press("Escape")
    terminal.wait_for(HOME_TEXT)
    assert "^h" not in screen  # Ctrl+H arrives as Backspace: not offered


def test_the_export_dialog_opens_from_the_sessions_list(terminal):
    open_session(terminal)
    terminal.press("Escape")
    terminal.wait_for(HOME_TEXT)
    terminal.press("e")
    terminal.wait_for(f"Export {TITLE}")
    terminal.press("Escape")
    terminal.wait_gone(f"Export {TITLE}")


def test_names_typed_one_after_another_are_saved_as_typed(terminal):
    # Seen in tmux: "Eve Adams", Enter, "Sam Lee", Enter sent at once stored "Eve AdamsSam Lee"
    # and refused an empty name: the box took the next name's keys before the pane read it.
    open_session(terminal)
    terminal.press("2")
    wait_stage(terminal, 2)
    terminal.wait_for("a Add")
    terminal.press("a")
    terminal.wait_for("esc Leave the box")  # the name box has the focus
    terminal._tmux("send-keys", "-t", terminal.name, "Eve Adams", "Enter", "Sam Lee", "Enter")
    # The box empty again (its placeholder back) with both names shown: both are in the table,
    # which shows a name only once it is saved (a name still in the box is not enough).
    screen = terminal.wait_for(lambda s: "Eve Adams " in s and "Sam Lee " in s and "Name, then Enter" in s,
                               what="both names in the table and the box empty")
    assert "Eve AdamsSam" not in screen and "Type the person's name" not in screen
    with sqlite3.connect(terminal.db_path) as con:
        names = {row[0] for row in con.execute("SELECT name FROM participant")}
    assert {"Eve Adams", "Sam Lee"} <= names and not any("AdamsSam" in n for n in names)
    terminal.press("Escape")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    term = start_terminal(tmp_path_factory, 80, 24)
    yield term
    term.close()


def test_at_80x24_the_grid_says_what_is_off_screen_and_draws_typing(small):
    open_session(small)  # the session was left at Voting
    screen = wait_stage(small, 6)
    screen = small.wait_for(lambda s: "more ->" in s and "more below" in s, what="the grid's more markers")
    stepper = screen.splitlines()[1]
    assert "9" in stepper and "[6" in stepper
    assert "Initiative" in screen and "Amara" in screen  # the frozen title column and the headers
    small.press("Enter")
    small.wait_for("ENTERING VOTES")
    small.type("3")
    screen = small.wait_for("1 of 4 dots left")
    header = next(line for line in screen.splitlines() if "Initiative" in line and "Amara" in line)
    start = header.index("Amara")
    assert line_with(screen, "EPR optimisation")[start - 2:start + 8].strip() == "3"
    small.press("Escape")
    small.wait_for("Enter: start entering votes")
