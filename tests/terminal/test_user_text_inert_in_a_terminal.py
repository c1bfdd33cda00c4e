"""User text cannot drive the terminal, on any stage or dialog (issue 11, point 9).

A session whose every user-text field starts with an escape sequence (cursor up, an OSC
window title, the 8-bit CSI, a bidi override, BEL and backspace) or Rich markup is walked
through every stage and the dialogs that quote user text, in tmux. After each step the
screen must show the sequences as visible placeholders where the text belongs (a raw
cursor-up would instead draw the rest of the line over the row above, and the placeholder
would be missing), the window title must be unchanged (OSC 0 would retitle it), no
right-to-left override may reach a cell, and the header and stepper rows stay whole.
"""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.terminal.conftest import HOME_TEXT, wait_stage
from tests.terminal.hostile import hostile_session, shown
from tests.terminal.tmux import Terminal, line_with, tmux_available

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from workshop_tui.domain import model as m
    from workshop_tui.services import sessions, voting
    from workshop_tui.storage.engine import open_database

    assert tmux_available(), "tmux is needed for tests/terminal (scripts/test.sh installs it)"
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.db"
    db = open_database(f"sqlite:///{path}")
    data, changed = hostile_session()
    sid = sessions.import_bytes(db, data, "hostile")
    # An open named round (its title hostile too): the facilitator grid and the private ballot.
    voting.create_round(db, sid, method="dots", title="\x1b]0;pwned\x07Live dots")
    sessions.set_stage(db, sid, "setup")
    sessions.create(db, m.SessionInfo(title="Row above", organisation="Calm"))
    db.dispose()
    term = Terminal(path, width=120, height=40,
                    env={"WORKSHOP_TUI_DATA_DIR": str(folder / "data"), "HOME": str(folder),
                         "WORKSHOP_TUI_CONFIG_DIR": str(folder / "config")})
    term.changed = changed
    term.db_path = path
    term.wait_for(HOME_TEXT, what="the sessions list")
    term.first_title = term.pane_title()
    yield term
    term.close()


def visible(term: Terminal, original: str, length: int | None = None) -> str:
    """How the hostile version of ``original`` (sample text, or its start) should read on screen."""
    text = shown(term.changed[next(k for k in term.changed if k.startswith(original))])
    return text if length is None else text[:length]


def look(term: Terminal, *expected: str, what: str = "") -> str:
    """Wait until every ``expected`` text is on screen, then check nothing reached the terminal."""
    screen = term.wait_for(lambda s: all(e in s for e in expected),
                           what=what or f"the visible placeholders {expected!r}")
    assert term.pane_title() == term.first_title, "an OSC sequence retitled the window"
    assert "pwned" not in term.pane_title()
    assert "\u202e" not in screen, "a right-to-left override reached the screen"
    return screen


def stage(term: Terminal, n: int, *expected: str) -> str:
    term.press(str(n))
    wait_stage(term, n)
    screen = look(term, *expected, what=f"stage {n} with its user text made visible")
    assert "workshop-tui" in screen.splitlines()[0], "the header row was overwritten"
    stepper = screen.splitlines()[1]
    assert all(f"{k}" in stepper for k in range(1, 10)), "the stepper row was overwritten"
    return screen


def modal(term: Terminal, key: str, *expected: str, ready: str = "", close: str = "Escape",
          gone: str | None = None) -> str:
    """Open a dialog with ``key`` once the footer offers ``ready`` (the focus has landed), check it, close it."""
    if ready:
        term.wait_for(ready, what=f"the footer to offer {ready!r}")
    term.press(key)
    screen = look(term, *expected, what=f"the dialog opened by {key}")
    term.press(close)
    term.wait_gone(gone or expected[0])
    return screen


def test_the_home_list_shows_escapes_on_their_own_row(hostile):
    screen = look(hostile, visible(hostile, "Decide where to start: digital exemplars 2027-29", 24),
                  visible(hostile, "Northfield Hospitals NHS Foundation Trust", 12))
    row = line_with(screen, "Decide where to s")
    assert "\\x1b]0;pwned" in row and "2026-11-19" in row and "Setup" in row  # date and stage on the row
    header = line_with(screen, "Organisation")
    assert "Title" in header and "Date" in header  # the row above the hostile one is intact
    assert "Calm" in line_with(screen, "Row above")
    # Deleting asks, quoting the title: made visible there too (and nothing is deleted: n).
    modal(hostile, "d", "Delete the session \u201c" + visible(hostile, "Decide where to start: digital exemplars 2027-29", 30),
          close="n")


