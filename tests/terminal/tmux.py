"""The app in a real terminal: tmux runs it, the tests type keys and read the screen.

Each test file starts one app process (a tmux session on a socket of its own, so
other tmux users on the machine are never touched) and reuses it. Nothing here
sleeps a fixed time: ``wait_for`` polls the screen until a condition holds, with
a generous timeout for a busy 2-core CI machine, and on timeout fails with the
screen as it was.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

TIMEOUT_S = float(os.environ.get("WORKSHOP_TUI_TERMINAL_TIMEOUT", "45"))
POLL_S = 0.05


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


class Terminal:
    """One app process in a tmux pane of ``width`` x ``height``."""

    def __init__(self, db_path: Path, *, width: int = 120, height: int = 40, env: dict | None = None) -> None:
        self.socket = f"workshop-tui-test-{os.getpid()}-{id(self)}"
        self.name = "app"
        self.width, self.height = width, height
        command = f"{shlex.quote(sys.executable)} -m workshop_tui --db {shlex.quote(str(db_path))}"
        # A closed app leaves its status behind, so a test can check the exit code.
        self.status_file = Path(str(db_path) + ".exit-status")
        self.status_file.unlink(missing_ok=True)
        wrapped = f"{command}; echo $? > {shlex.quote(str(self.status_file))}; sleep 600"
        environment = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor",
                       "TEXTUAL_ANIMATIONS": "none", **(env or {})}
        self._tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
                   "bash", "-c", wrapped, env=environment)

    def _tmux(self, *args: str, env: dict | None = None) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True,
                             text=True, env=env, check=True)
        return out.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def pane_title(self) -> str:
        """The window title as the terminal holds it (an OSC 0 sequence would change it)."""
        return self._tmux("display-message", "-p", "-t", self.name, "#{pane_title}").strip()

    def press(self, *keys: str) -> None:
        """tmux key names: 'Enter', 'Escape', 'Down', 'C-q', or literal text with ``type``."""
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.name, "-l", text)

    def resize(self, width: int, height: int) -> None:
        self._tmux("resize-window", "-t", self.name, "-x", str(width), "-y", str(height))
        self.width, self.height = width, height

    def wait_for(self, condition: str | Callable[[str], bool], *, timeout: float = TIMEOUT_S,
                 what: str = "") -> str:
        """Poll the screen until ``condition`` (text on screen, or a predicate) holds."""
        check = (lambda s: condition in s) if isinstance(condition, str) else condition
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(POLL_S)
        raise AssertionError(f"timed out waiting for {what or condition!r}; the screen was:\n{screen}")

    def wait_gone(self, text: str, **kwargs) -> str:
        return self.wait_for(lambda s: text not in s, what=f"{text!r} to disappear", **kwargs)

    def exit_status(self, *, timeout: float = TIMEOUT_S) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status_file.exists() and self.status_file.read_text().strip():
                return int(self.status_file.read_text())
            time.sleep(POLL_S)
        raise AssertionError(f"the app did not exit; the screen was:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def line_with(screen: str, text: str) -> str:
    """The first screen line containing ``text`` (AssertionError when none)."""
    for line in screen.splitlines():
        if text in line:
            return line
    raise AssertionError(f"no line with {text!r} on the screen:\n{screen}")
