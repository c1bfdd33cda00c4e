"""Every change the facilitator makes goes to the database in a worker thread, one at a
time, in the order it was made; the UI thread never waits for the database.

A pane, screen or dialog hands ``write`` the service call as a job and says what to do
once it has committed (``done``: redraw, say "Saved"). Meanwhile the screen keeps taking
keys; when the database keeps the job waiting (another program holds it) the session
screen's banner says so (``waiting_since``). The outcome comes back to the UI thread:

- committed: ``done(result)``, and only then does the screen say it is done;
- refused by the rules (``ValueError``, ``LookupError``: the services' refusals, in the
  user's words) or by the database (busy past the services' retries, disk full, read
  only): ``failed(message, exception)``, by default an error notification that says plainly that
  nothing was saved;
- anything else is a bug: it is raised on the UI thread, so the app stops with a
  non-zero status (``run_app``) rather than carry on after losing a change.

Cast votes keep their own queue (panes/voting.py): one cell at a time, drawn before it
is written. Everything else comes through here.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from textual.message import Message

from workshop_tui.textsafe import for_terminal
from workshop_tui.tui.threads import in_thread


@dataclass
class Job:
    """One change waiting for the writer thread."""

    run: Callable[[], Any]
    done: Callable[[Any], None] | None
    failed: Callable[[str, BaseException], None] | None
    owner: Any  # the widget that asked: done/failed run only while it is still attached
    asked_at: float = field(default_factory=time.monotonic)


class Written(Message):
    """A job finished in the writer thread (posted to the app, handled on the UI thread)."""

    def __init__(self, job: Job, result: Any = None, problem: str = "", refusal: BaseException | None = None,
                 error: BaseException | None = None) -> None:
        super().__init__()
        # refusal: the exception behind ``problem`` (a form puts an EditError next to its field)
        self.job, self.result, self.problem, self.refusal, self.error = job, result, problem, refusal, error


def not_saved_message(exc: BaseException) -> str | None:
    """What to tell the facilitator when ``exc`` stopped a change, or None for a bug.

    The services refuse with ``ValueError``/``LookupError`` subclasses whose text names
    the thing in the user's words; database trouble is said plainly as NOT saved."""
    from workshop_tui.services.database import is_busy, is_database_error

    if is_database_error(exc):
        if is_busy(exc):
            return ("NOT saved: the database is busy, another program kept it locked. "
                    "Try again when it is free.")
        return f"NOT saved: the database reported a problem ({type(exc).__name__}: {exc})."
    if isinstance(exc, (ValueError, LookupError)):
        return str(exc)
    from workshop_tui.services.sessions import NotStored
    from workshop_tui.services.spreadsheets import SpreadsheetError

    if isinstance(exc, (NotStored, SpreadsheetError)):  # a refused file, a disk that takes nothing
        return str(exc)
    return None


class Writer:
    """The app's one writer thread for changes other than cast votes."""

    def __init__(self, app) -> None:
        self.app = app
        self._jobs: deque[Job] = deque()
        self._lock = threading.Lock()
        self._running = False
        self._current: Job | None = None

    @property
    def busy(self) -> bool:
        """True while a change is queued or being written."""
        with self._lock:
            return self._running or bool(self._jobs)

    @property
    def waiting_since(self) -> float | None:
        """When the change being written now was asked for (None: nothing in hand)."""
        with self._lock:
            job = self._current or (self._jobs[0] if self._jobs else None)
        return job.asked_at if job is not None else None

    def submit(self, job: Job) -> None:
        with self._lock:
            self._jobs.append(job)
            start = not self._running
            self._running = True
        if start:
            in_thread(self.app, self._drain, group="writes", exit_on_error=False)

    def _drain(self) -> None:
        """Runs in a thread: never touches widgets."""
        while True:
            with self._lock:
                if not self._jobs:
                    self._running, self._current = False, None
                    return
                job = self._current = self._jobs.popleft()
            try:
                outcome = Written(job, result=job.run())
            except Exception as exc:  # noqa: BLE001 - sorted: a refusal or the database is a message
                problem = not_saved_message(exc)
                outcome = (Written(job, problem=problem, refusal=exc) if problem is not None
                           else Written(job, error=exc))
            self.app.post_message(outcome)

    def finished(self, message: Written) -> None:
        """On the UI thread: tell the one who asked."""
        job = message.job
        if message.error is not None:
            raise message.error  # a bug, not the database: the app stops with a non-zero status
        attached = job.owner is None or job.owner.is_attached
        if message.problem:
            if job.failed is not None and attached:
                job.failed(message.problem, message.refusal)
            else:
                self.app.notify(for_terminal(message.problem), title="Not saved", severity="error",
                                timeout=8, markup=False)
            return
        if job.done is not None and attached:
            job.done(message.result)

    async def wait(self, limit_s: float = 60.0) -> bool:
        """Until every change asked for is written (for quitting); False if the limit passed."""
        import asyncio

        deadline = time.monotonic() + limit_s
        while self.busy:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True


def write(owner, job: Callable[[], Any], done: Callable[[Any], None] | None = None, *,
          failed: Callable[[str, BaseException], None] | None = None) -> None:
    """Write ``job`` (a service call) in the app's writer thread; ``done(result)`` runs on
    the UI thread once it has committed, ``failed(message)`` if nothing was saved."""
    owner.app.writer.submit(Job(job, done, failed, owner))
