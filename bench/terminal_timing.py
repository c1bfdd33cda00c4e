"""Timing in a real terminal: start a program in tmux and poll ``capture-pane`` until
some text is on screen (used by the bench/tui_*.py scripts that measure in tmux)."""

from __future__ import annotations

import os
import shlex
import subprocess
import time

POLL_S = 0.002


class Tmux:
    """One tmux server on a socket of its own; killed by ``close``."""

    def __init__(self, label: str) -> None:
        self.socket = f"tuibench-{label}-{os.getpid()}"
        # A session that outlives the measured ones, so the server is not restarting
        # (and the next start is not failing) just after one of them was killed.
        self.run("new-session", "-d", "-s", "keeper", "sleep", "3600")

    def run(self, *args: str, env: dict | None = None) -> str:
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True,
                              text=True, env=env, check=True).stdout

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name)

    def start(self, name: str, argv: list[str], *, width: int, height: int, env: dict) -> float:
        """Start ``argv`` in a new session; returns the monotonic time just before."""
        environment = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor",
                       "TEXTUAL_ANIMATIONS": "none", **env}
        command = " ".join(shlex.quote(a) for a in argv) + "; sleep 600"
        started = time.monotonic()
        self.run("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), "bash", "-c", command,
                 env=environment)
        return started

    def wait_for(self, name: str, text: str, timeout: float = 60.0) -> float:
        """The monotonic time at which ``text`` was first seen on screen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.screen(name):
                return time.monotonic()
            time.sleep(POLL_S)
        raise RuntimeError(f"{text!r} never appeared; the screen was:\n{self.screen(name)}")

    def kill(self, name: str) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-session", "-t", name], capture_output=True)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
