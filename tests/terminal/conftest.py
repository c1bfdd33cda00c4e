"""The real-terminal layer: one app process per test file, in tmux (see tmux.py)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.terminal.tmux import Terminal, tmux_available

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "workshop_tui" / "samples" / "nhs-trust-where-to-start.json"
HOME_TEXT = "Enter opens the highlighted one"


def make_database(folder: Path) -> Path:
    """The NHS sample with an open named dots round (r5, 4 dots each), resuming at Voting."""
    from workshop_tui.services import sessions, voting
    from workshop_tui.storage.engine import open_database

    path = folder / "workshop.db"
    db = open_database(f"sqlite:///{path}")
    sid = sessions.import_bytes(db, SAMPLE.read_bytes(), "sample")
    voting.create_round(db, sid, method="dots", title="Live dots")
    sessions.set_stage(db, sid, "voting")
    db.dispose()
    return path


def start_terminal(tmp_path_factory, width: int, height: int) -> Terminal:
    assert tmux_available(), "tmux is needed for tests/terminal (scripts/test.sh installs it)"
    folder = tmp_path_factory.mktemp("terminal")
    path = make_database(folder)
    term = Terminal(path, width=width, height=height,
                    env={"WORKSHOP_TUI_DATA_DIR": str(folder / "data"), "HOME": str(folder)})
    term.db_path = path
    term.wait_for(HOME_TEXT, what="the sessions list")
    return term


@pytest.fixture(scope="module")
def terminal(tmp_path_factory):
    term = start_terminal(tmp_path_factory, 120, 40)
    yield term
    term.close()


def stage_marker(n: int) -> re.Pattern:
    """The stepper's current stage: '[6✓Voting]' (or '[6 Voting]' when not done)."""
    return re.compile(r"\[" + str(n) + r".[A-Z][a-z]+\]")


def wait_stage(term: Terminal, n: int) -> str:
    pattern = stage_marker(n)
    return term.wait_for(lambda s: pattern.search(s) is not None, what=f"stage {n} to be current")


def open_session(term: Terminal) -> str:
    """From anywhere: Escape up to the sessions list, then open the sample session."""
    screen = term.screen()
    while HOME_TEXT not in screen:
        term.press("Escape")
        try:
            screen = term.wait_for(HOME_TEXT, timeout=3)
        except AssertionError:
            screen = term.screen()
    term.press("Enter")
    return term.wait_for(lambda s: re.search(r"\[\d.[A-Z][a-z]+\]", s) is not None, what="a stage")


def stored_votes(path: Path, round_key: str = "r5") -> int:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT count(*) FROM vote JOIN round ON vote.round_id = round.id "
                           "WHERE round.key = ?", (round_key,)).fetchone()[0]