def test_every_stage_and_dialog_shows_user_text_inert(hostile):
    t, v = hostile, lambda original, n=None: visible(hostile, original, n)
    t.press("Enter")
    wait_stage(t, 1)
    title = "Decide where to start: digital exemplars 2027-29"
    look(t, "workshop-tui — " + v(title, 30))  # the header's session title

    stage(t, 1, v(title), v("Northfield Hospitals NHS Foundation Trust"),
          v("Helen Okafor (Chief Digital and Information Officer)"))

    amara = "Dr Amara Mensah (Chief Medical Officer)"
    screen = stage(t, 2, v(amara), v("Siân Llewellyn (Ward Sister, Acute Medical Unit)"),
                   v("Mark Ellison (Divisional General Manager, Surgery)"))
    assert "Executive" in line_with(screen, "Dr Amara Mensah")
    modal(t, "d", f"Remove {v(amara)}", "from this session?", ready="d Remove", close="n")

    screen = stage(t, 3, v("EPR optimisation"), v("E-observations and NEWS2"),
                   v("Robotic process automation in back office"))
    modal(t, "e", "Edit: " + v("EPR optimisation"), v("EPR optimisation"), ready="e Edit", gone="Edit: ")
    modal(t, "d", "Remove \u201c" + v("EPR optimisation", 30), ready="d Remove", close="n")

    screen = stage(t, 4, v("No show-stoppers (e.g. insurmountable IG issues)"), v("Builds consensus"),
                   v("Patient portal (NHS App integration)"))
    assert "FAIL" in line_with(screen, "Patient portal (NHS App integration)")
    modal(t, "d", "Remove the criterion \u201c" + v("No show-stoppers (e.g. insurmountable IG issues)", 30),
          ready="d Remove", close="n")

    stage(t, 5, v("Information governance review"), v("days per month"), v("Clinical safety officer time"))

    screen = stage(t, 6, v("First impressions", 20), "\\x1b]0;pwned\\x07Live dots",
                   v("EPR optimisation", 24), v(amara) + ":")
    t.press("Enter")
    t.wait_for("ENTERING VOTES")
    t.type("1")
    look(t, "3 of 4 dots left")
    t.press("Escape")
    t.wait_for("Enter: start entering votes")
    # The private ballot: the names to pick from, the ballot, and its review.
    t.press("p")  # Amara has voted (above): the list starts with Tom
    tom = "Dr Tom Kavanagh (Chief Clinical Information Officer)"
    look(t, "Find your name", v(tom), what="the private ballot's names")
    t.press("Enter")
    look(t, "Your ballot, " + v(tom), v("EPR optimisation", 24))
    t.type("1")
    t.press("C-s")
    look(t, "Check your ballot before you submit", "  · " + v("E-observations and NEWS2"))
    t.press("Escape")
    t.wait_for("Your ballot, ")
    t.press("Escape")
    t.wait_for("Leave without voting?")
    t.press("y")
    look(t, "Find your name")
    t.press("Escape")
    wait_stage(t, 6)

    stage(t, 7, "Round r5 · \\x1b]0;pwned\\x07Live dots", v("EPR optimisation"))
    t.press("[")  # the secret ballot: the ranking, the agreement sentence (it names initiatives), the chart
    look(t, "Round r4 · " + v("Secret ballot"), v("E-observations and NEWS2"),
         "the room is split on " + v("Closed-loop medicines administration", 20), v("Wi-Fi and network refresh", 26))

    # Choices: the table, the capacity bars, the notes and the detail panel; Enter's full reasons.
    epr, voice = v("EPR optimisation"), v("Voice recognition and digital dictation")
    stage(t, 8, "Will do: " + epr, "Override: " + voice, v("Information governance review", 20))
    modal(t, "Enter", "Will do: " + epr, " Close ", ready="x Rule out", gone=" Close ")
    def detail(screen: str) -> str:  # the detail panel's first line, under the full-width rule
        lines = screen.splitlines()
        return next((lines[n + 1] for n, line in enumerate(lines[:-1])
                     if len(line.strip()) > 60 and line.strip().strip("─") == ""), "")

    for _ in range(8):  # down, one row at a time, to the overridden row: its reason quotes the rationale
        shown_now = detail(t.screen())
        if shown_now.strip().startswith("Will do: " + voice):
            break
        t.press("Down")
        t.wait_for(lambda s: detail(s) != shown_now, what="the detail panel to follow the cursor")
    rationale = next(k for k in t.changed if k.startswith("Ranked seventh"))
    look(t, "Will do: " + voice, v(rationale, 30))
    modal(t, "x", "We will NOT do: " + v("Voice recognition and digital dictation", 30),
          "Effect on the plan: " + v("Voice recognition and digital dictation", 30), gone="We will NOT do: ")

    measure = next(k for k in t.changed if k.startswith("Coverage survey"))
    screen = stage(t, 9, v("Complete phase 1 Wi-Fi refresh on all adult inpatient wards", 18),
                   v(measure, 20))
    row = line_with(screen, "2027-03-31")
    assert v("Dan Whitfield, Head of IT Infrastructure", 12) in row  # the owner, cut to its column
    modal(t, "e", "Edit action", v("Dan Whitfield, Head of IT Infrastructure"), ready="e Edit", gone="Edit action")
    modal(t, "d", "Remove the action \u201c" + v("Complete phase 1 Wi-Fi refresh on all adult inpatient wards", 30),
          close="n")

    # Export from inside the session quotes the title.
    modal(t, "C-e", "Export " + v(title, 30))


def test_nothing_was_changed_by_looking(hostile):
    """Opening and closing the edit dialogs saved nothing: the hostile text is stored as it was."""
    with sqlite3.connect(hostile.db_path) as con:
        titles = {row[0] for row in con.execute("SELECT title FROM initiative")}
        owners = {row[0] for row in con.execute("SELECT owner FROM action")}
    assert hostile.changed["EPR optimisation"] in titles
    assert hostile.changed["Dan Whitfield, Head of IT Infrastructure"] in owners
    assert not any(re.search(r"\\x1b", t) for t in titles)  # never saved as its visible form
