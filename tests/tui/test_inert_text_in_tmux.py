"""User text cannot drive a real terminal: the app run in tmux, read back with capture-pane.

Headless tests read Textual's own picture; this one reads what a terminal emulator made
of the bytes the app wrote. Before the fix, an organisation holding ESC [1A moved the
cursor up and overwrote the row above it on the home list, and an OSC 0 sequence in an
initiative's title renamed the window.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from workshop_tui import domain  # noqa: F401  (the package must import before the app runs)

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

LIMIT_S = 60.0


class Tmux:
    def __init__(self, width: int, height: int, command: list[str], env: dict[str, str]) -> None:
        self.socket = f"workshop-test-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={v!r}" for k, v in env.items())
        shell = f"env {exports} {' '.join(repr(part) for part in command)}"
        self.run("new-session", "-d", "-s", "app", "-x", str(width), "-y", str(height), shell)

    def run(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True)
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "app")

    def wait_for(self, text: str) -> str:
        started = time.monotonic()
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            if time.monotonic() - started > LIMIT_S:
                raise AssertionError(f"{text!r} never appeared; the screen:\n{shown}")
            time.sleep(0.1)  # polling a condition, not settling

    def title(self) -> str:
        return self.run("display-message", "-p", "-t", "app", "#{pane_title}").strip()

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def hostile_db(tmp_path):
    from stage_b_support import four_people_workshop

    from workshop_tui.domain import model as m
    from workshop_tui.services import sessions
    from workshop_tui.storage.engine import open_database

    base = four_people_workshop()
    items = list(base.initiatives)
    items[0] = dataclasses.replace(items[0], title="EPR\x1b]0;pwned\x07 optimisation")
    items[1] = dataclasses.replace(items[1], title="e-Obs \u202eevil")
    workshop = dataclasses.replace(
        base, initiatives=tuple(items),
        session=dataclasses.replace(base.session, title="Hostile day", organisation="Org\x1b[1A up",
                                    stage="initiatives"))
    path = tmp_path / "hostile.db"
    db = open_database(f"sqlite:///{path}")
    sessions.import_workshop(db, workshop)
    sessions.create(db, m.SessionInfo(title="Row above", organisation="Calm"))
    db.dispose()
    return path


def test_escapes_in_user_text_do_not_move_the_cursor_or_retitle_the_window(hostile_db, tmp_path):
    assert shutil.which("tmux"), "the real-terminal tests need tmux (make test installs it)"
    env = {"TERM": "xterm-256color", "HOME": str(tmp_path), "WORKSHOP_TUI_DATA_DIR": str(tmp_path),
           "WORKSHOP_TUI_CONFIG_DIR": os.environ["WORKSHOP_TUI_CONFIG_DIR"]}
    term = Tmux(100, 30, [sys.executable, "-m", "workshop_tui", "--db", str(hostile_db)], env)
    try:
        before = term.title()
        shown = term.wait_for("Hostile day")
        lines = shown.splitlines()
        hostile = next(n for n, line in enumerate(lines) if "Hostile day" in line)
        assert "Org\\x1b[1A" in lines[hostile]  # made visible, on its own row
        header = next(n for n, line in enumerate(lines) if "Title" in line and "Organisation" in line)
        assert header < hostile  # the header row stayed where it was
        assert any("Row above" in line for line in lines)  # and the other session's row survived
        # Open it: it resumes at Initiatives, where the OSC title sequence is drawn.
        for _ in range(hostile - header - 1):  # the cursor starts on the first row
            term.run("send-keys", "-t", "app", "Down")
        term.run("send-keys", "-t", "app", "Enter")
        shown = term.wait_for("Candidate initiatives")
        assert "EPR\\x1b]0;pwned\\x07 optimisation" in shown or "e-Obs \\u202eevil" in shown
        assert "pwned" not in term.title() and term.title() == before
        assert "\u202e" not in shown
    finally:
        term.close()
